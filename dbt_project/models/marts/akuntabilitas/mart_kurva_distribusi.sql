{#
  The distribution curve (SE MenPANRB 3/2023, domain.md §1.5) per evaluated unit and period: the
  shares of its staff in each predikat (the predikat the regulation gives from the ratings, so a
  mislabelled predikat does not move a unit across its curve), the unit's own predikat, and the
  rules of seed kurva_distribusi it breaks. Violations are warnings for auditors, not failures.
  Staff on the unit's roster without a loaded evaluation are taken into account: a rule is broken
  only if it would be whatever predikat they had (MELANGGAR), kept if it would be kept whatever
  (PATUH), and otherwise the unit is BELUM_PASTI, with the rules that depend on them.
  Unconfirmed details are settings: var kurva_kepala_unit_dihitung, var kurva_min_pegawai; shares
  are compared unrounded (how regions round for small units is unconfirmed, domain.md §1.5). The
  Istimewa "most staff Sangat Baik" and Baik "most staff Baik" parts (seed rows with batas
  sebagian_besar), whose quantification is unconfirmed, are judged by var kurva_sebagian_besar
  (more than the row's persen, 50, or the largest group) and reported apart (status_sebagian_besar), never in status_kurva.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with hitungan as (
    select * from {{ ref('int_evaluasi__hitungan_unit') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

{{ kurva_distribusi_dinilai() }}
