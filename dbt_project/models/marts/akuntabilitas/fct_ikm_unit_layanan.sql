{#
  IKM per service unit and survey period (quarter, semester, year) by PermenPANRB 14/2017
  (domain.md §2.4-2.6), recomputed from the raw answers:
    NRR per unsur   the mean of its answers
    IKM             the mean of the NRR of the unsur answered (weight exactly 1/9, not the printed 0,11)
    konversi        IKM x 25, in exact arithmetic, rounded to 2 decimals half up (macro ikm_konversi_tepat)
    mutu, kinerja   the band of seed interval_ikm_permen14_2017 the rounded konversi falls in
  beside the population of the period (sum of its quarters), the Krejcie-Morgan minimum sample
  (judged only where the population of every quarter of the period is known: else status_sampel
  POPULASI_TIDAK_LENGKAP or POPULASI_TIDAK_DIKETAHUI, not a pass; a questionnaire with no answer at
  all is not a respondent),
  and what the agency itself reported where it reports one (skm_populasi.ikm_dilaporkan), with the
  difference: an agency using 0,11 reports up to about a point less, which is expected.
  Incremental by period: a month's run recomputes its quarter, semester and year.
#}
{{ config(materialized='incremental', unique_key='periode', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with jumlah as (
    select * from {{ ref('int_skm__jumlah_per_unsur') }}
    {% if is_incremental() %}where {{ periode_skm_dijalankan('periode') }}{% endif %}
),

populasi as (
    select * from {{ ref('stg_canonical__skm_populasi') }}
),

interval_ikm as (
    select * from {{ ref('interval_ikm_permen14_2017') }}
),

populasi_periode as (
    -- a quarter's population as delivered; a semester's and a year's, the sum of their quarters
    select instansi_kode, unit_layanan_kode, periode, populasi, 1 as jumlah_triwulan,
           ikm_dilaporkan, mutu_dilaporkan
    from populasi where periode ~ '-Q[1-4]$'
    union all
    select instansi_kode, unit_layanan_kode,
           left(periode, 4) || '-S' || case when right(periode, 1)::int <= 2 then '1' else '2' end,
           sum(populasi), count(*), null, null
    from populasi where periode ~ '-Q[1-4]$' group by 1, 2, 3
    union all
    select instansi_kode, unit_layanan_kode, left(periode, 4), sum(populasi), count(*), null, null
    from populasi where periode ~ '-Q[1-4]$' group by 1, 2, 3
),

dihitung as (
    select
        jumlah.*,
        {{ skm_nrr_dan_konversi() }}
    from jumlah
),

final as (
    select
        dihitung.instansi_kode::text                                       as instansi_kode,
        dihitung.unit_layanan_kode::text                                   as unit_layanan_kode,
        dihitung.jenis_periode::text                                       as jenis_periode,
        dihitung.periode::text                                             as periode,
        {{ skm_kolom_hasil('dihitung', 'interval_ikm') }},
        populasi_periode.populasi::integer                                 as populasi,
        populasi_periode.jumlah_triwulan::integer                          as jumlah_triwulan_populasi,
        -- the minimum sample only where the population of every quarter of the period is known
        (case when populasi_lengkap.is_lengkap
              then {{ sampel_minimal_krejcie_morgan('populasi_periode.populasi') }} end)::integer as sampel_minimal,
        (case when populasi_lengkap.is_lengkap
              then dihitung.jumlah_responden >= {{ sampel_minimal_krejcie_morgan('populasi_periode.populasi') }} end)::boolean
                                                                           as is_sampel_memadai,
        (case
            when populasi_periode.populasi is null then 'POPULASI_TIDAK_DIKETAHUI'
            when not populasi_lengkap.is_lengkap then 'POPULASI_TIDAK_LENGKAP'
            when dihitung.jumlah_responden >= {{ sampel_minimal_krejcie_morgan('populasi_periode.populasi') }} then 'MEMADAI'
            else 'TIDAK_MEMADAI'
        end)::text                                                         as status_sampel,
        populasi_periode.ikm_dilaporkan::numeric(5, 2)                     as ikm_dilaporkan,
        (dihitung.ikm_konversi - populasi_periode.ikm_dilaporkan)::numeric(6, 2) as selisih_ikm,
        populasi_periode.mutu_dilaporkan::text                             as mutu_dilaporkan,
        (populasi_periode.mutu_dilaporkan is not null
            and populasi_periode.mutu_dilaporkan is distinct from interval_ikm.mutu)::boolean as is_mutu_berbeda
    from dihitung
    {{ skm_gabung_interval('dihitung', 'interval_ikm') }}
    left join populasi_periode
        on populasi_periode.instansi_kode = dihitung.instansi_kode
        and populasi_periode.unit_layanan_kode = dihitung.unit_layanan_kode
        and populasi_periode.periode = dihitung.periode
    cross join lateral (
        select coalesce(populasi_periode.jumlah_triwulan, 0)
               = case dihitung.jenis_periode when 'TAHUNAN' then 4 when 'SEMESTERAN' then 2 else 1 end as is_lengkap
    ) as populasi_lengkap
)

select * from final
