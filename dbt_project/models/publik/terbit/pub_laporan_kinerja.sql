{#
  Performance reports per instansi and month, as published: the instansi row ('*') of
  sel_laporan_kinerja: active staff, how many filed a report and how many on time (seed
  aturan_laporan_kinerja), as counts and shares. No NIP, no text.
#}
{{ ya_tidak_bulanan_instansi(ref('sel_laporan_kinerja'), ref('dim_instansi'), ['melapor', 'tepat_waktu']) }}
