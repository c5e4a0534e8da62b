{#
  Small-cell suppression for public tables.

  Primary: a count below var('min_cell_size', 5) is withheld (null).
  Complementary: when a group (e.g. one instansi and period) would have exactly one withheld
  cell, its next smallest cell is withheld too, so the withheld value cannot be worked out
  from the group's total. Rates computed from a withheld count must be withheld as well.

  relation  a CTE or relation with the columns in `group_by`, `cell` and the count column
  returns   the same rows plus `is_suppressed` and `<count>_publik` (null when withheld)
#}
{% macro suppress_small_cells(relation, group_by, cell, count) %}
    with ranked as (
        select
            r.*,
            {{ count }} < {{ var('min_cell_size', 5) }} as is_primary,
            row_number() over (
                partition by {{ group_by | join(', ') }}
                order by ({{ count }} < {{ var('min_cell_size', 5) }}) desc, {{ count }}, {{ cell }}
            ) as rank_in_group,
            count(*) filter (where {{ count }} < {{ var('min_cell_size', 5) }})
                over (partition by {{ group_by | join(', ') }}) as primary_in_group
        from {{ relation }} r
    )
    select
        ranked.*,
        (is_primary or (primary_in_group = 1 and rank_in_group = 2)) as is_suppressed,
        case when is_primary or (primary_in_group = 1 and rank_in_group = 2)
             then null else {{ count }} end as {{ count }}_publik
    from ranked
{% endmacro %}
