{#
  Feedback coverage per unit and month: the RHK lines of the unit's staff, how many received
  feedback before the month ended (coverage), the median days to the first feedback, and the
  staff who received feedback before the month ended on at least one line (people: what publik
  counts). mart_umpan_balik_penilai splits the same lines by rater. Incremental by month (no rater here: the run's month alone).
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with rhk as (
    select * from {{ ref('mart_umpan_balik_rhk') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

per_pegawai as (
    select instansi_kode, bulan, tahun, unit_kode, opd_kode, nip,
           bool_or(is_umpan_balik_tepat) as is_umpan_balik_tepat
    from rhk
    group by 1, 2, 3, 4, 5, 6
),

baris as (
    select
        instansi_kode, bulan, tahun, unit_kode, opd_kode,
        count(*)                                                           as jumlah_rhk,
        count(*) filter (where is_umpan_balik_tepat)                       as jumlah_rhk_umpan_balik_tepat,
        percentile_cont(0.5) within group (order by hari_umpan_balik_pertama) as median_hari_umpan_balik
    from rhk
    group by 1, 2, 3, 4, 5
),

orang as (
    select instansi_kode, bulan, unit_kode,
           count(*)                                                        as jumlah_pegawai,
           count(*) filter (where is_umpan_balik_tepat)                    as jumlah_pegawai_umpan_balik_tepat
    from per_pegawai
    group by 1, 2, 3
),

final as (
    select
        baris.instansi_kode::text                                          as instansi_kode,
        baris.bulan::text                                                  as bulan,
        baris.tahun::integer                                               as tahun,
        baris.unit_kode::text                                              as unit_kode,
        baris.opd_kode::text                                               as opd_kode,
        baris.jumlah_rhk::integer                                          as jumlah_rhk,
        baris.jumlah_rhk_umpan_balik_tepat::integer                        as jumlah_rhk_umpan_balik_tepat,
        round(100.0 * baris.jumlah_rhk_umpan_balik_tepat / baris.jumlah_rhk, 1)::numeric(4, 1) as persen_cakupan,
        baris.median_hari_umpan_balik::numeric(6, 1)                       as median_hari_umpan_balik,
        orang.jumlah_pegawai::integer                                      as jumlah_pegawai,
        orang.jumlah_pegawai_umpan_balik_tepat::integer                    as jumlah_pegawai_umpan_balik_tepat
    from baris
    join orang
        on orang.instansi_kode = baris.instansi_kode and orang.bulan = baris.bulan
        and orang.unit_kode is not distinct from baris.unit_kode
)

select * from final
