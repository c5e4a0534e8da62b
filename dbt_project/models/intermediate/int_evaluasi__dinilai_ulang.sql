{#
  Each periodic evaluation beside what the regulation gives it, and where it belongs:
  - PERMEN6_2022: the predikat of PermenPANRB 6/2022's 3x3 matrix (seed matriks_predikat_permen6_2022);
  - PP30_2019: the weighted score, exact (seed bobot_pp30_2019, by the government's weighting in
    force in the period's last month: agencies file pp30_2019_bobot, var pp30_bobot_instansi, else
    var pp30_cara_penilaian), and the bands of PP 30/2019 (seed pita_nilai_pp30_2019) on that exact
    value: the predikat without the "new idea" condition, and every predikat the score allows
    (Sangat Baik needs a new idea, which no source records, so 110-120 allows both).
  - predikat_final, the one every reader uses (the marts and the public tables alike): the
    regulation's, and under PP 30/2019 the reported predikat where the score allows it.
    The two regimes are never mixed.
  - the employee's unit in the roster of the evaluation's month and his evaluated unit
    (int_pegawai__unit_dinilai).
  Incremental by delivery period: a run reads only its own month's evaluations and roster.
#}
{{ config(materialized='incremental', unique_key='periode_pengiriman', meta={'kolom_periode': 'periode_pengiriman'}, incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['periode_pengiriman']}, {'columns': ['periode', 'instansi_kode']}]) }}

with evaluasi as (
    select * from {{ ref('stg_canonical__evaluasi_periodik') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

penempatan as (
    select * from {{ ref('int_pegawai__unit_dinilai') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

matriks as (
    select * from {{ ref('matriks_predikat_permen6_2022') }}
),

bobot as (
    select * from {{ ref('bobot_pp30_2019') }}
),

bobot_instansi as (
    -- each government's weighting from a month on (agencies file, pp30_2019_bobot: var pp30_bobot_instansi)
    {{ pp30_bobot_instansi() }}
),

pita as (
    select * from {{ ref('pita_nilai_pp30_2019') }}
),

ditempatkan as (
    select
        evaluasi.*,
        penempatan.unit_kode,
        penempatan.atasan_nip,
        penempatan.unit_dinilai_kode,
        penempatan.predikat_organisasi
    from evaluasi
    left join penempatan
        on penempatan.instansi_kode = evaluasi.instansi_kode
        and penempatan.periode = evaluasi.periode
        and penempatan.nip = evaluasi.nip
),

dinilai_ulang as (
    select
        ditempatkan.instansi_kode,
        ditempatkan.periode,
        ditempatkan.periode_pengiriman,
        ditempatkan.nip,
        ditempatkan.skp_id,
        ditempatkan.unit_kode,
        ditempatkan.unit_dinilai_kode,
        ditempatkan.predikat_organisasi,
        ditempatkan.atasan_nip,
        ditempatkan.regime,
        ditempatkan.rating_hasil_kerja,
        ditempatkan.rating_perilaku_kerja,
        ditempatkan.nilai_skp,
        ditempatkan.nilai_perilaku,
        case when ditempatkan.regime = 'PP30_2019' then bobot.cara_penilaian end as cara_penilaian_pp30,
        -- exact: banded on its exact value, never rounded first (0.7 x 89.99 + 0.3 x 90.01 = 89.996 is Cukup)
        case when ditempatkan.regime = 'PP30_2019' then
            bobot.bobot_skp::numeric * ditempatkan.nilai_skp::numeric
            + bobot.bobot_perilaku::numeric * ditempatkan.nilai_perilaku::numeric
        end                                                           as nilai_akhir,
        ditempatkan.predikat_sumber,
        ditempatkan.penilai_nip,
        ditempatkan.waktu_dinilai,
        ditempatkan.is_plt_plh,
        ditempatkan.batch_id
    from ditempatkan
    left join lateral (
        -- the government's setting in force in the period's last month, else var pp30_cara_penilaian
        select {{ pp30_cara('bobot_instansi', 'ditempatkan.instansi_kode', bulan_pengiriman('ditempatkan.periode')) }} as cara_penilaian
    ) as cara on ditempatkan.regime = 'PP30_2019'
    left join bobot on bobot.cara_penilaian = cara.cara_penilaian
),

menurut_aturan as (
    select
        dinilai_ulang.*,
        case
            when dinilai_ulang.regime = 'PERMEN6_2022' then matriks.predikat
            when dinilai_ulang.regime = 'PP30_2019' then {{ pp30_predikat('pita', 'dinilai_ulang.nilai_akhir') }}
        end                                                           as predikat_dihitung,
        case when dinilai_ulang.regime = 'PP30_2019' then {{ pp30_predikat_diizinkan('pita', 'dinilai_ulang.nilai_akhir') }}
        end                                                           as predikat_diizinkan_pp30
    from dinilai_ulang
    left join matriks
        on dinilai_ulang.regime = 'PERMEN6_2022'
        and matriks.rating_hasil_kerja = dinilai_ulang.rating_hasil_kerja
        and matriks.rating_perilaku_kerja = dinilai_ulang.rating_perilaku_kerja
),

final as (
    -- the predikat every reader uses, audit and public alike: the regulation's, and under PP 30/2019
    -- the reported one where the score allows it (Sangat Baik in 110-120 needs a new idea, which only
    -- the source knows), else the band's
    select
        menurut_aturan.*,
        {{ pp30_predikat_final('regime', 'predikat_sumber', 'predikat_diizinkan_pp30', 'predikat_dihitung') }}
                                                                   as predikat_final
    from menurut_aturan
)

select * from final
