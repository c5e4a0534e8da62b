{#
  Training as the public sees it, before it is split into the instansi table (pub_pelatihan) and
  the unit table (pub_pelatihan_unit); the same construction as int_publik__sel_kepatuhan. Two
  measures, each a partition of an OPD's active staff in the month (mart_pelatihan_unit) into YA
  and TIDAK: trained this year so far, and at the yearly expectation. Per instansi, month and
  measure one two-way table — rows the OPDs, columns YA / TIDAK — whose margins are the OPDs'
  headcounts (column '*') and the instansi's (row '*').

  The headcounts are shared by both measures, so they are settled first and alike for both (a
  headcount of 1-4 is withheld, then complementary over the instansi); each measure then keeps
  them fixed. Withheld on its own besides counts of 1-4: the count at the expectation where the
  trained-but-not-at-the-expectation difference (terlatih - memenuhi_standar, both published)
  would be 1-4. Grain: instansi × bulan × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with pelatihan as (
    select * from {{ ref('mart_pelatihan_unit') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

pegawai_sel as (
    select instansi_kode, bulan,
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           '*'::text                                                       as kolom,
           sum(jumlah_pegawai)::bigint                                     as jumlah,
           true                                                            as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('sum(jumlah_pegawai)') }}                          as is_primer
    from pelatihan
    group by grouping sets ((instansi_kode, bulan, unit_kode), (instansi_kode, bulan))
),

jumlah_pegawai as (
    {{ sembunyikan_sel('pegawai_sel', ['instansi_kode', 'bulan']) }}
),

ukuran as (
    select instansi_kode, bulan, unit_kode, 'terlatih' as ukuran,
           jumlah_terlatih as ya, jumlah_pegawai - jumlah_terlatih as tidak, false as selisih_kecil
    from pelatihan
    union all
    select instansi_kode, bulan, unit_kode, 'memenuhi_standar',
           jumlah_memenuhi_standar, jumlah_pegawai - jumlah_memenuhi_standar,
           {{ sel_kecil('jumlah_terlatih - jumlah_memenuhi_standar') }}
    from pelatihan
),

isi as (
    select instansi_kode, bulan, ukuran, unit_kode, 'YA' as kolom, ya as jumlah, selisih_kecil from ukuran
    union all
    select instansi_kode, bulan, ukuran, unit_kode, 'TIDAK', tidak, false from ukuran
),

isi_dengan_total as (
    select instansi_kode, bulan, ukuran,
           case when grouping(unit_kode) = 1 then '*' else unit_kode end   as baris,
           kolom,
           sum(jumlah)::bigint                                             as jumlah,
           bool_or(selisih_kecil)                                          as selisih_kecil
    from isi
    group by grouping sets ((instansi_kode, bulan, ukuran, unit_kode, kolom), (instansi_kode, bulan, ukuran, kolom))
),

sel as (
    select instansi_kode, bulan, ukuran, baris, kolom, jumlah,
           baris = '*'                                                     as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('jumlah') }} or selisih_kecil                      as is_primer
    from isi_dengan_total
    union all
    select jumlah_pegawai.instansi_kode, jumlah_pegawai.bulan, ukuran_daftar.ukuran, jumlah_pegawai.baris, '*',
           jumlah_pegawai.jumlah, true, true, jumlah_pegawai.is_disembunyikan
    from jumlah_pegawai
    cross join (values ('terlatih'), ('memenuhi_standar')) as ukuran_daftar (ukuran)
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', 'bulan', 'ukuran']) }}
),

final as (
    -- a measure that had to withhold a headcount its first step showed withholds the whole
    -- instansi-month, so the other measure cannot give that headcount away
    select
        disembunyikan.instansi_kode,
        disembunyikan.bulan,
        disembunyikan.ukuran,
        disembunyikan.baris,
        disembunyikan.kolom,
        disembunyikan.jumlah,
        disembunyikan.is_margin,
        disembunyikan.is_disembunyikan or bool_or(disembunyikan.kolom = '*' and disembunyikan.is_disembunyikan
                                                  and not disembunyikan.is_primer)
                                          over (partition by disembunyikan.instansi_kode, disembunyikan.bulan)
                                                                           as is_disembunyikan
    from disembunyikan
)

select * from final
