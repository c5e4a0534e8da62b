{#
  Public: how many of its deliveries each government made on time, per month. Counts of deliveries
  (a government's files), not of people: nothing about a person, nothing withheld.
#}
with kalender as (
    select * from {{ ref('mart_kalender_kiriman') }}
),

instansi as (
    select instansi_kode, instansi_nama from {{ ref('dim_instansi') }}
),

per_bulan as (
    select
        instansi_kode,
        bulan,
        count(*)::integer as kiriman_diharapkan,
        (count(*) filter (where is_tepat_waktu))::integer as kiriman_tepat_waktu,
        (count(*) filter (where status in ('terlambat', 'diganti') and not is_tepat_waktu))::integer as kiriman_terlambat,
        (count(*) filter (where status = 'ditolak'))::integer as kiriman_ditolak,
        (count(*) filter (where status = 'hilang'))::integer as kiriman_hilang,
        (count(*) filter (where status in ('diterima', 'belum_jatuh_tempo')))::integer as kiriman_belum_dinilai
    from kalender
    group by 1, 2
),

final as (
    select
        p.instansi_kode,
        i.instansi_nama,
        p.bulan,
        p.kiriman_diharapkan,
        p.kiriman_tepat_waktu,
        p.kiriman_terlambat,
        p.kiriman_ditolak,
        p.kiriman_hilang,
        p.kiriman_belum_dinilai,
        round(100.0 * p.kiriman_tepat_waktu / p.kiriman_diharapkan, 1)::numeric(5, 1) as persen_kiriman_tepat_waktu
    from per_bulan p
    join instansi i using (instansi_kode)
)

select * from final
