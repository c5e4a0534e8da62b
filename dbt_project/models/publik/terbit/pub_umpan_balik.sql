{#
  Feedback coverage per instansi and month, as published: the instansi row ('*') of sel_umpan_balik.
  Counts of people (staff with RHK lines in the month, and those who received feedback before the
  month ended); no NIP, no text; rates inherit the suppression of their count and headcount.
#}
{{ ya_tidak_bulanan_instansi(ref('sel_umpan_balik'), ref('dim_instansi'), ['umpan_balik_tepat']) }}
