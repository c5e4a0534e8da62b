{#
  The public cells of measures that each split a unit's headcount into YA and TIDAK (submission
  compliance, training): per instansi, period and measure one two-way table — rows the units,
  columns YA / TIDAK — whose margins are the units' headcounts (column '*') and the instansi's
  (row '*').

  `sumber` is a CTE with one row per unit and period: instansi_kode, the period column `periode`,
  unit_kode, jumlah_pegawai. `ukuran` is a CTE the model defines before calling this, one row per
  unit, period and measure: instansi_kode, the period column, unit_kode, ukuran, ya, tidak, and
  selisih_kecil (the measure's YA count withheld on its own because a published difference would
  be 1-4). `daftar_ukuran` lists the measures.

  The headcounts are shared by the measures, so they are settled first and alike for all (step
  `jumlah_pegawai`: a headcount of 1-4 is withheld, then complementary over the instansi); each
  measure then keeps them fixed; a measure that had to withhold a headcount its first step showed
  withholds the whole instansi-period, so the other measures cannot give it away.
  Emits the CTEs pegawai_sel … final (grain: instansi × period × ukuran × baris × kolom).
#}
{% macro sel_ya_tidak(sumber, periode, daftar_ukuran) -%}
pegawai_sel as (
    select instansi_kode, {{ periode }},
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           '*'::text                                                       as kolom,
           sum(jumlah_pegawai)::bigint                                     as jumlah,
           true                                                            as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('sum(jumlah_pegawai)') }}                          as is_primer
    from {{ sumber }}
    group by grouping sets ((instansi_kode, {{ periode }}, unit_kode), (instansi_kode, {{ periode }}))
),

jumlah_pegawai as (
    {{ sembunyikan_sel('pegawai_sel', ['instansi_kode', periode]) }}
),

isi as (
    select instansi_kode, {{ periode }}, ukuran, unit_kode, 'YA' as kolom, ya as jumlah, selisih_kecil from ukuran
    union all
    select instansi_kode, {{ periode }}, ukuran, unit_kode, 'TIDAK', tidak, false from ukuran
),

isi_dengan_total as (
    select instansi_kode, {{ periode }}, ukuran,
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           kolom,
           sum(jumlah)::bigint                                             as jumlah,
           bool_or(selisih_kecil)                                          as selisih_kecil
    from isi
    group by grouping sets ((instansi_kode, {{ periode }}, ukuran, unit_kode, kolom),
                            (instansi_kode, {{ periode }}, ukuran, kolom))
),

sel as (
    select instansi_kode, {{ periode }}, ukuran, baris, kolom, jumlah,
           baris = '*'                                                     as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('jumlah') }} or selisih_kecil                      as is_primer
    from isi_dengan_total
    union all
    select jumlah_pegawai.instansi_kode, jumlah_pegawai.{{ periode }}, ukuran_daftar.ukuran, jumlah_pegawai.baris, '*',
           jumlah_pegawai.jumlah, true, true, jumlah_pegawai.is_disembunyikan
    from jumlah_pegawai
    cross join (values {% for u in daftar_ukuran %}('{{ u }}'){{ ', ' if not loop.last }}{% endfor %}) as ukuran_daftar (ukuran)
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', periode, 'ukuran']) }}
),

final as (
    select
        disembunyikan.instansi_kode,
        disembunyikan.{{ periode }},
        disembunyikan.ukuran,
        disembunyikan.baris,
        disembunyikan.kolom,
        disembunyikan.jumlah,
        disembunyikan.is_margin,
        disembunyikan.is_disembunyikan or bool_or(disembunyikan.kolom = '*' and disembunyikan.is_disembunyikan
                                                  and not disembunyikan.is_primer)
                                          over (partition by disembunyikan.instansi_kode, disembunyikan.{{ periode }})
                                                                           as is_disembunyikan
    from disembunyikan
)
{%- endmacro %}
