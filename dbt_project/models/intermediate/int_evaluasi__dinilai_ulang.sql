{#
  Each periodic evaluation beside the predikat the regulation gives it: PermenPANRB 6/2022's
  3x3 matrix (seed matriks_predikat_permen6_2022) for the PERMEN6_2022 regime. Legacy PP30_2019
  scores are never mixed into the matrix: their recomputed predikat stays null here.
#}
with evaluasi as (
    select * from {{ ref('stg_canonical__evaluasi_periodik') }}
),

matriks as (
    select * from {{ ref('matriks_predikat_permen6_2022') }}
),

pegawai as (
    select * from {{ ref('stg_canonical__pegawai') }}
),

dinilai_ulang as (
    select
        evaluasi.instansi_kode,
        evaluasi.periode,
        evaluasi.nip,
        evaluasi.skp_id,
        pegawai.unit_kode,
        evaluasi.regime,
        evaluasi.rating_hasil_kerja,
        evaluasi.rating_perilaku_kerja,
        evaluasi.predikat_sumber,
        case when evaluasi.regime = 'PERMEN6_2022' then matriks.predikat end as predikat_dihitung,
        evaluasi.penilai_nip,
        evaluasi.waktu_dinilai,
        {{ periode_akhir('evaluasi.periode') }} as periode_akhir,
        evaluasi.is_plt_plh,
        evaluasi.batch_id
    from evaluasi
    left join matriks
        on evaluasi.rating_hasil_kerja = matriks.rating_hasil_kerja
        and evaluasi.rating_perilaku_kerja = matriks.rating_perilaku_kerja
    left join pegawai
        on evaluasi.instansi_kode = pegawai.instansi_kode
        and evaluasi.periode_pengiriman = pegawai.periode
        and evaluasi.nip = pegawai.nip
)

select * from dinilai_ulang
