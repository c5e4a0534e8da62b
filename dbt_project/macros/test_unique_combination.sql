{#
  Generic test: no two rows share the same values in `columns` (a model's grain).

  `periode` (optional) names a period column that is part of the grain. On a month's run (var
  period) only that month's periods are checked: rows of other periods are what earlier runs
  wrote and tested, and a key that includes the period cannot repeat across periods. So the test
  costs the month, not the history; a build without the var checks every row.
#}
{% test unique_combination(model, columns, periode=none) %}
    select {{ columns | join(', ') }}, count(*) as n
    from {{ model }}
    {%- if periode is not none %}
    where {{ pada_periode_dijalankan(periode) }}
    {%- endif %}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
