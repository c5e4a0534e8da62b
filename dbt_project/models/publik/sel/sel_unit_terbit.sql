{#
  Where each unit's people are published in the tables by evaluated unit (predikat and
  compliance, which count the same people and so share their rows): the unit itself, or — when
  its row would hold fewer than var('publik_min_pegawai_unit') people on the period's roster — the
  nearest unit above it that holds enough (macro unit_terbit). Incremental by period.
  Grain: instansi × periode × unit.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with pegawai as (
    select * from {{ ref('int_pegawai__periode') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

ukuran as (
    select instansi_kode, periode, unit_kode, count(*) as jumlah
    from pegawai
    group by 1, 2, 3
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

terbit as (
    {{ unit_terbit('ukuran', 'periode', bulan_pengiriman('periode'), 'leluhur') }}
)

select
    instansi_kode::text                                                    as instansi_kode,
    periode::text                                                          as periode,
    unit_kode::text                                                        as unit_kode,
    unit_terbit_kode::text                                                 as unit_terbit_kode,
    jumlah::integer                                                        as jumlah_pegawai
from terbit
