{{ config(meta={'kolom_periode': 'periode'}) }}

with source as (
    select * from {{ source('raw', 'umpan_balik') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        _periode                        as periode,
        umpan_balik_id,
        nip,
        skp_id,
        aspek,
        rhk_kode,
        perilaku_kode,
        pemberi_nip,
        waktu_diberikan::timestamptz    as waktu_diberikan,
        umpan_balik,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
