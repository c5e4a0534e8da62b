{#
  Angka kredit of a functional post from a predikat (PermenPANRB 1/2023, PerBKN 3/2023 Ps. 12-13;
  domain.md §1.8): AK = (jumlah bulan / 12) × persentase × koefisien, the percentage per predikat in
  seed persentase_angka_kredit, the koefisien per jenjang in seed koefisien_angka_kredit (unconfirmed
  there: a setting). How a month begun part-way counts is unconfirmed: var ak_bulan_awal_sebagian
  (true: the month the SKP began in counts whole; false: it counts from the next month unless the SKP
  began on its first day).
#}

{# The months of an SKP's span within its year (SQL, integer). #}
{% macro jumlah_bulan_skp(awal, akhir) -%}
    ((extract(year from {{ akhir }}) * 12 + extract(month from {{ akhir }}))
     - (extract(year from {{ awal }}) * 12 + extract(month from {{ awal }})) + 1
     {%- if not var('ak_bulan_awal_sebagian') %}
     - case when extract(day from {{ awal }}) > 1 then 1 else 0 end
     {%- endif %})::integer
{%- endmacro %}

{# AK of `bulan` months at `persen` per cent of `koefisien` (SQL, numeric, var angka_kredit_desimal places). #}
{% macro angka_kredit(bulan, persen, koefisien) -%}
    round({{ bulan }}::numeric / 12 * {{ persen }}::numeric / 100 * {{ koefisien }}::numeric, {{ var('angka_kredit_desimal') }})
{%- endmacro %}
