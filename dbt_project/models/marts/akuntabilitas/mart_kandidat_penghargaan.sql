{#
  Internal, for HR (the source articles' Kepahiang and Wanggar use ratings for rewards and
  careers): employees rated Sangat Baik in at least var penghargaan_min_berturut consecutive
  periods, one row per such run of periods, with their evaluated unit's curve compliance beside
  them, so that a reward does not rest on a unit that rated everyone highly. The predikat is the
  regulation's (the matrix for PermenPANRB 6/2022; for PP 30/2019 a reported Sangat Baik that the
  score allows) of the evaluation that speaks for him in each period (fct_evaluasi_kinerja.is_penentu).
#}
with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    -- the evaluation that speaks for him (an acting post's Sangat Baik beside a definitive Baik is no run)
    where predikat_final = 'SANGAT_BAIK' and is_penentu
),

kurva as (
    -- the unit's curve per period, numbered within its kind of period (a run is of one kind)
    select
        instansi_kode,
        unit_kode,
        periode,
        is_melanggar_kurva,
        aturan_dilanggar,
        {{ jenis_periode('periode') }}                                     as jenis_periode,
        {{ periode_urutan('periode') }}                                    as urutan
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

rangkaian as (
    -- one row per run of periods, with the unit of its last period (no join back to the
    -- evaluations: the planner misjudges how many runs pass `having` and loops over them)
    select
        instansi_kode,
        nip,
        jenis_periode,
        min(periode)                                                       as periode_awal,
        max(periode)                                                       as periode_akhir,
        count(distinct periode)                                            as jumlah_periode,
        string_agg(distinct regime, ', ')                                  as regime,
        (array_agg(unit_kode order by periode desc, skp_id desc))[1]       as unit_kode,
        (array_agg(unit_dinilai_kode order by periode desc, skp_id desc))[1] as unit_dinilai_kode,
        (array_agg(predikat_organisasi order by periode desc, skp_id desc))[1] as predikat_organisasi
    from berurutan
    group by instansi_kode, nip, jenis_periode, kelompok
    having count(distinct periode) >= {{ var('penghargaan_min_berturut') }}
),

dengan_kurva as (
    -- the evaluated unit's curve over the run: how many of its periods broke it, and the last one. Each
    -- run is spread over its periods' numbers and meets the curve on government, unit, kind and number:
    -- a hash join whatever the planner guesses of the runs (a range join on the period was merged on the
    -- government alone, every run against every curve row of its government: 1.2 million rows compared
    -- with 24 months at 20,000 employees), and a monthly run no longer counts a quarter whose label
    -- sorts between its months ('2025-Q4' lies between '2025-11' and '2026-02' as text)
    select
        rangkaian.instansi_kode,
        rangkaian.nip,
        rangkaian.jenis_periode,
        rangkaian.periode_awal,
        max(rangkaian.periode_akhir)                                       as periode_akhir,
        max(rangkaian.jumlah_periode)                                      as jumlah_periode,
        max(rangkaian.regime)                                              as regime,
        max(rangkaian.unit_kode)                                           as unit_kode,
        max(rangkaian.unit_dinilai_kode)                                   as unit_dinilai_kode,
        max(rangkaian.predikat_organisasi)                                 as predikat_organisasi,
        count(kurva.periode) filter (where kurva.is_melanggar_kurva)       as jumlah_periode_unit_melanggar,
        bool_or(kurva.is_melanggar_kurva) filter (where kurva.periode = rangkaian.periode_akhir)
                                                                           as is_unit_melanggar_kurva_terakhir,
        max(kurva.aturan_dilanggar) filter (where kurva.periode = rangkaian.periode_akhir)
                                                                           as aturan_dilanggar_terakhir
    from rangkaian
    cross join lateral generate_series({{ periode_urutan('rangkaian.periode_awal') }},
                                       {{ periode_urutan('rangkaian.periode_akhir') }}) as nomor(urutan)
    left join kurva
        on kurva.instansi_kode = rangkaian.instansi_kode
        and kurva.unit_kode = rangkaian.unit_dinilai_kode
        and kurva.jenis_periode = rangkaian.jenis_periode
        and kurva.urutan = nomor.urutan
    group by rangkaian.instansi_kode, rangkaian.nip, rangkaian.jenis_periode, rangkaian.periode_awal
),

final as (
    select
        dengan_kurva.instansi_kode::text                                   as instansi_kode,
        dengan_kurva.nip::text                                             as nip,
        pegawai.nama::text                                                 as nama,
        pegawai.jabatan_nama::text                                         as jabatan_nama,
        dengan_kurva.unit_kode::text                                       as unit_kode,
        dengan_kurva.unit_dinilai_kode::text                               as unit_dinilai_kode,
        dengan_kurva.jenis_periode::text                                   as jenis_periode,
        dengan_kurva.periode_awal::text                                    as periode_awal,
        dengan_kurva.periode_akhir::text                                   as periode_akhir,
        dengan_kurva.jumlah_periode::integer                               as jumlah_periode_berturut,
        dengan_kurva.regime::text                                          as regime,
        dengan_kurva.predikat_organisasi::text                             as predikat_organisasi_terakhir,
        dengan_kurva.is_unit_melanggar_kurva_terakhir::boolean             as is_unit_melanggar_kurva_terakhir,
        dengan_kurva.aturan_dilanggar_terakhir::text                       as aturan_dilanggar_terakhir,
        dengan_kurva.jumlah_periode_unit_melanggar::integer                as jumlah_periode_unit_melanggar
    from dengan_kurva
    left join pegawai
        on pegawai.instansi_kode = dengan_kurva.instansi_kode
        and pegawai.nip = dengan_kurva.nip
)

select * from final
