{#
  Generic test: in a table suppressed by macro sembunyikan_sel, no line (a row or a column of one
  group, with two numbers or more) has exactly one withheld number — which its line's total
  would give away. A withheld zero in a row or column that adds up to 0 does not count: every
  reader knows it. Returns the offending lines.
#}
{% test tidak_ada_sel_tersimpul(model, grup) %}
    {%- set g = grup | join(', ') -%}
    with sel as (
        select *,
               is_disembunyikan and not (
                   jumlah = 0 and (coalesce(sum(jumlah) filter (where kolom <> '*') over (partition by {{ g }}, baris), 0) = 0
                                   or coalesce(sum(jumlah) filter (where baris <> '*') over (partition by {{ g }}, kolom), 0) = 0))
                                                                           as is_melindungi
        from {{ model }}
    ),

    garis as (
        select {{ g }}, 'baris' as arah, baris as garis, count(*) as anggota,
               count(*) filter (where is_melindungi) as tersembunyi
        from sel group by {{ g }}, baris
        union all
        select {{ g }}, 'kolom', kolom, count(*), count(*) filter (where is_melindungi)
        from sel group by {{ g }}, kolom
    )

    select * from garis where anggota > 1 and tersembunyi = 1
{% endtest %}
