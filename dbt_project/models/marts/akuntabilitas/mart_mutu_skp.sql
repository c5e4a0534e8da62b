{#
  SKP quality per unit and month (issue 20, Kepahiang): how many RHK lines its staff have, how many
  break each rule of seed aturan_mutu_skp (fct_rhk_mutu), how many can be measured, and for the unit
  rules whether the unit is caught and, for INDIKATOR_DISALIN, the copied indicator (internal: auditors
  only, never published). Lines of people not on the month's roster are under unit_kode '?'.
  Incremental by month. Grain: instansi × unit × month.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with mutu as (
    select * from {{ ref('fct_rhk_mutu') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        coalesce(unit_kode, '?')::text                                     as unit_kode,
        periode::text                                                      as periode,
        count(distinct nip)::integer                                       as jumlah_pegawai,
        count(*)::integer                                                  as jumlah_rhk,
        count(*) filter (where is_terukur)::integer                        as jumlah_terukur,
        count(*) filter (where not is_terukur)::integer                    as jumlah_tidak_terukur,
        round(100.0 * count(*) filter (where is_terukur) / count(*), 1)::numeric(4, 1) as persen_terukur,
        count(*) filter (where is_tanpa_target)::integer                   as jumlah_tanpa_target,
        count(*) filter (where is_tanpa_satuan)::integer                   as jumlah_tanpa_satuan,
        count(*) filter (where is_target_bukan_angka)::integer             as jumlah_target_bukan_angka,
        count(*) filter (where is_realisasi_tanpa_target)::integer         as jumlah_realisasi_tanpa_target,
        bool_or(is_target_sama_realisasi)::boolean                         as is_target_sama_realisasi,
        count(*) filter (where is_target_sama_realisasi)::integer          as jumlah_target_sama_realisasi,
        bool_or(is_indikator_disalin)::boolean                             as is_indikator_disalin,
        count(*) filter (where is_indikator_disalin)::integer              as jumlah_indikator_disalin,
        count(distinct nip) filter (where is_indikator_disalin)::integer   as jumlah_pegawai_indikator_disalin,
        min(indikator) filter (where is_indikator_disalin)::text           as indikator_disalin
    from mutu
    group by 1, 2, 3
)

select * from final
