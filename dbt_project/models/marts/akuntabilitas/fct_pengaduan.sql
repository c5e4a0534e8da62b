{#
  One row per complaint, for auditors: how long it took to a first response and to resolution,
  against the unit's complaint-handling standard (seed standar_pengaduan: a unit's own row, else its
  government's, else the default '*'), whether each was within it, and an order check (a response
  before receipt, or a resolution before the first response, is a finding in the agency's data).
  No free text (the uraian stays in raw), nothing about the complainant.

    jam_respon             hours from receipt to the first response (null before one)
    hari_selesai           days from receipt to resolution, for status SELESAI
    is_respon_tepat_waktu  a first response within standar_jam_respon (times out of order are not)
    is_selesai_tepat_waktu resolved (SELESAI) within standar_hari_selesai; an open or rejected
                           complaint is not
  periode is the delivery month: the month the complaint was received. Incremental by it.
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', meta={'kolom_periode': 'periode'},
          indexes=[{'columns': ['periode']}]) }}

with pengaduan as (
    select * from {{ ref('stg_canonical__pengaduan') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode_pengiriman') }}{% endif %}
),

standar as (
    select * from {{ ref('standar_pengaduan') }}
),

berstandar as (
    select
        pengaduan.*,
        pilihan.standar_jam_respon,
        pilihan.standar_hari_selesai
    from pengaduan
    left join lateral (
        select standar.standar_jam_respon, standar.standar_hari_selesai
        from standar
        where standar.instansi_kode in (pengaduan.instansi_kode, '*')
          and standar.unit_layanan_kode in (pengaduan.unit_layanan_kode, '*')
        order by (standar.unit_layanan_kode <> '*') desc, (standar.instansi_kode <> '*') desc
        limit 1
    ) as pilihan on true
),

durasi as (
    select
        berstandar.*,
        extract(epoch from waktu_respon_pertama - waktu_diterima) / 3600.0                  as jam_respon_mentah,
        case when status = 'SELESAI'
             then extract(epoch from waktu_selesai - waktu_diterima) / 86400.0 end           as hari_selesai_mentah
    from berstandar
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        unit_layanan_kode::text                                            as unit_layanan_kode,
        periode_pengiriman::text                                           as periode,
        pengaduan_id::text                                                 as pengaduan_id,
        kanal::text                                                        as kanal,
        kategori::text                                                     as kategori,
        status::text                                                       as status,
        waktu_diterima,
        waktu_respon_pertama,
        waktu_selesai,
        round(jam_respon_mentah::numeric, 2)::numeric(10, 2)               as jam_respon,
        round(hari_selesai_mentah::numeric, 2)::numeric(10, 2)             as hari_selesai,
        standar_jam_respon::numeric(8, 2)                                  as standar_jam_respon,
        standar_hari_selesai::numeric(8, 2)                                as standar_hari_selesai,
        coalesce(jam_respon_mentah between 0 and standar_jam_respon, false)::boolean as is_respon_tepat_waktu,
        coalesce(hari_selesai_mentah between 0 and standar_hari_selesai, false)::boolean as is_selesai_tepat_waktu,
        (waktu_respon_pertama < waktu_diterima or waktu_selesai < waktu_respon_pertama
            or waktu_selesai < waktu_diterima)::boolean is true            as is_urutan_waktu_salah,
        batch_id::text                                                     as batch_id
    from durasi
)

select * from final
