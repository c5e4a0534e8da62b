{#
  When a rating was given against its period (domain.md §1.6): its date in var('zona_waktu'), days
  after the period's last day, given before the period ended, or later than var('hari_terlambat')
  days after it. One place for fct_evaluasi_kinerja and the people-level population
  (int_pegawai__periode).
#}
{% macro tanggal_dinilai(waktu) -%}
    ({{ waktu }} at time zone '{{ var("zona_waktu") }}')::date
{%- endmacro %}

{% macro hari_setelah_periode(waktu, periode) -%}
    ({{ tanggal_dinilai(waktu) }} - {{ periode_akhir(periode) }})
{%- endmacro %}

{% macro dinilai_sebelum_periode_berakhir(waktu, periode) -%}
    ({{ tanggal_dinilai(waktu) }} <= {{ periode_akhir(periode) }})
{%- endmacro %}

{% macro dinilai_terlambat(waktu, periode) -%}
    ({{ hari_setelah_periode(waktu, periode) }} > {{ var('hari_terlambat') }})
{%- endmacro %}
