{#
  One row per employee on the roster of each evaluation period a government delivers (active in
  the period's last month): the unit he counts in (his evaluated unit, or his own outside every
  one), whether he has an SKP (an RHK line in the period, or an evaluation naming an SKP), was
  evaluated (an evaluation with a predikat the regulation gives) and on time (after the period
  ended, within var hari_terlambat days), and the evaluation that speaks for him when he has
  several in the period: the definitive post before an acting one (PLT/PLH), then the latest
  rating, then the SKP (macro urutan_penentu; domain.md §4.3, §8.5) — its regime and predikat —,
  and the evaluated unit with its predikat (null outside every one) the curve counts him in.

  The population of people behind every count of employees on the public side and behind
  mart_kepatuhan: a person is counted once per period whatever his number of evaluation rows.
  Incremental by delivery period.
#}
{{ config(materialized='incremental', unique_key='periode_pengiriman', meta={'kolom_periode': 'periode_pengiriman'},
          incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['periode_pengiriman']}, {'columns': ['periode']}]) }}

with roster as (
    select * from {{ ref('int_pegawai__unit_dinilai') }}
    where aktif {% if is_incremental() %}and {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

evaluasi as (
    select * from {{ ref('int_evaluasi__dinilai_ulang') }}
    where predikat_dihitung is not null
      {% if is_incremental() %}and {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

dievaluasi as (
    select
        instansi_kode,
        periode,
        nip,
        bool_or(skp_id is not null)                                        as evaluasi_dengan_skp,
        count(*)                                                           as jumlah_evaluasi,
        bool_or(coalesce(is_plt_plh, false))                               as ada_plt_plh,
        bool_or(not {{ dinilai_sebelum_periode_berakhir('waktu_dinilai', 'periode') }}
                and not {{ dinilai_terlambat('waktu_dinilai', 'periode') }}) as tepat_waktu
    from evaluasi
    group by 1, 2, 3
),

penentu as (
    -- the evaluation that speaks for the employee in the period
    select distinct on (instansi_kode, periode, nip)
        instansi_kode, periode, nip, regime, predikat_final as predikat
    from evaluasi
    order by instansi_kode, periode, nip, {{ urutan_penentu() }}
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

final as (
    select
        roster.instansi_kode::text                                         as instansi_kode,
        roster.periode::text                                               as periode,
        roster.periode_pengiriman::text                                    as periode_pengiriman,
        roster.nip::text                                                   as nip,
        coalesce(roster.unit_dinilai_kode, roster.unit_kode)::text         as unit_kode,
        roster.unit_kode::text                                             as unit_pegawai_kode,
        roster.unit_dinilai_kode::text                                     as unit_dinilai_kode,
        roster.predikat_organisasi::text                                   as predikat_organisasi,
        (rhk.nip is not null or coalesce(dievaluasi.evaluasi_dengan_skp, false))::boolean as is_punya_skp,
        (dievaluasi.nip is not null)::boolean                              as is_dievaluasi,
        coalesce(dievaluasi.tepat_waktu, false)::boolean                   as is_tepat_waktu,
        coalesce(dievaluasi.jumlah_evaluasi, 0)::integer                   as jumlah_evaluasi,
        coalesce(dievaluasi.ada_plt_plh, false)::boolean                   as is_ada_plt_plh,
        penentu.regime::text                                               as regime,
        penentu.predikat::text                                             as predikat
    from roster
    left join dievaluasi
        on dievaluasi.instansi_kode = roster.instansi_kode
        and dievaluasi.periode = roster.periode
        and dievaluasi.nip = roster.nip
    left join penentu
        on penentu.instansi_kode = roster.instansi_kode
        and penentu.periode = roster.periode
        and penentu.nip = roster.nip
    left join rhk
        on rhk.instansi_kode = roster.instansi_kode
        and rhk.periode = roster.periode
        and rhk.nip = roster.nip
)

select * from final
