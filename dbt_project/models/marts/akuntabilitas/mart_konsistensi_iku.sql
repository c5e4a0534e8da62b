{#
  The consistency check auditors need (domain.md §1.4): per unit and quarter, how many of its
  organisation indicators (IKU) were reached, beside the unit's own predikat for that period and
  the distribution of its staff's predikat (mart_kurva_distribusi of the same evaluation period).
  A unit rated Istimewa that reached fewer than var iku_istimewa_min_persen_tercapai per cent of
  its measured indicators is ISTIMEWA_IKU_TIDAK_TERCAPAI and deserves a look; a unit with no
  measured indicator is BELUM_DIUKUR; one without a predikat TANPA_PREDIKAT. A warning for
  auditors, not a failure. Incremental by quarter.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with capaian as (
    select * from {{ ref('fct_capaian_iku') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

kurva as (
    select * from {{ ref('mart_kurva_distribusi') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

per_unit as (
    select
        instansi_kode,
        periode,
        tahun,
        unit_kode,
        max(periode_predikat)                                              as periode_predikat,
        max(predikat_organisasi)                                           as predikat_organisasi,
        count(*)                                                           as jumlah_iku,
        count(*) filter (where status_capaian <> 'BELUM_DIUKUR')           as jumlah_diukur,
        count(*) filter (where status_capaian = 'TERCAPAI')                as jumlah_tercapai,
        avg(capaian_persen)                                                as rata_rata_capaian
    from capaian
    group by 1, 2, 3, 4
),

final as (
    select
        per_unit.instansi_kode::text                                       as instansi_kode,
        per_unit.periode::text                                             as periode,
        per_unit.tahun::integer                                            as tahun,
        per_unit.unit_kode::text                                           as unit_kode,
        per_unit.jumlah_iku::integer                                       as jumlah_iku,
        per_unit.jumlah_diukur::integer                                    as jumlah_diukur,
        per_unit.jumlah_tercapai::integer                                  as jumlah_tercapai,
        round(100.0 * per_unit.jumlah_tercapai / nullif(per_unit.jumlah_diukur, 0), 1)::numeric(4, 1)
                                                                           as persen_tercapai,
        round(per_unit.rata_rata_capaian, 2)::numeric(9, 2)                as rata_rata_capaian,
        per_unit.periode_predikat::text                                    as periode_predikat,
        per_unit.predikat_organisasi::text                                 as predikat_organisasi,
        kurva.jumlah_dinilai::integer                                      as jumlah_pegawai_dinilai,
        kurva.persen_sangat_baik::numeric(4, 1)                            as persen_pegawai_sangat_baik,
        kurva.persen_baik::numeric(4, 1)                                   as persen_pegawai_baik,
        kurva.persen_butuh_perbaikan::numeric(4, 1)                        as persen_pegawai_butuh_perbaikan,
        kurva.persen_kurang::numeric(4, 1)                                 as persen_pegawai_kurang,
        kurva.persen_sangat_kurang::numeric(4, 1)                          as persen_pegawai_sangat_kurang,
        kurva.status_kurva::text                                           as status_kurva,
        (case
            when per_unit.predikat_organisasi is null then 'TANPA_PREDIKAT'
            when per_unit.jumlah_diukur = 0 then 'BELUM_DIUKUR'
            when per_unit.predikat_organisasi = 'ISTIMEWA'
                 and 100.0 * per_unit.jumlah_tercapai / per_unit.jumlah_diukur < {{ var('iku_istimewa_min_persen_tercapai') }}
                then 'ISTIMEWA_IKU_TIDAK_TERCAPAI'
            else 'SESUAI'
        end)::text                                                         as status_konsistensi,
        coalesce(per_unit.predikat_organisasi = 'ISTIMEWA' and per_unit.jumlah_diukur > 0
                 and 100.0 * per_unit.jumlah_tercapai / per_unit.jumlah_diukur
                     < {{ var('iku_istimewa_min_persen_tercapai') }}, false)::boolean
                                                                           as is_perlu_ditinjau
    from per_unit
    left join kurva
        on kurva.instansi_kode = per_unit.instansi_kode
        and kurva.unit_kode = per_unit.unit_kode
        and kurva.periode = per_unit.periode_predikat
)

select * from final
