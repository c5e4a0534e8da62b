{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

{#
  Labels arrive normalised by the connectors (etl/canonical.py). One thing is left to the regime:
  under PP 30/2019 the third predikat is CUKUP (domain.md §7: legacy_predikat_pp30), which label
  normalisation spells BUTUH_PERBAIKAN as PermenPANRB 6/2022 does.
#}
with source as (
    select * from {{ source('raw', 'evaluasi_periodik') }}
),

renamed as (
    select
        _instansi_kode                        as instansi_kode,
        _periode                              as periode_pengiriman,
        nip,
        periode,
        skp_id,
        regime,
        rating_hasil_kerja,
        rating_perilaku_kerja,
        nilai_skp::numeric                    as nilai_skp,      -- as delivered, never rounded
        nilai_perilaku::numeric               as nilai_perilaku,
        case when regime = 'PP30_2019' and predikat = 'BUTUH_PERBAIKAN' then 'CUKUP'
             else predikat end                as predikat_sumber,
        penilai_nip,
        waktu_dinilai::timestamptz            as waktu_dinilai,
        coalesce(is_plt_plh::boolean, false)  as is_plt_plh,
        _batch_id                             as batch_id,
        _row                                  as baris_sumber
    from source
)

select * from renamed
