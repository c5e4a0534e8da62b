{#
  Where each evaluated unit's people are published in the annual predikat tables: the unit itself,
  or — when its row would hold fewer than var('publik_min_pegawai_unit') people with an annual
  evaluation — the nearest unit above it that holds enough (macro unit_terbit, the monthly tables'
  rule), in the unit tree of the year's last delivered month. People count once (the annual
  evaluation that speaks for them). Grain: instansi × periode (year) × unit.
#}
{{ config(materialized='table', meta={'kolom_periode': 'periode'}, tags=['tahunan']) }}

with pegawai as (
    select * from {{ ref('fct_evaluasi_tahunan') }}
    where is_penentu
),

bulan_pohon as (
    select instansi_kode, left(bulan, 4) as tahun, max(bulan) as bulan
    from {{ ref('int_unit_kerja__leluhur') }}
    group by 1, 2
),

ukuran as (
    select pegawai.instansi_kode, pegawai.tahun as periode, pegawai.unit_dinilai_kode as unit_kode,
           count(*) as jumlah, min(bulan_pohon.bulan) as bulan
    from pegawai
    left join bulan_pohon on bulan_pohon.instansi_kode = pegawai.instansi_kode and bulan_pohon.tahun = pegawai.tahun
    group by 1, 2, 3
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
),

terbit as (
    {{ unit_terbit('ukuran', 'periode', 'bulan', 'leluhur') }}
)

select
    instansi_kode::text                                                    as instansi_kode,
    periode::text                                                          as periode,
    unit_kode::text                                                        as unit_kode,
    unit_terbit_kode::text                                                 as unit_terbit_kode,
    jumlah::integer                                                        as jumlah_pegawai
from terbit
