{#
  One row per employee and evaluated period: the predikat the source reported beside the one the
  regulation gives, the rater, and when the rating was given. An employee with several evaluations
  in a period (an acting post, a second SKP after a mutasi) keeps every row; is_penentu marks the
  one that speaks for him (macro urutan_penentu), the only one a count of people reads. Partitioned by
  period: a month's run builds the partitions of the periods it consolidates beside the table and
  swaps them in (macros/partisi_periode.sql), history stays as it was; the grain is each partition's
  UNIQUE constraint.
#}
{{ config(
    materialized='partisi_periode', kolom_partisi='periode',
    kunci_unik=['instansi_kode', 'nip', 'periode', 'skp_id'], meta={'kolom_periode': 'periode'},
) }}

with dinilai_ulang as (
    select * from {{ ref('int_evaluasi__dinilai_ulang') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        ({{ jenis_periode('periode') }})::text                             as jenis_periode,
        nip::text                                                          as nip,
        skp_id::text                                                       as skp_id,
        unit_kode::text                                                    as unit_kode,
        unit_dinilai_kode::text                                            as unit_dinilai_kode,
        predikat_organisasi::text                                          as predikat_organisasi,
        regime::text                                                       as regime,
        rating_hasil_kerja::text                                           as rating_hasil_kerja,
        rating_perilaku_kerja::text                                        as rating_perilaku_kerja,
        nilai_skp::numeric                                                 as nilai_skp,
        nilai_perilaku::numeric                                            as nilai_perilaku,
        nilai_akhir::numeric                                               as nilai_akhir,
        cara_penilaian_pp30::text                                          as cara_penilaian_pp30,
        predikat_sumber::text                                              as predikat_sumber,
        predikat_dihitung::text                                            as predikat_dihitung,
        (case
            when predikat_sumber is null then null
            when regime = 'PERMEN6_2022' then predikat_sumber is distinct from predikat_dihitung
            when regime = 'PP30_2019' then not (predikat_sumber = any (string_to_array(coalesce(predikat_diizinkan_pp30, ''), ',')))
        end)::boolean                                                      as is_predikat_tidak_sesuai,
        predikat_final::text                                               as predikat_final,
        penilai_nip::text                                                  as penilai_nip,
        atasan_nip::text                                                   as atasan_nip,
        (penilai_nip = nip)::boolean                                       as is_menilai_diri_sendiri,
        waktu_dinilai::timestamptz                                         as waktu_dinilai,
        ({{ periode_akhir('periode') }})::date                             as periode_akhir,
        {{ hari_setelah_periode('waktu_dinilai', 'periode') }}::integer   as hari_setelah_periode,
        {{ dinilai_sebelum_periode_berakhir('waktu_dinilai', 'periode') }}::boolean as is_dinilai_sebelum_periode_berakhir,
        {{ dinilai_terlambat('waktu_dinilai', 'periode') }}::boolean     as is_dinilai_terlambat,
        is_plt_plh::boolean                                                as is_plt_plh,
        (predikat_dihitung is not null
         and row_number() over (partition by instansi_kode, periode, nip, predikat_dihitung is null
                                order by {{ urutan_penentu() }}) = 1)::boolean as is_penentu,
        batch_id::text                                                     as batch_id
    from dinilai_ulang
)

select * from final
