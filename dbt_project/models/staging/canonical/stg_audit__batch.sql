with source as (
    select * from {{ source('audit', 'batch') }}
),

renamed as (
    select
        batch_id,
        instansi_kode,
        entity,
        periode,
        source_kind,
        source_file,
        landing_path,
        checksum_sha256,
        status,
        gate,
        message,
        rows_received,
        rows_loaded,
        rows_quarantined,
        is_current,
        attempts,
        first_received_at,
        loaded_at,
        extract_seconds,
        validate_seconds,
        load_seconds,
        gx_judged,
        gx_result,
        gx_rows_judged,
        gx_rejudge_result,
        gx_rejudged_at
    from source
)

select * from renamed
