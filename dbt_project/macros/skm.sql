{#
  The survey's sums per group, shared by int_skm__jumlah_per_unsur (per service unit) and
  int_skm__jumlah_per_jenis_layanan (per service unit and type of service): respondents (a
  questionnaire with no answer at all is not one: counted apart as empty) and, for each of the nine
  unsur, the sum of its answers and how many answered it — integers, so IKM is computed exactly.
#}
{% macro skm_unsur() -%}
    {{ return(['persyaratan', 'prosedur', 'waktu', 'biaya', 'produk', 'kompetensi', 'perilaku', 'pengaduan', 'sarana']) }}
{%- endmacro %}

{% macro skm_jumlah_kolom() -%}
    {%- set unsur = skm_unsur() -%}
    count(*) filter (where coalesce({{ unsur | join(', ') }}) is not null) as jumlah_responden,
    count(*) filter (where coalesce({{ unsur | join(', ') }}) is null) as jumlah_kuesioner_kosong,
    {%- for u in unsur %}
    coalesce(sum({{ u }}), 0)::bigint           as jumlah_nilai_{{ u }},
    count({{ u }})::bigint                      as jumlah_jawaban_{{ u }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
