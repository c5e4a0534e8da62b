{#
  Data tests of a model that grows with the history check the run's periods only. Such a model names,
  in its config, the column that holds the period a run rebuilds (`meta={'kolom_periode': ...}`: the
  delivered period of a staging view over raw, the unique_key of an incremental model); on a month's
  run (var period) every generic test on it — not_null, accepted_values, relationships,
  unique_combination, … — reads only those periods (pada_periode_dijalankan). The rows of other
  periods are what earlier runs wrote and tested, so a test costs the month, not the history; a
  build without the var tests every row. A test's own `where` config still applies.

  dbt renders each generic test's model as get_where_subquery(model); this is that macro, for the
  project.
#}
{% macro get_where_subquery(relation) -%}
    {%- set filters = [] -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}{%- do filters.append('(' ~ where ~ ')') -%}{%- endif -%}
    {%- set kolom = kolom_periode_diuji(relation) -%}
    {%- if kolom and periode_dijalankan() is not none -%}
        {%- do filters.append(pada_periode_dijalankan(kolom)) -%}
    {%- endif -%}
    {%- if filters -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ filters | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# The period column a model declares in meta.kolom_periode, found by its relation; none for others. #}
{% macro kolom_periode_diuji(relation) -%}
    {%- if execute and relation.identifier is defined -%}
        {%- for node in graph.nodes.values()
              if node.resource_type in ['model', 'snapshot'] and node.alias == relation.identifier
                 and node.schema == relation.schema -%}
            {%- do return(node.config.meta.get('kolom_periode')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do return(none) -%}
{%- endmacro %}
