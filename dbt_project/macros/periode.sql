{#
  Periods. An evaluation period is 'YYYY-MM' (monthly) or 'YYYY-Qn' (quarterly); survey periods
  are also 'YYYY-Sn' (semester) and 'YYYY' (year). One place for their arithmetic.
#}

{# The first day of a period. #}
{% macro periode_awal(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then make_date(left({{ periode }}, 4)::int, right({{ periode }}, 1)::int * 3 - 2, 1)
        when {{ periode }} ~ '^[0-9]{4}-S[12]$' then make_date(left({{ periode }}, 4)::int, right({{ periode }}, 1)::int * 6 - 5, 1)
        when {{ periode }} ~ '^[0-9]{4}$' then make_date({{ periode }}::int, 1, 1)
        else to_date({{ periode }}, 'YYYY-MM')
    end
{%- endmacro %}

{# The last day of a period. #}
{% macro periode_akhir(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then
            (make_date(left({{ periode }}, 4)::int, right({{ periode }}, 1)::int * 3, 1) + interval '1 month - 1 day')::date
        when {{ periode }} ~ '^[0-9]{4}-S[12]$' then
            (make_date(left({{ periode }}, 4)::int, right({{ periode }}, 1)::int * 6, 1) + interval '1 month - 1 day')::date
        when {{ periode }} ~ '^[0-9]{4}$' then make_date({{ periode }}::int, 12, 31)
        else (to_date({{ periode }}, 'YYYY-MM') + interval '1 month - 1 day')::date
    end
{%- endmacro %}

{# BULANAN, TRIWULANAN, SEMESTERAN or TAHUNAN (domain.md §10). #}
{% macro jenis_periode(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then 'TRIWULANAN'
        when {{ periode }} ~ '^[0-9]{4}-S[12]$' then 'SEMESTERAN'
        when {{ periode }} ~ '^[0-9]{4}$' then 'TAHUNAN'
        else 'BULANAN'
    end
{%- endmacro %}

{# A running number of the period within its kind, so that consecutive periods differ by one. #}
{% macro periode_urutan(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then left({{ periode }}, 4)::int * 4 + right({{ periode }}, 1)::int - 1
        when {{ periode }} ~ '^[0-9]{4}-S[12]$' then left({{ periode }}, 4)::int * 2 + right({{ periode }}, 1)::int - 1
        when {{ periode }} ~ '^[0-9]{4}$' then {{ periode }}::int
        else left({{ periode }}, 4)::int * 12 + substr({{ periode }}, 6, 2)::int - 1
    end
{%- endmacro %}

{# The month a period's delivery arrives in: the month itself, or the last month of a quarter. #}
{% macro bulan_pengiriman(periode) -%}
    case
        when {{ periode }} ~ '^[0-9]{4}-Q[1-4]$' then left({{ periode }}, 4) || '-' || lpad((right({{ periode }}, 1)::int * 3)::text, 2, '0')
        else left({{ periode }}, 7)
    end
{%- endmacro %}

{# The quarter, semester and year of a date, as period labels. #}
{% macro triwulan_dari(tanggal) -%} to_char({{ tanggal }}, 'YYYY') || '-Q' || to_char({{ tanggal }}, 'Q') {%- endmacro %}
{% macro semester_dari(tanggal) -%} to_char({{ tanggal }}, 'YYYY') || '-S' || case when extract(month from {{ tanggal }}) <= 6 then '1' else '2' end {%- endmacro %}

{#
  The month (YYYY-MM) a run consolidates, or none (a build by hand: every period). etl/transform.py
  gives it as the session setting kinerja.bulan (PGOPTIONS), read here when a model is compiled, not
  as a dbt var: a var that changes from run to run makes dbt parse the whole project again each time
  (partial parsing keeps a parse only while the vars stay the same), which cost a month's run 10-30 s.
  The dbt var `period` still wins where it is given (dbt unit tests, `dbt build --vars` by hand). The
  one place that knows where the month comes from: tests/unit/test_dbt_layers.py fails on any other
  model or macro reading that var.
#}
{% macro bulan_dijalankan() -%}
    {%- set bulan = var('period', none) -%}
    {%- if bulan is none and execute -%}
        {%- set found = run_query("select current_setting('kinerja.bulan', true)") -%}
        {%- set bulan = found.columns[0].values()[0] if found is not none and found.rows | length > 0 else none -%}
    {%- endif -%}
    {%- if not bulan -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not modules.re.match('^[0-9]{4}-(0[1-9]|1[0-2])$', bulan | string) -%}
        {{ exceptions.raise_compiler_error("the run's month must be YYYY-MM, not '" ~ bulan ~ "'") }}
    {%- endif -%}
    {{ return(bulan | string) }}
{%- endmacro %}

{#
  The periods a run consolidates: the run's month (macro bulan_dijalankan); its deliveries are
  labelled with the month and, in a quarter's last month, with the quarter. Without a month (a build
  by hand), none: every period.
#}
{% macro periode_dijalankan() -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tahun, nomor = bulan[:4], bulan[5:7] | int -%}
    {%- set labels = [bulan] -%}
    {%- if nomor % 3 == 0 -%}
        {%- do labels.append(tahun ~ '-Q' ~ (nomor // 3)) -%}
    {%- endif -%}
    {{ return(labels) }}
{%- endmacro %}

{# SQL: `column` is one of the run's periods (true when the run is not for one month). #}
{% macro pada_periode_dijalankan(column) -%}
    {%- set labels = periode_dijalankan() -%}
    {%- if labels is none -%} true
    {%- else -%} {{ column }} in ({% for label in labels %}'{{ label }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{# SQL: the survey periods (quarter, semester, year) the run's month belongs to. #}
{% macro periode_skm_dijalankan(column) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%}
        {%- set tahun, nomor = bulan[:4], bulan[5:7] | int -%}
        {{ column }} in ('{{ tahun }}-Q{{ (nomor + 2) // 3 }}', '{{ tahun }}-S{{ 1 if nomor <= 6 else 2 }}', '{{ tahun }}')
    {%- endif -%}
{%- endmacro %}

{# SQL: `column` (a month, YYYY-MM) is the run's month (true when the run is not for one month). #}
{% macro pada_bulan_dijalankan(column) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%} {{ column }} = '{{ bulan }}'
    {%- endif -%}
{%- endmacro %}

{# SQL: `column` (a month) lies in the run's quarter up to the run's month: the months whose RHK a run needs. #}
{% macro pada_triwulan_dijalankan(column) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%}
        {%- set tahun, nomor = bulan[:4], bulan[5:7] | int -%}
        {{ column }} between '{{ tahun }}-{{ "%02d" | format(((nomor - 1) // 3) * 3 + 1) }}' and '{{ bulan }}'
    {%- endif -%}
{%- endmacro %}

{# SQL: `column` (a delivery month) lies in the run's year: the responses a run's quarter, semester and year need. #}
{% macro pada_tahun_dijalankan(column) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%} {{ column }} between '{{ bulan[:4] }}-01' and '{{ bulan[:4] }}-12'
    {%- endif -%}
{%- endmacro %}

{#
  SQL: `column` (a month) lies in one of the run's periods: the run's month and, in a quarter's last
  month, every month of the quarter (their rows read the quarter's evaluation, which arrives then).
  With dengan_triwulan, `column` (an evaluation period) may also be the quarter of the run's month:
  the evaluations those months' rows read.
#}
{% macro pada_bulan_periode_dijalankan(column, dengan_triwulan=false) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%}
        {%- set tahun, nomor = bulan[:4], bulan[5:7] | int -%}
        ({% if nomor % 3 == 0 -%} {{ column }} between '{{ tahun }}-{{ "%02d" | format(nomor - 2) }}' and '{{ bulan }}'
        {%- else -%} {{ column }} = '{{ bulan }}'
        {%- endif -%}
        {%- if dengan_triwulan %} or {{ column }} = '{{ tahun }}-Q{{ (nomor + 2) // 3 }}'{% endif -%})
    {%- endif -%}
{%- endmacro %}

{# SQL: `column` (an evaluation period, a month or a quarter) lies in the run's year. #}
{% macro pada_tahun_periode_dijalankan(column) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%}
        {%- set tahun = bulan[:4] -%}
        {{ column }} in ({% for m in range(1, 13) %}'{{ tahun }}-{{ "%02d" | format(m) }}', {% endfor %}{% for q in range(1, 5) %}'{{ tahun }}-Q{{ q }}'{% if not loop.last %}, {% endif %}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#
  SQL: `column` (a month) lies in the `jumlah_bulan` months before one of the run's periods began: from
  that many months before the earliest period's first month (the quarter's, in a quarter's last month)
  to the month before the run's month. What a window looking back from the run's periods can read;
  true when the run is not for one month.
#}
{% macro pada_bulan_sebelum_periode_dijalankan(column, jumlah_bulan) -%}
    {%- set bulan = bulan_dijalankan() -%}
    {%- if bulan is none -%} true
    {%- else -%}
        {%- set tahun, nomor = bulan[:4] | int, bulan[5:7] | int -%}
        {%- set awal = tahun * 12 + (nomor - 2 if nomor % 3 == 0 else nomor) - 1 - (jumlah_bulan | int) -%}
        {%- set akhir = tahun * 12 + nomor - 2 -%}
        {{ column }} between '{{ "%04d-%02d" | format(awal // 12, awal % 12 + 1) }}' and '{{ "%04d-%02d" | format(akhir // 12, akhir % 12 + 1) }}'
    {%- endif -%}
{%- endmacro %}
