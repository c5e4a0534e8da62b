{{ config(meta={'kolom_periode': 'periode'}) }}

with source as (
    select * from {{ source('raw', 'pelatihan') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        _periode                        as periode,
        left(_periode, 4)::integer      as tahun,
        nip,
        pelatihan_id,
        nama_pelatihan,
        jalur,
        tanggal_mulai::date             as tanggal_mulai,
        tanggal_selesai::date           as tanggal_selesai,
        jumlah_jp::numeric              as jumlah_jp,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
