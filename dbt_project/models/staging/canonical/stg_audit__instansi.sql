with source as (
    select * from {{ source('audit', 'instansi') }}
),

renamed as (
    select
        instansi_kode,
        nama            as instansi_nama,
        periodicity     as siklus_evaluasi,
        source_kinds    as jenis_sumber,
        updated_at
    from source
)

select * from renamed
