{#
  PP 30/2019 (domain.md §1.9, §10): one place for its weighting and bands, read by the periodic
  evaluations (int_evaluasi__dinilai_ulang) and the annual ones (fct_evaluasi_tahunan).
#}

{# Each government's weighting from a month on (agencies file pp30_2019_bobot, var pp30_bobot_instansi), as rows. #}
{% macro pp30_bobot_instansi() -%}
    {%- set daftar = var('pp30_bobot_instansi', []) or [] %}
    {%- if daftar %}
    select * from (values
        {%- for b in daftar %}
        ('{{ b.instansi_kode }}', '{{ b.mulai }}', '{{ b.cara_penilaian }}'){% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as daftar (instansi_kode, mulai, cara_penilaian)
    {%- else %}
    select null::text as instansi_kode, null::text as mulai, null::text as cara_penilaian where false
    {%- endif %}
{%- endmacro %}

{# The weighting in force for a government in a month (YYYY-MM): its own setting, else var pp30_cara_penilaian.
   `bobot_instansi` is a relation made by pp30_bobot_instansi(). #}
{% macro pp30_cara(bobot_instansi, instansi_kode, bulan) -%}
    coalesce(
        (select bi.cara_penilaian from {{ bobot_instansi }} as bi
         where bi.instansi_kode = {{ instansi_kode }} and bi.mulai <= {{ bulan }}
         order by bi.mulai desc limit 1),
        '{{ var("pp30_cara_penilaian") }}')
{%- endmacro %}

{# The band's predikat of an exact weighted score (never rounded first), without the "new idea" condition. #}
{% macro pp30_predikat(pita, nilai) -%}
    (select p.predikat from {{ pita }} as p
     where coalesce(p.syarat, '') = ''
       and {{ nilai }} >= p.nilai_min
       and ({{ nilai }} < p.nilai_max or (p.max_termasuk and {{ nilai }} = p.nilai_max))
     order by p.nilai_min desc limit 1)
{%- endmacro %}

{# Every predikat an exact score allows, comma-separated, best first (110-120 allows Sangat Baik and Baik). #}
{% macro pp30_predikat_diizinkan(pita, nilai) -%}
    (select string_agg(p.predikat, ',' order by p.nilai_min desc) from {{ pita }} as p
     where {{ nilai }} >= p.nilai_min
       and ({{ nilai }} < p.nilai_max or (p.max_termasuk and {{ nilai }} = p.nilai_max)))
{%- endmacro %}

{# The predikat every reader uses under PP 30/2019: the reported one where the score allows it, else the band's. #}
{% macro pp30_predikat_final(regime, predikat_sumber, diizinkan, dihitung) -%}
    case
        when {{ regime }} = 'PP30_2019' and {{ predikat_sumber }} = any (string_to_array(coalesce({{ diizinkan }}, ''), ','))
            then {{ predikat_sumber }}
        else {{ dihitung }}
    end
{%- endmacro %}
