{#
  Planner statistics for what a model just wrote (post-hook on every model, dbt_project.yml).
  PostgreSQL's autovacuum analyses a table only after enough changes and some time; a table dbt
  has just built or replaced a month of is read by the next model at once, and with the
  statistics of an empty or older table the planner takes a few hundred rows for tens of
  thousands — a nested loop over two months' rosters took 65 s instead of a second
  (docs/performance.md). ANALYZE samples a bounded number of rows: it costs milliseconds.
  Before it, an incremental model's configured indexes that its table lacks are made.
#}
{% macro analisis_statistik() -%}
    {%- if model.config.materialized == 'incremental' -%}
        {#- an index added to an incremental model's config reaches the warehouses built before it: dbt
            creates a model's indexes only when it creates the table (a full refresh), never on the
            monthly run. Found by its columns, not its name: dbt names an index with a hash of the
            time it was made, so `create index if not exists` would add a copy every month -#}
        {%- for index in model.config.get('indexes') or [] if execute -%}
            {%- set kolom = index['columns'] if index['columns'] is not string else [index['columns']] -%}
            {%- set ada = run_query("select 1 from pg_index i where i.indrelid = '" ~ this ~ "'::regclass and array("
                ~ "select a.attname::text from unnest(i.indkey) with ordinality as k(attnum, urutan) join pg_attribute a"
                ~ " on a.attrelid = i.indrelid and a.attnum = k.attnum order by k.urutan) = array["
                ~ ("'" ~ kolom | join("', '") ~ "'") ~ "]::text[]") -%}
            {%- if ada.rows | length == 0 -%}
            {{ get_create_index_sql(this, index) }};
            {% endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if model.config.materialized in ['table', 'incremental'] -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}
