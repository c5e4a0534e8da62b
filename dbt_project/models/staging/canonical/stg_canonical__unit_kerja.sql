{{ config(meta={'kolom_periode': 'periode'}) }}

with source as (
    select * from {{ source('raw', 'unit_kerja') }}
),

renamed as (
    select
        _periode                                  as periode,
        instansi_kode,
        unit_kode,
        unit_nama,
        nullif(induk_unit_kode, '')               as induk_unit_kode,
        coalesce(is_unit_layanan::boolean, false) as is_unit_layanan,
        _batch_id                                 as batch_id
    from source
)

select * from renamed
