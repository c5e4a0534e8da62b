{#
  Feedback coverage per rater and unit (Lampung, Jambi: a real-time reporting application with
  supervisor feedback): per month, rater and the unit of the staff he rates, the RHK lines, how many
  received feedback, how many before the month ended (the share: coverage) and the median days from
  the month's last day to the first feedback (negative: before it ended). Personal (the rater's NIP). Incremental by month, rebuilding the months
  mart_umpan_balik_rhk rebuilds (a quarter's last month: the quarter's, whose rater it may set).
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with rhk as (
    select * from {{ ref('mart_umpan_balik_rhk') }}
    {% if is_incremental() %}where {{ pada_bulan_periode_dijalankan('bulan') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        bulan::text                                                        as bulan,
        tahun::integer                                                     as tahun,
        unit_kode::text                                                    as unit_kode,
        opd_kode::text                                                     as opd_kode,
        penilai_nip::text                                                  as penilai_nip,
        count(distinct nip)::integer                                       as jumlah_pegawai,
        count(*)::integer                                                  as jumlah_rhk,
        count(*) filter (where is_ada_umpan_balik)::integer                as jumlah_rhk_umpan_balik,
        count(*) filter (where is_umpan_balik_tepat)::integer              as jumlah_rhk_umpan_balik_tepat,
        round(100.0 * count(*) filter (where is_umpan_balik_tepat) / count(*), 1)::numeric(4, 1)
                                                                           as persen_cakupan,
        (percentile_cont(0.5) within group (order by hari_umpan_balik_pertama))::numeric(6, 1)
                                                                           as median_hari_umpan_balik
    from rhk
    group by 1, 2, 3, 4, 5, 6
)

select * from final
