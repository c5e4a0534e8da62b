{#
  Every delivery the load has seen and how it balanced: received = loaded + quarantined for
  every loaded batch; for a refused one, the gate that refused it and why; whether GX judged
  it, and what the monthly re-judge with GX on every row found.
#}
with batch as (
    select * from {{ ref('stg_audit__batch') }}
),

final as (
    select
        batch_id,
        instansi_kode,
        entity,
        periode,
        status,
        gate,
        is_current,
        rows_received,
        rows_loaded,
        rows_quarantined,
        status = 'loaded' and rows_received = rows_loaded + rows_quarantined as is_seimbang,
        message,
        source_kind,
        source_file,
        landing_path,
        checksum_sha256,
        attempts,
        first_received_at,
        loaded_at,
        coalesce(extract_seconds, 0) + coalesce(validate_seconds, 0) + coalesce(load_seconds, 0) as detik_total,
        gx_judged,
        gx_result,
        gx_rejudge_result,
        gx_rejudged_at
    from batch
)

select * from final
