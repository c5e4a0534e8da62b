{#
  Generic test: no two rows share the same values in `columns` (a model's grain). On a month's run
  it reads the run's periods of a model that grows with the history (macros/uji_periode.sql).
#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
