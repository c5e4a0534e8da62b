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

{#
  SQL condition: a row of `alias` (instansi_kode, periode, nip, skp_id: a BerAKHLAK value's rating)
  belongs to the evaluation that speaks for the employee in the period (`evaluasi`:
  fct_evaluasi_kinerja, its is_penentu by urutan_penentu above). A row of another SKP of his in the
  period (an acting post's, the SKP before a mutasi) is left out, so a count of people counts each
  person's one evaluation; a row whose employee has no loaded evaluation stays.
#}
{% macro dari_skp_penentu(alias, evaluasi) -%}
    not exists (
        select 1 from {{ evaluasi }} as penentu
        where penentu.instansi_kode = {{ alias }}.instansi_kode and penentu.periode = {{ alias }}.periode
          and penentu.nip = {{ alias }}.nip and penentu.is_penentu
          and penentu.skp_id is distinct from {{ alias }}.skp_id
    )
{%- endmacro %}
