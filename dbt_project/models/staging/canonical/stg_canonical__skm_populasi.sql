with source as (
    select * from {{ source('raw', 'skm_populasi') }}
),

renamed as (
    select
        _instansi_kode                      as instansi_kode,
        unit_layanan_kode,
        periode,
        populasi::integer                   as populasi,
        ikm_dilaporkan::numeric(5, 2)       as ikm_dilaporkan,
        mutu_dilaporkan,
        _batch_id                           as batch_id
    from source
)

select * from renamed
