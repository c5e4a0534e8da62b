{#
  The survey's sums per service unit, type of service (jenis_layanan, domain.md §2.7; TIDAK_DISEBUT
  when the response names none) and survey period (quarter, semester and year of the response
  date), as int_skm__jumlah_per_unsur per unit (macro skm_jumlah_kolom): what fct_ikm_jenis_layanan
  computes IKM per type of service from. Incremental by survey period.
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['periode']}]) }}
with responden as (
    select *, coalesce(nullif(trim(jenis_layanan), ''), 'TIDAK_DISEBUT') as jenis_layanan_kelompok
    from {{ ref('stg_canonical__skm_responden') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('periode_pengiriman') }}{% endif %}
),

berperiode as (
    {{ skm_per_periode('responden') }}
),

jumlah as (
    select
        instansi_kode,
        unit_layanan_kode,
        jenis_layanan_kelompok                      as jenis_layanan,
        jenis_periode,
        periode,
        {{ skm_jumlah_kolom() }}
    from berperiode
    {% if is_incremental() %}where {{ periode_skm_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3, 4, 5
)

select * from jumlah
