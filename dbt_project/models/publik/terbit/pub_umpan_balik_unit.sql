{#
  Feedback coverage per published OPD and month: the unit rows of sel_umpan_balik; an OPD too small
  for a row of its own is published within the government's root, named in unit_digabung.
#}
{{ ya_tidak_bulanan_opd(ref('sel_umpan_balik'), ref('int_unit_kerja__terkini'), ref('sel_opd_terbit'), ['umpan_balik_tepat']) }}
