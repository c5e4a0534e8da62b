{#
  Submission compliance per evaluated unit and evaluation period: of the employees on the
  roster (active, in the period's last month), how many have an SKP (a line of RHK in the period,
  or an evaluation naming an SKP), how many were evaluated, and how many of those on time (after
  the period ended and within var hari_terlambat days). An employee outside every unit with an
  organisation predikat (the head of the government) counts under his own unit.
  Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with roster as (
    select * from {{ ref('int_pegawai__unit_dinilai') }}
    where aktif {% if is_incremental() %}and {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

dievaluasi as (
    select
        instansi_kode,
        periode,
        nip,
        bool_or(skp_id is not null)                                        as evaluasi_dengan_skp,
        bool_or(not is_dinilai_sebelum_periode_berakhir and not is_dinilai_terlambat) as tepat_waktu
    from {{ ref('fct_evaluasi_kinerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3
),

rhk_bulan as (
    -- who has an RHK line in which month (a handful of lines each: one row per employee and month)
    select distinct instansi_kode, nip, periode
    from {{ ref('stg_canonical__rhk') }}
    {% if is_incremental() %}where {{ pada_triwulan_dijalankan('periode_pengiriman') }}{% endif %}
),

rhk as (
    -- an RHK line of a month counts for the month and for its quarter
    select instansi_kode, nip, periode from rhk_bulan
    union
    select instansi_kode, nip, left(periode, 4) || '-Q' || ((substr(periode, 6, 2)::int + 2) / 3)
    from rhk_bulan
),

per_pegawai as (
    select
        roster.instansi_kode,
        roster.periode,
        coalesce(roster.unit_dinilai_kode, roster.unit_kode)               as unit_dinilai_kode,
        roster.nip,
        rhk.nip is not null or coalesce(dievaluasi.evaluasi_dengan_skp, false) as punya_skp,
        dievaluasi.nip is not null                                         as dievaluasi,
        coalesce(dievaluasi.tepat_waktu, false)                            as tepat_waktu
    from roster
    left join dievaluasi
        on dievaluasi.instansi_kode = roster.instansi_kode
        and dievaluasi.periode = roster.periode
        and dievaluasi.nip = roster.nip
    left join rhk
        on rhk.instansi_kode = roster.instansi_kode
        and rhk.periode = roster.periode
        and rhk.nip = roster.nip
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        unit_dinilai_kode::text                                            as unit_kode,
        count(*)::integer                                                  as jumlah_pegawai,
        count(*) filter (where punya_skp)::integer                         as jumlah_punya_skp,
        count(*) filter (where dievaluasi)::integer                        as jumlah_dievaluasi,
        count(*) filter (where tepat_waktu)::integer                       as jumlah_tepat_waktu,
        round(100.0 * count(*) filter (where punya_skp) / count(*), 1)::numeric(4, 1)   as persen_punya_skp,
        round(100.0 * count(*) filter (where dievaluasi) / count(*), 1)::numeric(4, 1)  as persen_dievaluasi,
        round(100.0 * count(*) filter (where tepat_waktu) / count(*), 1)::numeric(4, 1) as persen_tepat_waktu
    from per_pegawai
    group by 1, 2, 3
)

select * from final
