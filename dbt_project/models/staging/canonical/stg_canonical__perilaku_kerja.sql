{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

with source as (
    select * from {{ source('raw', 'perilaku_kerja') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        periode,
        _periode                        as periode_pengiriman,
        nip,
        skp_id,
        perilaku_kode,
        ekspektasi,
        rating,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
