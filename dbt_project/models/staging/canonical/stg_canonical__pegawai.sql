{{ config(meta={'kolom_periode': 'periode'}) }}

with source as (
    select * from {{ source('raw', 'pegawai') }}
),

renamed as (
    select
        _periode                 as periode,
        _instansi_kode           as instansi_kode,
        nip,
        nama,
        status_kepegawaian,
        jenis_kelamin,
        golongan,
        jabatan_nama,
        jabatan_kategori,
        unit_kode,
        nullif(atasan_nip, '')   as atasan_nip,
        coalesce(aktif::boolean, true) as aktif,
        _batch_id                as batch_id
    from source
)

select * from renamed
