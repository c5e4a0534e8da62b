{#
  PermenPANRB 14/2017 asks every service unit for at least one satisfaction survey a year (domain.md
  §2.7): per government and year, the service units (is_unit_layanan in any unit list loaded for the
  year) with no respondent in that year — none of their questionnaires with an answer
  (int_skm__jumlah_per_unsur, TAHUNAN). The months of unit lists loaded say how much of the year is
  behind the finding: before December it is "no survey yet". Incremental by year: a month's run
  rebuilds its year.
#}
{{ config(materialized='incremental', unique_key='tahun', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns') }}
with unit as (
    select instansi_kode, left(periode, 4) as tahun, unit_kode,
           max(unit_nama)                                                  as unit_nama
    from {{ ref('stg_canonical__unit_kerja') }}
    where is_unit_layanan {% if is_incremental() %}and {{ pada_tahun_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3
),

bulan_dimuat as (
    select instansi_kode, left(periode, 4) as tahun, count(distinct periode) as jumlah_bulan, max(periode) as bulan_terakhir
    from {{ ref('stg_canonical__unit_kerja') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('periode') }}{% endif %}
    group by 1, 2
),

survei as (
    select instansi_kode, periode as tahun, unit_layanan_kode, jumlah_responden, jumlah_kuesioner_kosong
    from {{ ref('int_skm__jumlah_per_unsur') }}
    where jenis_periode = 'TAHUNAN' {% if is_incremental() and bulan_dijalankan() %}and periode = '{{ bulan_dijalankan()[:4] }}'{% endif %}
),

final as (
    select
        unit.instansi_kode::text                                           as instansi_kode,
        unit.tahun::text                                                   as tahun,
        unit.unit_kode::text                                               as unit_layanan_kode,
        unit.unit_nama::text                                               as unit_nama,
        bulan_dimuat.jumlah_bulan::integer                                 as jumlah_bulan_unit_dimuat,
        bulan_dimuat.bulan_terakhir::text                                  as bulan_terakhir_dimuat,
        (right(bulan_dimuat.bulan_terakhir, 2) = '12')::boolean            as is_tahun_lengkap,
        coalesce(survei.jumlah_kuesioner_kosong, 0)::integer               as jumlah_kuesioner_kosong
    from unit
    join bulan_dimuat using (instansi_kode, tahun)
    left join survei
        on survei.instansi_kode = unit.instansi_kode
        and survei.tahun = unit.tahun
        and survei.unit_layanan_kode = unit.unit_kode
    where coalesce(survei.jumlah_responden, 0) = 0
)

select * from final
