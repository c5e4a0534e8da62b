{#
  The delivery calendar: every delivery a government owed (as the month's runs recorded it) against
  what the batch ledger holds for it. One status per government, entity and period:
    tepat_waktu        the delivery in force was received by the deadline
    terlambat          the delivery in force was received after it
    diganti            the delivery in force replaced an earlier one (a re-delivery)
    ditolak            nothing is in force and the latest delivery was refused (its gate, its message)
    diterima           received, not yet validated and loaded
    hilang             nothing received, and the deadline has passed (as of the build)
    belum_jatuh_tempo  nothing received yet, before the deadline
  A receipt's day is read in the local time zone (var zona_waktu).
#}
with diharapkan as (
    select distinct on (instansi_kode, entity, periode)
        instansi_kode, entity, periode, bulan, batas_waktu, ada_kiriman, dicatat_pada
    from {{ ref('stg_audit__delivery_expected') }}
    order by instansi_kode, entity, periode, catatan_id desc
),

kiriman as (
    select * from {{ ref('stg_audit__batch') }}
),

ringkas as (
    select
        instansi_kode,
        entity,
        periode,
        count(*)::integer as jumlah_kiriman,
        min(first_received_at) as diterima_pertama,
        max(first_received_at) as diterima_terakhir,
        (array_agg(batch_id order by first_received_at) filter (where is_current))[1] as batch_berlaku,
        (array_agg(first_received_at order by first_received_at) filter (where is_current))[1] as berlaku_diterima,
        (array_agg(status order by first_received_at desc, batch_id))[1] as status_terakhir,
        (array_agg(gate order by first_received_at desc, batch_id))[1] as gate_terakhir,
        (array_agg(message order by first_received_at desc, batch_id))[1] as pesan_terakhir
    from kiriman
    group by 1, 2, 3
),

dinilai as (
    select
        d.instansi_kode,
        d.entity,
        d.periode,
        d.bulan,
        d.batas_waktu,
        d.ada_kiriman,
        coalesce(r.jumlah_kiriman, 0) as jumlah_kiriman,
        r.diterima_pertama,
        r.diterima_terakhir,
        r.batch_berlaku,
        r.berlaku_diterima,
        r.status_terakhir,
        r.gate_terakhir,
        r.pesan_terakhir,
        (r.berlaku_diterima at time zone '{{ var("zona_waktu") }}')::date <= d.batas_waktu as berlaku_tepat_waktu,
        (now() at time zone '{{ var("zona_waktu") }}')::date > d.batas_waktu as lewat_batas
    from diharapkan d
    left join ringkas r using (instansi_kode, entity, periode)
),

final as (
    select
        instansi_kode,
        entity,
        periode,
        bulan,
        batas_waktu,
        case
            when batch_berlaku is not null and berlaku_diterima > diterima_pertama then 'diganti'
            when batch_berlaku is not null and berlaku_tepat_waktu then 'tepat_waktu'
            when batch_berlaku is not null then 'terlambat'
            when status_terakhir = 'rejected' then 'ditolak'
            when status_terakhir is not null then 'diterima'
            when lewat_batas then 'hilang'
            else 'belum_jatuh_tempo'
        end as status,
        coalesce(batch_berlaku is not null and berlaku_tepat_waktu, false) as is_tepat_waktu,
        jumlah_kiriman,
        diterima_pertama,
        diterima_terakhir,
        batch_berlaku,
        case when batch_berlaku is null and status_terakhir = 'rejected' then gate_terakhir end as gate,
        case when batch_berlaku is null and status_terakhir = 'rejected' then pesan_terakhir end as pesan,
        ada_kiriman
    from dinilai
)

select * from final
