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

{# Each response in its quarter, semester and year (of its date): the survey periods, from a CTE of responses. #}
{% macro skm_per_periode(responden) -%}
    select 'TRIWULANAN' as jenis_periode, {{ triwulan_dari('tanggal') }} as periode, {{ responden }}.* from {{ responden }}
    union all
    select 'SEMESTERAN', {{ semester_dari('tanggal') }}, {{ responden }}.* from {{ responden }}
    union all
    select 'TAHUNAN', to_char(tanggal, 'YYYY'), {{ responden }}.* from {{ responden }}
{%- endmacro %}

{# From the sums of skm_jumlah_kolom: NRR per unsur (4 decimals) and the exact konversi (macro ikm_konversi_tepat). #}
{% macro skm_nrr_dan_konversi() -%}
    {%- set sums = [] -%}{%- set counts = [] -%}
    {%- for u in skm_unsur() -%}{%- do sums.append('jumlah_nilai_' ~ u) -%}{%- do counts.append('jumlah_jawaban_' ~ u) -%}{%- endfor -%}
    {%- for u in skm_unsur() %}
    case when jumlah_jawaban_{{ u }} > 0
         then round(jumlah_nilai_{{ u }}::numeric / jumlah_jawaban_{{ u }}, 4) end   as nrr_{{ u }},
    {%- endfor %}
    {{ ikm_konversi_tepat(sums, counts) }} as ikm_konversi
{%- endmacro %}

{#
  The result columns every IKM table shares (fct_ikm_unit_layanan, fct_ikm_jenis_layanan), from the
  aliases of the computed sums (skm_nrr_dan_konversi) and of seed interval_ikm_permen14_2017 joined by
  skm_gabung_interval: respondents, empty questionnaires, NRR per unsur, IKM, konversi, mutu, kinerja.
#}
{% macro skm_kolom_hasil(dihitung, interval_ikm) -%}
        {{ dihitung }}.jumlah_responden::integer                           as jumlah_responden,
        {{ dihitung }}.jumlah_kuesioner_kosong::integer                    as jumlah_kuesioner_kosong,
        {%- for u in skm_unsur() %}
        {{ dihitung }}.nrr_{{ u }}::numeric(6, 4)                          as nrr_{{ u }},
        {%- endfor %}
        round({{ dihitung }}.ikm_konversi / 25, 4)::numeric(6, 4)          as ikm,
        {{ dihitung }}.ikm_konversi::numeric(5, 2)                         as ikm_konversi,
        {{ interval_ikm }}.mutu::text                                      as mutu,
        {{ interval_ikm }}.kinerja::text                                   as kinerja
{%- endmacro %}

{# The band of seed interval_ikm_permen14_2017 the rounded konversi falls in. #}
{% macro skm_gabung_interval(dihitung, interval_ikm) -%}
    left join {{ interval_ikm }}
        on {{ dihitung }}.ikm_konversi between {{ interval_ikm }}.konversi_min and {{ interval_ikm }}.konversi_max
{%- endmacro %}
