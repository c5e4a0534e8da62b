{#
  For auditors: who acted where, rated by whom. One row per evaluation of an acting post (PLT/PLH,
  domain.md §4.3): the employee, his own unit and evaluated unit on the roster of the period's last
  month, the rater and the rater's unit in the same roster (the canonical evaluation names no unit
  for the acting post: the rater, the acting post's superior, is where it shows), the acting post's
  predikat, and beside it the evaluation that speaks for him in the period (fct_evaluasi_kinerja.
  is_penentu: his definitive post's, or this one when he has no other). Acting posts stay in the
  facts; no count of people reads them while a definitive evaluation exists. Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

plt as (
    select * from evaluasi where is_plt_plh
),

penentu as (
    select instansi_kode, periode, nip, skp_id, is_plt_plh, predikat_final, penilai_nip
    from evaluasi
    where is_penentu and nip in (select nip from plt)
),

penilai as materialized (
    -- the raters' places, once: inlined, the planner counts the period twice (the filter and the join),
    -- expects one row per rater and scans the month's roster once per acting post (1.7 s of 1.7 s with
    -- 24 months at 20,000 employees, 27 ms materialized)
    select instansi_kode, periode, nip, unit_kode
    from {{ ref('int_pegawai__unit_dinilai') }}
    where nip in (select penilai_nip from plt)
      {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
),

final as (
    select
        plt.instansi_kode::text                                            as instansi_kode,
        plt.periode::text                                                  as periode,
        plt.nip::text                                                      as nip,
        plt.skp_id::text                                                   as skp_id,
        plt.unit_kode::text                                                as unit_kode,
        plt.unit_dinilai_kode::text                                        as unit_dinilai_kode,
        plt.penilai_nip::text                                              as penilai_nip,
        penilai.unit_kode::text                                            as penilai_unit_kode,
        plt.regime::text                                                   as regime,
        plt.predikat_final::text                                           as predikat_plt_plh,
        plt.waktu_dinilai::timestamptz                                     as waktu_dinilai,
        coalesce(plt.is_penentu, false)::boolean                           as is_penentu,
        penentu.skp_id::text                                               as skp_id_penentu,
        penentu.predikat_final::text                                       as predikat_penentu,
        penentu.penilai_nip::text                                          as penilai_nip_penentu,
        (penentu.predikat_final is distinct from plt.predikat_final)::boolean as is_predikat_berbeda
    from plt
    left join penentu
        on penentu.instansi_kode = plt.instansi_kode
        and penentu.periode = plt.periode
        and penentu.nip = plt.nip
    left join penilai
        on penilai.instansi_kode = plt.instansi_kode
        and penilai.periode = plt.periode
        and penilai.nip = plt.penilai_nip
)

select * from final
