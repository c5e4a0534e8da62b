{#
  Rules that are formulas rather than tables (the tables are seeds in schema aturan).
#}

{#
  Krejcie & Morgan (1970), referenced by PermenPANRB 14/2017 (domain.md §2.6):
  S = chi2 N P(1-P) / (d2 (N-1) + chi2 P(1-P)), chi2 = 3.841, P = 0.5, d = 0.05. The published
  table rounds to the nearest integer (var krejcie_morgan_pembulatan: terdekat); ke_atas rounds
  up, the conservative reading for an N between the table's rows. Whether the annex prints this
  exact table is unconfirmed (domain.md §9).
#}
{% macro sampel_minimal_krejcie_morgan(populasi) -%}
    {%- set s -%}(3.841 * ({{ populasi }})::numeric * 0.25 / (0.0025 * (({{ populasi }})::numeric - 1) + 3.841 * 0.25)){%- endset -%}
    case when {{ populasi }} is null or {{ populasi }} <= 0 then null
    {%- if var('krejcie_morgan_pembulatan', 'terdekat') == 'ke_atas' %}
         else ceil({{ s }})::integer end
    {%- else %}
         else round({{ s }})::integer end
    {%- endif -%}
{%- endmacro %}

{#
  IKM konversi (PermenPANRB 14/2017, domain.md §2.4) in exact arithmetic, rounded to 2 decimals
  half up (§2.5): with s_u the sum of the answers to unsur u and c_u their number, NRR_u = s_u/c_u,
  IKM = (sum of the NRR of the k unsur answered) / k (the weight exactly 1/k, 1/9 when all are
  answered), konversi = 25 x IKM. Computed as one fraction of integers, N/D, so that no division
  rounds before the final half-up rounding: a value exactly at x.xx5 goes up, as the rule says.
    sums, counts   lists of SQL expressions, one per unsur, in the same order
#}
{% macro ikm_konversi_tepat(sums, counts) -%}
    {%- set c = [] -%}
    {%- for count in counts -%}{%- do c.append('greatest(coalesce(' ~ count ~ ', 0), 1)::numeric') -%}{%- endfor -%}
    {%- set terms = [] -%}
    {%- for i in range(sums | length) -%}
        {%- set others = [] -%}
        {%- for j in range(counts | length) -%}{%- if j != i -%}{%- do others.append(c[j]) -%}{%- endif -%}{%- endfor -%}
        {%- do terms.append('(case when coalesce(' ~ counts[i] ~ ', 0) > 0 then ' ~ sums[i] ~ ' else 0 end)::numeric * ' ~ (others | join(' * '))) -%}
    {%- endfor -%}
    {%- set answered = [] -%}
    {%- for count in counts -%}{%- do answered.append('(case when coalesce(' ~ count ~ ', 0) > 0 then 1 else 0 end)') -%}{%- endfor -%}
    {%- set n -%}(25 * ({{ terms | join(' + ') }})){%- endset -%}
    {%- set d -%}(({{ answered | join(' + ') }}) * {{ c | join(' * ') }}){%- endset -%}
    case when ({{ answered | join(' + ') }}) = 0 then null
         else div(200 * {{ n }} + {{ d }}, 2 * {{ d }}) / 100.0 end
{%- endmacro %}

{#
  The Wilson score interval's lower bound for a share x/n at z (a rater's share of Sangat Baik,
  compared with his peers': far more lenient only when even this bound is well above theirs).
#}
{% macro batas_bawah_wilson(x, n, z) -%}
    case when {{ n }} > 0 then
        ((({{ x }})::numeric / {{ n }}) + {{ z }}^2 / (2.0 * {{ n }})
         - {{ z }} * sqrt((({{ x }})::numeric / {{ n }}) * (1 - ({{ x }})::numeric / {{ n }}) / {{ n }} + {{ z }}^2 / (4.0 * {{ n }}^2)))
        / (1 + {{ z }}^2 / {{ n }})
    end
{%- endmacro %}
