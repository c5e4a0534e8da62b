{#
  Each organisation indicator (IKU of the unit's Perjanjian Kinerja) per quarter, with its
  achievement: realisation against the annual target, in per cent — realisasi / target for an
  indicator where higher is better (NAIK); for lower-is-better (TURUN) by var iku_rumus_turun
  (selisih: (2 x target - realisasi) / target; rasio: target / realisasi). Reached at
  var iku_capaian_tercapai per cent or more; BELUM_DIUKUR while no realisation is reported.
  Beside it, the unit's own predikat for the same evaluation period: the quarter (a quarterly
  government) or the quarter's last month (a monthly one). Incremental by quarter.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with iku as (
    select * from {{ ref('stg_canonical__iku') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

predikat as (
    select * from {{ ref('stg_canonical__predikat_organisasi') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

predikat_triwulan as (
    -- the unit's predikat for the quarter: its quarterly one if it has one, else its last month's
    select distinct on (instansi_kode, unit_kode, triwulan)
        instansi_kode,
        unit_kode,
        triwulan,
        periode                                                            as periode_predikat,
        predikat_organisasi
    from (
        select predikat.*,
               case when periode ~ '^[0-9]{4}-Q[1-4]$' then periode
                    when substr(periode, 6, 2)::int % 3 = 0 then left(periode, 4) || '-Q' || (substr(periode, 6, 2)::int / 3)
               end                                                         as triwulan
        from predikat
    ) as dengan_triwulan
    where triwulan is not null
    order by instansi_kode, unit_kode, triwulan, periode ~ '^[0-9]{4}-Q[1-4]$' desc
),

capaian as (
    select
        iku.*,
        case
            when iku.realisasi is null then null
            when iku.arah = 'NAIK' then 100.0 * iku.realisasi / iku.target
            {% if var('iku_rumus_turun') == 'rasio' %}
            else 100.0 * iku.target / nullif(iku.realisasi, 0)
            {% else %}
            else 100.0 * (2 * iku.target - iku.realisasi) / iku.target
            {% endif %}
        end                                                                as capaian
    from iku
),

final as (
    select
        capaian.instansi_kode::text                                        as instansi_kode,
        capaian.periode::text                                              as periode,
        capaian.tahun::integer                                             as tahun,
        capaian.unit_kode::text                                            as unit_kode,
        capaian.iku_kode::text                                             as iku_kode,
        capaian.indikator::text                                            as indikator,
        capaian.satuan::text                                               as satuan,
        capaian.arah::text                                                 as arah,
        capaian.target::numeric                                            as target,
        capaian.realisasi::numeric                                         as realisasi,
        round(capaian.capaian, 2)::numeric(9, 2)                           as capaian_persen,
        (case
            when capaian.realisasi is null then 'BELUM_DIUKUR'
            when capaian.capaian >= {{ var('iku_capaian_tercapai') }} then 'TERCAPAI'
            else 'TIDAK_TERCAPAI'
        end)::text                                                         as status_capaian,
        predikat_triwulan.periode_predikat::text                           as periode_predikat,
        predikat_triwulan.predikat_organisasi::text                        as predikat_organisasi,
        capaian.batch_id::text                                             as batch_id
    from capaian
    left join predikat_triwulan
        on predikat_triwulan.instansi_kode = capaian.instansi_kode
        and predikat_triwulan.unit_kode = capaian.unit_kode
        and predikat_triwulan.triwulan = capaian.periode
)

select * from final
