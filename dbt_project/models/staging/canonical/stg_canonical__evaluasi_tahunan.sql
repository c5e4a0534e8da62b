{{ config(meta={'kolom_periode': 'tahun'}) }}

{#
  The annual evaluations as delivered, typed (docs/canonical-format.md, `evaluasi_tahunan`). As for
  the periodic ones, under PP 30/2019 the third predikat is CUKUP, which label normalisation spells
  BUTUH_PERBAIKAN. Scores are kept as delivered, never rounded.
#}
with source as (
    select * from {{ source('raw', 'evaluasi_tahunan') }}
),

renamed as (
    select
        _instansi_kode                        as instansi_kode,
        _periode                              as tahun,
        nip,
        skp_id,
        unit_kode,
        jabatan_nama,
        jabatan_kategori,
        periode_awal::date                    as periode_awal,
        periode_akhir::date                   as periode_akhir,
        regime,
        rating_hasil_kerja,
        rating_perilaku_kerja,
        nilai_skp::numeric                    as nilai_skp,
        nilai_perilaku::numeric               as nilai_perilaku,
        case when regime = 'PP30_2019' and predikat = 'BUTUH_PERBAIKAN' then 'CUKUP'
             else predikat end                as predikat_sumber,
        predikat_organisasi                   as predikat_organisasi_sumber,
        penilai_nip,
        waktu_dinilai::timestamptz            as waktu_dinilai,
        coalesce(is_plt_plh::boolean, false)  as is_plt_plh,
        kuadran_nilai,
        _batch_id                             as batch_id,
        _row                                  as baris_sumber
    from source
)

select * from renamed
