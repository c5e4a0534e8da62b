{#
  Competence development per published OPD, year to date at each month: the unit rows of
  sel_pelatihan (withheld together with the instansi table); an OPD too small for a
  row of its own is published within the government's root, named in unit_digabung. Unit names
  from the latest roster of units.
#}
{{ ya_tidak_bulanan_opd(ref('sel_pelatihan'), ref('int_unit_kerja__terkini'), ref('sel_opd_terbit'), ['terlatih', 'memenuhi_standar']) }}
