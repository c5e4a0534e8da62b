{#
  Generic test: in a table suppressed by macro sembunyikan_sel, no line (a row or a column of one
  group, with two numbers or more) has exactly one withheld number — which its line's total
  would give away. Returns the offending lines.
#}
{% test tidak_ada_sel_tersimpul(model, grup) %}
    {%- set g = grup | join(', ') -%}
    with garis as (
        select {{ g }}, 'baris' as arah, baris as garis, count(*) as anggota,
               count(*) filter (where is_disembunyikan) as tersembunyi
        from {{ model }} group by {{ g }}, baris
        union all
        select {{ g }}, 'kolom', kolom, count(*), count(*) filter (where is_disembunyikan)
        from {{ model }} group by {{ g }}, kolom
    )
    select * from garis where anggota > 1 and tersembunyi = 1
{% endtest %}
