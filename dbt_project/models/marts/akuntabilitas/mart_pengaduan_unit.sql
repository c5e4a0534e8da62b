{#
  Complaints per service unit and month, for auditors: how many by channel, how many resolved and
  rejected, response and resolution times (median and 90th percentile over the complaints that
  have them), and the shares within the unit's standard (fct_pengaduan):
    persen_respon_tepat_waktu   first responses within standard / complaints received
    persen_selesai_tepat_waktu  resolved (SELESAI) within standard / complaints received less rejected
  Every service unit of the month's unit list has a row, also with no complaint (zero is an
  answer); a unit that only complaints name is listed too. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', meta={'kolom_periode': 'periode'},
          indexes=[{'columns': ['periode']}]) }}

with pengaduan as (
    select * from {{ ref('fct_pengaduan') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

unit_layanan as (
    select instansi_kode, unit_kode as unit_layanan_kode, periode
    from {{ ref('stg_canonical__unit_kerja') }}
    where is_unit_layanan
    {% if is_incremental() %}and {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

pengirim as (
    -- only governments that deliver complaints: a unit list alone does not make a zero
    select distinct instansi_kode, periode from pengaduan
),

daftar as (
    select unit_layanan.instansi_kode, unit_layanan.unit_layanan_kode, unit_layanan.periode
    from unit_layanan
    inner join pengirim using (instansi_kode, periode)
    union
    select distinct instansi_kode, unit_layanan_kode, periode from pengaduan
),

per_unit as (
    select
        instansi_kode,
        unit_layanan_kode,
        periode,
        count(*)                                                           as jumlah_pengaduan,
        count(*) filter (where kanal = 'ONLINE')                           as jumlah_online,
        count(*) filter (where kanal = 'FORUM')                            as jumlah_forum,
        count(*) filter (where kanal = 'TATAP_MUKA')                       as jumlah_tatap_muka,
        count(*) filter (where status = 'SELESAI')                         as jumlah_selesai,
        count(*) filter (where status = 'DITOLAK')                         as jumlah_ditolak,
        count(*) filter (where status in ('DITERIMA', 'DIPROSES'))         as jumlah_terbuka,
        count(jam_respon)                                                  as jumlah_direspon,
        count(*) filter (where is_respon_tepat_waktu)                      as jumlah_respon_tepat_waktu,
        count(*) filter (where is_selesai_tepat_waktu)                     as jumlah_selesai_tepat_waktu,
        count(*) filter (where is_urutan_waktu_salah)                      as jumlah_urutan_waktu_salah,
        percentile_cont(0.5) within group (order by jam_respon)            as median_jam_respon,
        percentile_cont(0.9) within group (order by jam_respon)            as p90_jam_respon,
        percentile_cont(0.5) within group (order by hari_selesai)          as median_hari_selesai,
        percentile_cont(0.9) within group (order by hari_selesai)          as p90_hari_selesai,
        max(standar_jam_respon)                                            as standar_jam_respon,
        max(standar_hari_selesai)                                          as standar_hari_selesai
    from pengaduan
    group by 1, 2, 3
),

final as (
    select
        daftar.instansi_kode::text                                         as instansi_kode,
        daftar.unit_layanan_kode::text                                     as unit_layanan_kode,
        daftar.periode::text                                               as periode,
        coalesce(jumlah_pengaduan, 0)::integer                             as jumlah_pengaduan,
        coalesce(jumlah_online, 0)::integer                                as jumlah_online,
        coalesce(jumlah_forum, 0)::integer                                 as jumlah_forum,
        coalesce(jumlah_tatap_muka, 0)::integer                            as jumlah_tatap_muka,
        coalesce(jumlah_selesai, 0)::integer                               as jumlah_selesai,
        coalesce(jumlah_ditolak, 0)::integer                               as jumlah_ditolak,
        coalesce(jumlah_terbuka, 0)::integer                               as jumlah_terbuka,
        coalesce(jumlah_direspon, 0)::integer                              as jumlah_direspon,
        coalesce(jumlah_respon_tepat_waktu, 0)::integer                    as jumlah_respon_tepat_waktu,
        coalesce(jumlah_selesai_tepat_waktu, 0)::integer                   as jumlah_selesai_tepat_waktu,
        coalesce(jumlah_urutan_waktu_salah, 0)::integer                    as jumlah_urutan_waktu_salah,
        round(median_jam_respon::numeric, 2)::numeric(10, 2)               as median_jam_respon,
        round(p90_jam_respon::numeric, 2)::numeric(10, 2)                  as p90_jam_respon,
        round(median_hari_selesai::numeric, 2)::numeric(10, 2)             as median_hari_selesai,
        round(p90_hari_selesai::numeric, 2)::numeric(10, 2)                as p90_hari_selesai,
        standar_jam_respon::numeric(8, 2)                                  as standar_jam_respon,
        standar_hari_selesai::numeric(8, 2)                                as standar_hari_selesai,
        round(100.0 * jumlah_respon_tepat_waktu / nullif(jumlah_pengaduan, 0), 1)::numeric(4, 1)
                                                                           as persen_respon_tepat_waktu,
        round(100.0 * jumlah_selesai_tepat_waktu / nullif(jumlah_pengaduan - jumlah_ditolak, 0), 1)::numeric(4, 1)
                                                                           as persen_selesai_tepat_waktu
    from daftar
    left join per_unit using (instansi_kode, unit_layanan_kode, periode)
)

select * from final
