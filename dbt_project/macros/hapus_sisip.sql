{#
  dbt's delete+insert (the strategy of every incremental model here), for PostgreSQL, with the keys
  the batch replaces written into the DELETE as values instead of a subquery over the batch.

  dbt deletes `where key in (select distinct key from <the batch's temp table>)`. The temp table has
  no statistics, so PostgreSQL takes it for 200 distinct keys and hashes the whole target: a month's
  run read every row of the history to replace one month (110 ms for one model with 24 months at
  20,000 employees; at national size a seq scan of a hundred million rows per model and month). With
  the month's keys as values, the planner reads them on the key's index, or at least knows how many
  rows go. Same rows deleted as dbt's (the keys the batch holds; null keys match nothing in either),
  then the same insert.

  For a key of one column with at most `batas` distinct values in the batch (every incremental model
  here is keyed by its period); any other key takes dbt's own SQL. Found by dispatch: the root
  project's postgres__ macro comes before dbt's default__.
#}
{% macro postgres__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
    {%- set batas = 1000 -%}
    {%- set keys = [unique_key] if unique_key is string else (unique_key or []) -%}
    {%- if keys | length != 1 or not execute -%}
        {{ return(default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates)) }}
    {%- endif -%}
    {%- set key = keys[0] -%}
    {%- set found = run_query("select distinct " ~ key ~ "::text from " ~ source ~ " where " ~ key
                              ~ " is not null limit " ~ (batas + 1)) -%}
    {%- set values = found.columns[0].values() -%}
    {%- if values | length > batas -%}
        {{ return(default__get_delete_insert_merge_sql(target, source, unique_key, dest_columns, incremental_predicates)) }}
    {%- endif -%}
    {%- set dest_cols_csv = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    {%- if values | length > 0 %}
    delete from {{ target }} as DBT_INTERNAL_DEST
    where {{ key }} in ({% for value in values %}{{ "'" ~ (value | replace("'", "''")) ~ "'" }}{% if not loop.last %}, {% endif %}{% endfor %})
    {%- for predicate in (incremental_predicates or []) %}
        and {{ predicate }}
    {%- endfor -%};
    {%- endif %}

    insert into {{ target }} ({{ dest_cols_csv }})
    (
        select {{ dest_cols_csv }}
        from {{ source }}
    )
{%- endmacro %}
