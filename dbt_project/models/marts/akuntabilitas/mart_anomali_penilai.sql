{#
  What auditors look for in how ratings were given, one row per finding:
    PENILAI_LUNAK                       a rater far more lenient than the other raters of the same
                                        evaluated unit in the period: the Wilson lower bound (z =
                                        var penilai_lunak_z) of his share of Sangat Baik exceeds
                                        theirs by more than var penilai_lunak_selisih, over at
                                        least var penilai_lunak_min_dinilai ratings
    MENILAI_DIRI_SENDIRI                an employee rated by himself
    DINILAI_SEBELUM_PERIODE_BERAKHIR    rated on or before the period's last day
    DINILAI_TERLAMBAT                   rated more than var hari_terlambat days after it
  Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

per_penilai as (
    select
        instansi_kode,
        periode,
        unit_dinilai_kode,
        penilai_nip,
        count(*)                                                           as jumlah_dinilai,
        count(*) filter (where predikat_dihitung = 'SANGAT_BAIK')          as jumlah_sangat_baik
    from evaluasi
    where regime = 'PERMEN6_2022' and predikat_dihitung is not null and unit_dinilai_kode is not null
    group by 1, 2, 3, 4
),

dibanding_rekan as (
    select
        per_penilai.*,
        sum(jumlah_dinilai) over unit - jumlah_dinilai                     as jumlah_dinilai_rekan,
        sum(jumlah_sangat_baik) over unit - jumlah_sangat_baik             as jumlah_sangat_baik_rekan,
        {{ batas_bawah_wilson('jumlah_sangat_baik', 'jumlah_dinilai', var('penilai_lunak_z')) }} as batas_bawah
    from per_penilai
    window unit as (partition by instansi_kode, periode, unit_dinilai_kode)
),

penilai_lunak as (
    select
        'PENILAI_LUNAK'                                                    as jenis_anomali,
        instansi_kode,
        periode,
        unit_dinilai_kode,
        penilai_nip,
        null::text                                                         as nip,
        round(100.0 * jumlah_sangat_baik / jumlah_dinilai, 1)              as nilai,
        jumlah_sangat_baik || ' of ' || jumlah_dinilai || ' rated Sangat Baik ('
            || round(100.0 * jumlah_sangat_baik / jumlah_dinilai) || ' %), other raters of the unit '
            || jumlah_sangat_baik_rekan || ' of ' || jumlah_dinilai_rekan || ' ('
            || round(100.0 * jumlah_sangat_baik_rekan / jumlah_dinilai_rekan) || ' %)'  as keterangan
    from dibanding_rekan
    where jumlah_dinilai >= {{ var('penilai_lunak_min_dinilai') }}
      and jumlah_dinilai_rekan > 0
      and batas_bawah - jumlah_sangat_baik_rekan::numeric / jumlah_dinilai_rekan > {{ var('penilai_lunak_selisih') }}
),

per_evaluasi as (
    select 'MENILAI_DIRI_SENDIRI' as jenis_anomali, instansi_kode, periode, unit_dinilai_kode, penilai_nip, nip,
           null::numeric as nilai, 'rated by himself' as keterangan
    from evaluasi where is_menilai_diri_sendiri
    union all
    select 'DINILAI_SEBELUM_PERIODE_BERAKHIR', instansi_kode, periode, unit_dinilai_kode, penilai_nip, nip,
           hari_setelah_periode, 'rated ' || -hari_setelah_periode || ' day(s) before the period ended ('
           || periode_akhir || ')'
    from evaluasi where is_dinilai_sebelum_periode_berakhir
    union all
    select 'DINILAI_TERLAMBAT', instansi_kode, periode, unit_dinilai_kode, penilai_nip, nip,
           hari_setelah_periode, 'rated ' || hari_setelah_periode || ' days after the period ended ('
           || periode_akhir || ')'
    from evaluasi where is_dinilai_terlambat
),

final as (
    select
        jenis_anomali::text                     as jenis_anomali,
        instansi_kode::text                     as instansi_kode,
        periode::text                           as periode,
        unit_dinilai_kode::text                 as unit_dinilai_kode,
        penilai_nip::text                       as penilai_nip,
        nip::text                               as nip,
        nilai::numeric(8, 1)                    as nilai,
        keterangan::text                        as keterangan
    from penilai_lunak
    union all
    select jenis_anomali, instansi_kode, periode, unit_dinilai_kode, penilai_nip, nip, nilai::numeric(8, 1), keterangan
    from per_evaluasi
)

select * from final
