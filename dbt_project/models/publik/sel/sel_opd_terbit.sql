{#
  Where each OPD's staff are published in the training tables: the OPD itself, or — when it has
  fewer than var('publik_min_pegawai_unit') active staff in the month — the government's root
  above it (macro unit_terbit; an OPD's parent is the root). Incremental by month.
  Grain: instansi × bulan × OPD.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with ukuran as (
    select instansi_kode, bulan, unit_kode, jumlah_pegawai as jumlah
    from {{ ref('mart_pelatihan_unit') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

terbit as (
    {{ unit_terbit('ukuran', 'bulan', 'bulan', 'leluhur') }}
)

select
    instansi_kode::text                                                    as instansi_kode,
    bulan::text                                                            as bulan,
    unit_kode::text                                                        as unit_kode,
    unit_terbit_kode::text                                                 as unit_terbit_kode,
    jumlah::integer                                                        as jumlah_pegawai
from terbit
