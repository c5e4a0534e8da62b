{#
  How many employees of each instansi received each predikat in a period, as published: the
  instansi row ('*') of sel_predikat, whose suppression already protects the unit
  table too. Rates inherit the suppression of their count and of its total. No NIP, no names.
#}
{{ distribusi_predikat_instansi(ref('sel_predikat'), ref('dim_instansi')) }}
