{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

with source as (
    select * from {{ source('raw', 'rhk') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        _periode                        as periode_pengiriman,
        nip,
        skp_id,
        tahun::integer                  as tahun,
        periode,
        rhk_kode,
        rhk_uraian,
        jenis_rhk,
        indikator,
        target::numeric                 as target,
        satuan,
        realisasi::numeric              as realisasi,
        target_teks,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
