{#
  Per service unit and survey period (quarter, semester and year of the response date): the
  respondents (a questionnaire with no answer at all is not one: counted apart as empty), and for each of the nine unsur the sum of its answers and how many answered it.
  Everything IKM needs, kept as integers so that fct_ikm_unit_layanan computes it exactly.
  Incremental by survey period: a month's run recomputes its quarter, semester and year from the
  responses delivered in its year (responses are expected in the year of their date).
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['periode']}]) }}
with responden as (
    select * from {{ ref('stg_canonical__skm_responden') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('periode_pengiriman') }}{% endif %}
),

berperiode as (
    {{ skm_per_periode('responden') }}
),

jumlah as (
    select
        instansi_kode,
        unit_layanan_kode,
        jenis_periode,
        periode,
        {{ skm_jumlah_kolom() }}
    from berperiode
    {% if is_incremental() %}where {{ periode_skm_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3, 4
)

select * from jumlah
