{#
  Planner statistics for what a model just wrote (post-hook on every model, dbt_project.yml).
  PostgreSQL's autovacuum analyses a table only after enough changes and some time; a table dbt
  has just built or replaced a month of is read by the next model at once, and with the
  statistics of an empty or older table the planner takes a few hundred rows for tens of
  thousands — a nested loop over two months' rosters took 65 s instead of a second
  (docs/performance.md). A table built whole is analysed whole.

  An incremental table is analysed the way autovacuum decides, but at once: whole when its rows
  changed since its last whole analysis (pg_stat's count, with this transaction's own) exceed
  var statistik_ambang_perubahan (0.1, autovacuum's analyze scale factor) of its rows, plus 50;
  otherwise only the columns that carry the period (the unique key, the configured indexes'
  columns, meta kolom_periode, and any column named periode, bulan, tahun, triwulan or
  periode_pengiriman), so that the month just written is known to the planner (a value missing
  from the statistics is taken for a handful of rows) while the other columns' statistics stay
  within autovacuum's tolerance. ANALYZE computes each column's statistics from a sample of up to
  30,000 rows: with 24 months behind it that was a quarter of a second per large table and month,
  3.7 s of the month's build in all (docs/performance.md, "History round"); a column-restricted
  one costs a third. ANALYZE of chosen columns leaves pg_stat's change count as it is, so the
  changes of the months analysed by their columns add up until the next whole analysis.
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
    {%- if model.config.materialized == 'incremental' -%}
        {{ analisis_bertahap(this, kolom_periode_model()) }}
    {%- elif model.config.materialized == 'table' -%}
        analyze {{ this }}
    {%- endif -%}
{%- endmacro %}

{#
  SQL: ANALYZE of `relasi`, whole when its changes since its last whole analysis pass autovacuum's
  threshold (50 + var statistik_ambang_perubahan x its rows) or it was never analysed, otherwise of
  the columns `kolom` (those of them the table has).
#}
{% macro analisis_bertahap(relasi, kolom) -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set ambang = var('statistik_ambang_perubahan') | float -%}
    {%- set kolom_sql = "array[" ~ ("'" ~ kolom | join("', '") ~ "'" if kolom else "") ~ "]::text[]" -%}
    {%- set keadaan = run_query(
        "select c.reltuples::float8, (coalesce(pg_stat_get_mod_since_analyze(c.oid), 0)"
        ~ " + pg_stat_get_xact_tuples_inserted(c.oid) + pg_stat_get_xact_tuples_updated(c.oid)"
        ~ " + pg_stat_get_xact_tuples_deleted(c.oid))::float8,"
        ~ " (select string_agg(quote_ident(a.attname), ', ' order by a.attnum) from pg_attribute a"
        ~ " where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attname = any (" ~ kolom_sql ~ "))"
        ~ " from pg_class c where c.oid = '" ~ relasi ~ "'::regclass").rows[0] -%}
    {%- set baris, ubah, ada = keadaan[0] | float, keadaan[1] | float, keadaan[2] -%}
    {%- if baris < 0 or ubah > 50 + ambang * baris or not ada -%}
        analyze {{ relasi }}
    {%- else -%}
        analyze {{ relasi }} ({{ ada }})
    {%- endif -%}
{%- endmacro %}

{# The columns that carry a model's period: its unique key, its configured indexes' columns, meta kolom_periode, and the period's usual names. #}
{% macro kolom_periode_model() -%}
    {%- set kolom = ['periode', 'bulan', 'tahun', 'triwulan', 'periode_pengiriman'] -%}
    {%- set kunci = model.config.get('unique_key') -%}
    {%- for k in ([kunci] if kunci is string else (kunci or [])) if k not in kolom -%}{%- do kolom.append(k) -%}{%- endfor -%}
    {%- for index in model.config.get('indexes') or [] -%}
        {%- for k in ([index['columns']] if index['columns'] is string else index['columns']) if k not in kolom -%}{%- do kolom.append(k) -%}{%- endfor -%}
    {%- endfor -%}
    {%- set meta = model.config.get('meta') or {} -%}
    {%- if meta.get('kolom_periode') and meta.get('kolom_periode') not in kolom -%}{%- do kolom.append(meta.get('kolom_periode')) -%}{%- endif -%}
    {{ return(kolom) }}
{%- endmacro %}
