{# The last day of an evaluation period: 'YYYY-MM' (monthly) or 'YYYY-Qn' (quarterly). #}
{% macro periode_akhir(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then
            (make_date(left({{ periode }}, 4)::int, right({{ periode }}, 1)::int * 3, 1)
                + interval '1 month - 1 day')::date
        else
            (to_date({{ periode }}, 'YYYY-MM') + interval '1 month - 1 day')::date
    end
{%- endmacro %}
