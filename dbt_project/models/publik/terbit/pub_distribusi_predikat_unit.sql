{#
  The predikat distribution per published unit: the unit rows of sel_predikat (small
  cells, whole rows and their complements withheld together with the instansi table and the
  compliance tables); a unit too small for a row of its own is published within its parent, named
  in unit_digabung. Unit names from the latest roster of units. No NIP, no names of people.
#}
{{ distribusi_predikat_unit(ref('sel_predikat'), ref('int_unit_kerja__terkini'), ref('sel_unit_terbit')) }}
