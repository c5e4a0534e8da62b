{#
  Internal, for HR (the source articles' Kepahiang and Wanggar use ratings for rewards and
  careers): employees rated Sangat Baik in at least var penghargaan_min_berturut consecutive
  periods, one row per such run of periods, with their evaluated unit's curve compliance beside
  them, so that a reward does not rest on a unit that rated everyone highly. The predikat is the
  regulation's (the matrix for PermenPANRB 6/2022; for PP 30/2019 a reported Sangat Baik that the
  score allows).
#}
with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    where predikat_final = 'SANGAT_BAIK'
),

kurva as (
    select * from {{ ref('mart_kurva_distribusi') }}
),

pegawai as (
    select * from {{ ref('int_pegawai__terkini') }}
),

berurutan as (
    select
        evaluasi.*,
        {{ periode_urutan('periode') }}
            - row_number() over (partition by instansi_kode, nip, jenis_periode order by periode) as kelompok
    from evaluasi
),

rangkaian as (
    select
        instansi_kode,
        nip,
        jenis_periode,
        min(periode)                                                       as periode_awal,
        max(periode)                                                       as periode_akhir,
        count(*)                                                           as jumlah_periode,
        string_agg(distinct regime, ', ')                                  as regime
    from berurutan
    group by instansi_kode, nip, jenis_periode, kelompok
    having count(*) >= {{ var('penghargaan_min_berturut') }}
),

terakhir as (
    select
        rangkaian.*,
        evaluasi.unit_kode,
        evaluasi.unit_dinilai_kode,
        evaluasi.predikat_organisasi
    from rangkaian
    join evaluasi
        on evaluasi.instansi_kode = rangkaian.instansi_kode
        and evaluasi.nip = rangkaian.nip
        and evaluasi.periode = rangkaian.periode_akhir
),

melanggar as (
    -- per run of periods, the periods in it in which the unit broke its curve (one join, not a
    -- lookup per run: a correlated subquery over the curve mart cost 44 s with two years of history)
    select
        terakhir.instansi_kode,
        terakhir.nip,
        terakhir.jenis_periode,
        terakhir.periode_awal,
        count(kurva.periode) filter (where kurva.is_melanggar_kurva)       as jumlah_periode
    from terakhir
    left join kurva
        on kurva.instansi_kode = terakhir.instansi_kode
        and kurva.unit_kode = terakhir.unit_dinilai_kode
        and kurva.periode between terakhir.periode_awal and terakhir.periode_akhir
    group by 1, 2, 3, 4
),

final as (
    select
        terakhir.instansi_kode::text                                       as instansi_kode,
        terakhir.nip::text                                                 as nip,
        pegawai.nama::text                                                 as nama,
        pegawai.jabatan_nama::text                                         as jabatan_nama,
        terakhir.unit_kode::text                                           as unit_kode,
        terakhir.unit_dinilai_kode::text                                   as unit_dinilai_kode,
        terakhir.jenis_periode::text                                       as jenis_periode,
        terakhir.periode_awal::text                                        as periode_awal,
        terakhir.periode_akhir::text                                       as periode_akhir,
        terakhir.jumlah_periode::integer                                   as jumlah_periode_berturut,
        terakhir.regime::text                                              as regime,
        terakhir.predikat_organisasi::text                                 as predikat_organisasi_terakhir,
        kurva.is_melanggar_kurva::boolean                                  as is_unit_melanggar_kurva_terakhir,
        kurva.aturan_dilanggar::text                                       as aturan_dilanggar_terakhir,
        melanggar.jumlah_periode::integer                                  as jumlah_periode_unit_melanggar
    from terakhir
    inner join melanggar
        on melanggar.instansi_kode = terakhir.instansi_kode
        and melanggar.nip = terakhir.nip
        and melanggar.jenis_periode = terakhir.jenis_periode
        and melanggar.periode_awal = terakhir.periode_awal
    left join kurva
        on kurva.instansi_kode = terakhir.instansi_kode
        and kurva.periode = terakhir.periode_akhir
        and kurva.unit_kode = terakhir.unit_dinilai_kode
    left join pegawai
        on pegawai.instansi_kode = terakhir.instansi_kode
        and pegawai.nip = terakhir.nip
)

select * from final
