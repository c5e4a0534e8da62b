{# The governments the warehouse consolidates, as the agencies file describes them, with the months loaded. #}
with instansi as (
    select * from {{ ref('stg_audit__instansi') }}
),

batch as (
    select instansi_kode, min(periode) as periode_pertama, max(periode) as periode_terakhir
    from {{ ref('stg_audit__batch') }}
    where status = 'loaded' and periode ~ '^[0-9]{4}-[0-9]{2}$'
    group by 1
),

final as (
    select
        instansi.instansi_kode,
        instansi.instansi_nama,
        instansi.siklus_evaluasi,
        instansi.jenis_sumber,
        batch.periode_pertama,
        batch.periode_terakhir
    from instansi
    left join batch using (instansi_kode)
)

select * from final
