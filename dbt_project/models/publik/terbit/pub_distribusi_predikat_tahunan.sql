{{ config(tags=['tahunan']) }}

{#
  How many employees of each instansi received each annual predikat in a year, as published: the
  instansi row ('*') of sel_predikat_tahunan (the monthly table's suppression). No NIP, no names.
#}
{{ distribusi_predikat_instansi(ref('sel_predikat_tahunan'), ref('dim_instansi')) }}
