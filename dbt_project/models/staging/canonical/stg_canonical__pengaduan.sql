{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

{#
  Complaints, typed. The free-text uraian stays in raw (the restricted schema: it may hold the
  complainant's name or telephone) and goes no further; nor does anything about the complainant,
  which the connectors never read. Times are instants (each delivered with its UTC offset).
#}
with source as (
    select * from {{ source('raw', 'pengaduan') }}
),

renamed as (
    select
        _instansi_kode                          as instansi_kode,
        _periode                                as periode_pengiriman,
        pengaduan_id,
        unit_layanan_kode,
        kanal,
        coalesce(kategori, 'Lainnya')           as kategori,
        waktu_diterima::timestamptz             as waktu_diterima,
        waktu_respon_pertama::timestamptz       as waktu_respon_pertama,
        waktu_selesai::timestamptz              as waktu_selesai,
        status,
        _batch_id                               as batch_id,
        _row                                    as baris_sumber
    from source
)

select * from renamed
