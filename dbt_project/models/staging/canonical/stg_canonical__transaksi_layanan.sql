{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

{# Service requests, typed: submitted and completed instants (each delivered with its UTC offset). #}
with source as (
    select * from {{ source('raw', 'transaksi_layanan') }}
),

renamed as (
    select
        _instansi_kode                          as instansi_kode,
        _periode                                as periode_pengiriman,
        transaksi_id,
        unit_layanan_kode,
        jenis_layanan,
        waktu_diajukan::timestamptz             as waktu_diajukan,
        waktu_selesai::timestamptz              as waktu_selesai,
        _batch_id                               as batch_id,
        _row                                    as baris_sumber
    from source
)

select * from renamed
