{#
  Planner statistics for what a model just wrote (post-hook on every model, dbt_project.yml).
  PostgreSQL's autovacuum analyses a table only after enough changes and some time; a table dbt
  has just built or replaced a month of is read by the next model at once, and with the
  statistics of an empty or older table the planner takes a few hundred rows for tens of
  thousands — a nested loop over two months' rosters took 65 s instead of a second
  (docs/performance.md). ANALYZE samples a bounded number of rows: it costs milliseconds.
#}
{% macro analisis_statistik() -%}
    {%- if model.config.materialized in ['table', 'incremental'] -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
