{#
  Supervisors' feedback (umpan balik), one row per feedback: on an RHK line (aspek RHK) or a
  BerAKHLAK value (aspek PERILAKU), who gave it to whom and when, against the month it is about:
  days after the month's last day (negative: before it ended; macro hari_setelah_periode, the rule
  of the ratings' timing) and whether it came before the month ended. The text stays here and in
  raw (internal: auditors, and each government for its own rows), never in publik. Partitioned by month (macros/partisi_periode.sql): a month's run builds the month's
  partition beside the table and swaps it in; the grain is each partition's UNIQUE constraint.
#}
{{ config(
    materialized='partisi_periode', kolom_partisi='bulan',
    kunci_unik=['instansi_kode', 'umpan_balik_id', 'bulan'], meta={'kolom_periode': 'bulan'},
) }}

with umpan_balik as (
    select * from {{ ref('stg_canonical__umpan_balik') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as bulan,
        left(periode, 4)::integer                                          as tahun,
        umpan_balik_id::text                                               as umpan_balik_id,
        nip::text                                                          as nip,
        skp_id::text                                                       as skp_id,
        aspek::text                                                        as aspek,
        rhk_kode::text                                                     as rhk_kode,
        perilaku_kode::text                                                as perilaku_kode,
        pemberi_nip::text                                                  as pemberi_nip,
        waktu_diberikan::timestamptz                                       as waktu_diberikan,
        {{ hari_setelah_periode('waktu_diberikan', 'periode') }}::integer  as hari_setelah_periode,
        {{ dinilai_sebelum_periode_berakhir('waktu_diberikan', 'periode') }}::boolean as is_sebelum_periode_berakhir,
        umpan_balik::text                                                  as umpan_balik,
        batch_id::text                                                     as batch_id
    from umpan_balik
)

select * from final
