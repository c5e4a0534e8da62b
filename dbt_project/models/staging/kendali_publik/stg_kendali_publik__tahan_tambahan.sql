{#
  The publication's extra holds (source kendali_publik.tahan_tambahan, written by
  etl/publish/repair.py after the disclosure audit), one row per hold: a hold the audit asked for
  in two rounds with two findings is one row with both findings. Read by the public cells
  (macro tahan) and pub_ikm_unit_layanan as primary suppression.
#}
with source as (
    select * from {{ source('kendali_publik', 'tahan_tambahan') }}
),

tahan as (
    select
        instansi_kode,
        periode,
        tabel,
        grup,
        tingkat,
        baris,
        string_agg(alasan, ' | ' order by alasan)                          as alasan
    from source
    group by instansi_kode, periode, tabel, grup, tingkat, baris
)

select * from tahan
