{#
  One row per RHK line (a result the employee's SKP plans) and month: its target, what was
  realised, and the achievement in percent. Partitioned by period: a month's build makes the
  month's partition beside the table and swaps it in (macros/partisi_periode.sql); the grain is
  each partition's UNIQUE constraint, checked as it is built.
#}
{{ config(materialized='partisi_periode', kolom_partisi='periode',
          kunci_unik=['instansi_kode', 'nip', 'skp_id', 'periode', 'rhk_kode'], meta={'kolom_periode': 'periode'}) }}

with rhk as (
    select * from {{ ref('stg_canonical__rhk') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

pegawai as (
    select * from {{ ref('stg_canonical__pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

final as (
    select
        rhk.instansi_kode,
        rhk.periode,
        rhk.nip,
        rhk.skp_id,
        rhk.tahun,
        rhk.rhk_kode,
        rhk.rhk_uraian,
        rhk.jenis_rhk,
        rhk.indikator,
        rhk.target,
        rhk.satuan,
        rhk.realisasi,
        rhk.target_teks,
        rhk.realisasi is not null                                          as is_realisasi_dilaporkan,
        case when rhk.target > 0 and rhk.realisasi is not null
             then round(100 * rhk.realisasi / rhk.target, 2) end::numeric(12, 2)  as capaian_persen,
        pegawai.unit_kode,
        rhk.batch_id
    from rhk
    left join pegawai
        on pegawai.instansi_kode = rhk.instansi_kode
        and pegawai.periode = rhk.periode_pengiriman
        and pegawai.nip = rhk.nip
)

select * from final
