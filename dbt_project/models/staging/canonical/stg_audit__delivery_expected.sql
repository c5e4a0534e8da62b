{#
  What each government owed, as every run recorded it before mapping over the governments
  (etl/delivery_calendar.py): one row per run, government, entity and period.
#}
with source as (
    select * from {{ source('audit', 'delivery_expected') }}
),

renamed as (
    select
        id              as catatan_id,
        instansi_kode,
        entity,
        periode,
        bulan,
        batas_waktu,
        ada_kiriman,
        at              as dicatat_pada
    from source
)

select * from renamed
