{#
  Which evaluation speaks for an employee in a period when he has several (domain.md §4.3, §8.5):
  the definitive post before an acting one (PLT/PLH), then the latest rating, then the SKP. The one
  rule behind every count of people: int_pegawai__periode (the curve, compliance, the public
  distributions) and fct_evaluasi_kinerja.is_penentu (award candidates, training impact). After a
  mutasi the employee counts in the unit of the roster of the period's last month
  (int_pegawai__unit_dinilai), whichever SKP speaks.
#}
{% macro urutan_penentu(is_plt_plh='is_plt_plh', waktu_dinilai='waktu_dinilai', skp_id='skp_id') -%}
    coalesce({{ is_plt_plh }}, false), {{ waktu_dinilai }} desc nulls last, {{ skp_id }}
{%- endmacro %}
