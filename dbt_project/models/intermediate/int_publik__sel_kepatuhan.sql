{#
  Submission compliance as the public sees it, before it is split into the instansi and the unit
  table. Three measures, each a partition of a unit's roster (mart_kepatuhan) into YA and TIDAK:
  with an SKP, evaluated, evaluated on time. Per instansi, period and measure one two-way table —
  rows the units, columns YA / TIDAK — whose margins are the units' headcounts (column '*') and
  the instansi's (row '*').

  The headcounts are shared by the three measures, so they are settled first and alike for all
  (step `jumlah_pegawai`: a headcount of 1-4 is withheld, then complementary over the instansi);
  each measure then keeps them fixed. Withheld on their own besides counts of 1-4: the on-time
  count where the evaluated-but-not-on-time difference (dievaluasi - tepat waktu, both published)
  would be 1-4. Grain: instansi × periode × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with kepatuhan as (
    select * from {{ ref('mart_kepatuhan') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

pegawai_sel as (
    select instansi_kode, periode,
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           '*'::text                                                       as kolom,
           sum(jumlah_pegawai)::bigint                                     as jumlah,
           true                                                            as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('sum(jumlah_pegawai)') }}                          as is_primer
    from kepatuhan
    group by grouping sets ((instansi_kode, periode, unit_kode), (instansi_kode, periode))
),

jumlah_pegawai as (
    {{ sembunyikan_sel('pegawai_sel', ['instansi_kode', 'periode']) }}
),

ukuran as (
    select instansi_kode, periode, unit_kode, 'punya_skp' as ukuran,
           jumlah_punya_skp as ya, jumlah_pegawai - jumlah_punya_skp as tidak, false as selisih_kecil
    from kepatuhan
    union all
    select instansi_kode, periode, unit_kode, 'dievaluasi',
           jumlah_dievaluasi, jumlah_pegawai - jumlah_dievaluasi, false
    from kepatuhan
    union all
    select instansi_kode, periode, unit_kode, 'tepat_waktu',
           jumlah_tepat_waktu, jumlah_pegawai - jumlah_tepat_waktu,
           {{ sel_kecil('jumlah_dievaluasi - jumlah_tepat_waktu') }}
    from kepatuhan
),

isi as (
    select instansi_kode, periode, ukuran, unit_kode, 'YA' as kolom, ya as jumlah, selisih_kecil from ukuran
    union all
    select instansi_kode, periode, ukuran, unit_kode, 'TIDAK', tidak, false from ukuran
),

isi_dengan_total as (
    select instansi_kode, periode, ukuran,
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           kolom,
           sum(jumlah)::bigint                                             as jumlah,
           bool_or(selisih_kecil)                                          as selisih_kecil
    from isi
    group by grouping sets ((instansi_kode, periode, ukuran, unit_kode, kolom), (instansi_kode, periode, ukuran, kolom))
),

sel as (
    select instansi_kode, periode, ukuran, baris, kolom, jumlah,
           baris = '*'                                                     as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('jumlah') }} or selisih_kecil                      as is_primer
    from isi_dengan_total
    union all
    select jumlah_pegawai.instansi_kode, jumlah_pegawai.periode, ukuran_daftar.ukuran, jumlah_pegawai.baris, '*',
           jumlah_pegawai.jumlah, true, true, jumlah_pegawai.is_disembunyikan
    from jumlah_pegawai
    cross join (values ('punya_skp'), ('dievaluasi'), ('tepat_waktu')) as ukuran_daftar (ukuran)
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', 'periode', 'ukuran']) }}
),

final as (
    -- a measure that had to withhold a headcount its first step showed withholds the whole
    -- instansi-period, so the other measures cannot give that headcount away
    select
        disembunyikan.instansi_kode,
        disembunyikan.periode,
        disembunyikan.ukuran,
        disembunyikan.baris,
        disembunyikan.kolom,
        disembunyikan.jumlah,
        disembunyikan.is_margin,
        disembunyikan.is_disembunyikan or bool_or(disembunyikan.kolom = '*' and disembunyikan.is_disembunyikan
                                                  and not disembunyikan.is_primer)
                                          over (partition by disembunyikan.instansi_kode, disembunyikan.periode)
                                                                           as is_disembunyikan
    from disembunyikan
)

select * from final
