{{ config(tags=['tahunan']) }}

{#
  The annual predikat distribution per published unit: the unit rows of sel_predikat_tahunan (small
  cells, whole rows and their complements withheld together with the instansi table); a unit too
  small for a row of its own is published within its parent, named in unit_digabung. No NIP, no names.
#}
{{ distribusi_predikat_unit(ref('sel_predikat_tahunan'), ref('int_unit_kerja__terkini'), ref('sel_unit_terbit_tahunan')) }}
