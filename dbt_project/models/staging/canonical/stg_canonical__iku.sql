{{ config(meta={'kolom_periode': 'periode'}) }}

with source as (
    select * from {{ source('raw', 'iku') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        _periode                        as periode,
        left(_periode, 4)::integer      as tahun,
        unit_kode,
        iku_kode,
        indikator,
        satuan,
        arah,
        target::numeric                 as target,
        realisasi::numeric              as realisasi,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
