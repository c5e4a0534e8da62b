{#
  Performance reports as filed: who and when, and whether they said anything of achievements and
  challenges; the text itself stays in raw.laporan_kinerja, which only auditors read.
#}
{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

with source as (
    select * from {{ source('raw', 'laporan_kinerja') }}
),

renamed as (
    select
        _instansi_kode                  as instansi_kode,
        periode,
        _periode                        as periode_pengiriman,
        nip,
        laporan_id,
        waktu_disampaikan::timestamptz  as waktu_disampaikan,
        coalesce(length(capaian), 0) > 0 as is_ada_capaian,
        coalesce(length(kendala), 0) > 0 as is_ada_kendala,
        _batch_id                       as batch_id,
        _row                            as baris_sumber
    from source
)

select * from renamed
