{#
  Internal, for HR (the source articles' Kepahiang and Wanggar use ratings for rewards and
  careers): employees rated Sangat Baik in at least var penghargaan_min_berturut consecutive
  periods, one row per such run of periods, with their evaluated unit's curve compliance beside
  them, so that a reward does not rest on a unit that rated everyone highly. The predikat is the
  regulation's (the matrix for PermenPANRB 6/2022; for PP 30/2019 a reported Sangat Baik that the
  score allows) of the evaluation that speaks for him in each period (fct_evaluasi_kinerja.is_penentu).
  Incremental: a month's run computes again every run of the employees whose runs it can change
  (macro kandidat_disentuh, the pre-hook that finds them and deletes their rows) and appends them.
#}
-- depends_on: {{ ref('int_evaluasi__dinilai_ulang') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='sync_all_columns',
          pre_hook="{{ kandidat_disentuh() }}") }}

with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    -- the evaluation that speaks for him (an acting post's Sangat Baik beside a definitive Baik is no run)
    where predikat_final = 'SANGAT_BAIK' and is_penentu
    {% if is_incremental() %}
      and (instansi_kode, nip) in (select instansi_kode, nip from kandidat_penghargaan_disentuh)
    {% endif %}
),

kurva as (
    select instansi_kode, unit_kode, periode, is_melanggar_kurva, aturan_dilanggar
    from {{ ref('mart_kurva_distribusi') }}
),

pegawai as (
    select * from {{ ref('int_pegawai__terkini') }}
),

berurutan as (
    -- consecutive periods share `kelompok` (a period evaluated twice, under two SKPs, counts once)
    select
        evaluasi.*,
        {{ periode_urutan('periode') }}
            - dense_rank() over (partition by instansi_kode, nip, jenis_periode order by periode) as kelompok
    from evaluasi
),

dalam_rangkaian as (
    -- each period of a run beside the run's last period and the evaluated unit of that period
    select
        berurutan.*,
        max(periode) over rangkaian                                         as periode_akhir_rangkaian,
        first_value(unit_dinilai_kode) over (rangkaian order by periode desc, skp_id desc) as unit_dinilai_rangkaian
    from berurutan
    window rangkaian as (partition by instansi_kode, nip, jenis_periode, kelompok)
),

rangkaian as (
    -- one row per run of periods, with the unit of its last period and that unit's curve in each of the
    -- run's periods: the curve met on government, unit and period, an equality join (a range join on
    -- the period was merged on the government alone, every run against every curve row of its government:
    -- 1.2 million rows compared with 24 months at 20,000 employees; and a monthly run counted a quarter
    -- whose label sorts between its months, '2025-Q4' between '2025-11' and '2026-02'). No join back to
    -- the evaluations: the planner misjudges how many runs pass `having` and loops over them.
    select
        dalam_rangkaian.instansi_kode,
        dalam_rangkaian.nip,
        dalam_rangkaian.jenis_periode,
        min(dalam_rangkaian.periode)                                       as periode_awal,
        max(dalam_rangkaian.periode)                                       as periode_akhir,
        count(distinct dalam_rangkaian.periode)                            as jumlah_periode,
        string_agg(distinct dalam_rangkaian.regime, ', ')                  as regime,
        (array_agg(dalam_rangkaian.unit_kode order by dalam_rangkaian.periode desc, dalam_rangkaian.skp_id desc))[1]
                                                                           as unit_kode,
        max(dalam_rangkaian.unit_dinilai_rangkaian)                        as unit_dinilai_kode,
        (array_agg(dalam_rangkaian.predikat_organisasi order by dalam_rangkaian.periode desc, dalam_rangkaian.skp_id desc))[1]
                                                                           as predikat_organisasi,
        count(distinct kurva.periode) filter (where kurva.is_melanggar_kurva) as jumlah_periode_unit_melanggar,
        bool_or(kurva.is_melanggar_kurva)
            filter (where dalam_rangkaian.periode = dalam_rangkaian.periode_akhir_rangkaian)
                                                                           as is_unit_melanggar_kurva_terakhir,
        max(kurva.aturan_dilanggar)
            filter (where dalam_rangkaian.periode = dalam_rangkaian.periode_akhir_rangkaian)
                                                                           as aturan_dilanggar_terakhir
    from dalam_rangkaian
    left join kurva
        on kurva.instansi_kode = dalam_rangkaian.instansi_kode
        and kurva.unit_kode = dalam_rangkaian.unit_dinilai_rangkaian
        and kurva.periode = dalam_rangkaian.periode
    group by dalam_rangkaian.instansi_kode, dalam_rangkaian.nip, dalam_rangkaian.jenis_periode, dalam_rangkaian.kelompok
    having count(distinct dalam_rangkaian.periode) >= {{ var('penghargaan_min_berturut') }}
),

final as (
    select
        rangkaian.instansi_kode::text                                      as instansi_kode,
        rangkaian.nip::text                                                as nip,
        pegawai.nama::text                                                 as nama,
        pegawai.jabatan_nama::text                                         as jabatan_nama,
        rangkaian.unit_kode::text                                          as unit_kode,
        rangkaian.unit_dinilai_kode::text                                  as unit_dinilai_kode,
        rangkaian.jenis_periode::text                                      as jenis_periode,
        rangkaian.periode_awal::text                                       as periode_awal,
        rangkaian.periode_akhir::text                                      as periode_akhir,
        rangkaian.jumlah_periode::integer                                  as jumlah_periode_berturut,
        rangkaian.regime::text                                             as regime,
        rangkaian.predikat_organisasi::text                                as predikat_organisasi_terakhir,
        rangkaian.is_unit_melanggar_kurva_terakhir::boolean                as is_unit_melanggar_kurva_terakhir,
        rangkaian.aturan_dilanggar_terakhir::text                          as aturan_dilanggar_terakhir,
        rangkaian.jumlah_periode_unit_melanggar::integer                   as jumlah_periode_unit_melanggar
    from rangkaian
    left join pegawai
        on pegawai.instansi_kode = rangkaian.instansi_kode
        and pegawai.nip = rangkaian.nip
)

select * from final
