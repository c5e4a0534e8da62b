{#
  Generic test: in a table suppressed by macro sembunyikan_sel, no line (a row or a column of one
  group, with two numbers or more) has exactly one withheld number — which its line's total
  would give away, or only withheld numbers adding up to 0 (each pinned to 0). A withheld zero
  every reader knows (macro nol_pasti) does not count.
  Returns the offending lines.
#}
{% test tidak_ada_sel_tersimpul(model, grup) %}
    {%- set g = grup | join(', ') -%}
    with sel as (
        select *, is_disembunyikan and not {{ nol_pasti(g) }}             as is_melindungi
        from {{ model }}
    ),

    garis as (
        select {{ g }}, 'baris' as arah, baris as garis, count(*) as anggota,
               count(*) filter (where is_melindungi) as tersembunyi,
               coalesce(sum(jumlah) filter (where is_melindungi), 0) as jumlah_tersembunyi
        from sel group by {{ g }}, baris
        union all
        select {{ g }}, 'kolom', kolom, count(*), count(*) filter (where is_melindungi),
               coalesce(sum(jumlah) filter (where is_melindungi), 0)
        from sel group by {{ g }}, kolom
    )

    select * from garis
    where anggota > 1 and (tersembunyi = 1 or (tersembunyi > 1 and jumlah_tersembunyi = 0))
{% endtest %}
