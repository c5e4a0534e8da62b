{#
  IKM per service unit, type of service (jenis_layanan, domain.md §2.7) and survey period, beside
  fct_ikm_unit_layanan's per unit: the same PermenPANRB 14/2017 computation (NRR per unsur, IKM the
  mean of the NRR of the unsur answered, konversi exact and rounded once half up — macro
  ikm_konversi_tepat —, mutu and kinerja from seed interval_ikm_permen14_2017), on the respondents
  who named that service. No minimum sample: the population is delivered per unit, not per service.
  Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with jumlah as (
    select * from {{ ref('int_skm__jumlah_per_jenis_layanan') }}
    {% if is_incremental() %}where {{ periode_skm_dijalankan('periode') }}{% endif %}
),

interval_ikm as (
    select * from {{ ref('interval_ikm_permen14_2017') }}
),

dihitung as (
    select
        jumlah.*,
        {{ skm_nrr_dan_konversi() }}
    from jumlah
),

final as (
    select
        dihitung.instansi_kode::text                                       as instansi_kode,
        dihitung.unit_layanan_kode::text                                   as unit_layanan_kode,
        dihitung.jenis_layanan::text                                       as jenis_layanan,
        dihitung.jenis_periode::text                                       as jenis_periode,
        dihitung.periode::text                                             as periode,
        {{ skm_kolom_hasil('dihitung', 'interval_ikm') }}
    from dihitung
    {{ skm_gabung_interval('dihitung', 'interval_ikm') }}
)

select * from final
