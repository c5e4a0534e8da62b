{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

with source as (
    select * from {{ source('raw', 'predikat_organisasi') }}
),

renamed as (
    select
        _instansi_kode          as instansi_kode,
        _periode                as periode_pengiriman,
        unit_kode,
        periode,
        predikat_organisasi,
        _batch_id               as batch_id
    from source
)

select * from renamed
