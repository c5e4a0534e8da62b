{#
  Feedback per RHK line: every RHK line of a month of a government that delivered feedback for
  that month, with its employee's unit and OPD on the month's roster, his rater (the penilai of his
  evaluation for the period holding the month; else his atasan on the roster; else who gave him
  feedback), and the feedback the line received: how many, the first one's days after the month's
  last day (negative: before it ended), and whether one came before the month ended. Personal
  (NIPs): auditors and the government's own readers. Incremental by month: a month's run rebuilds the
  month and, in a quarter's last month, the quarter's months (their lines read the quarter's rater,
  whose evaluation arrives then; macro pada_bulan_periode_dijalankan).
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with dilaporkan as (
    -- the governments and months whose feedback was delivered and loaded
    select distinct instansi_kode, periode as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = 'umpan_balik' and is_current and status = 'loaded'
      {% if is_incremental() %}and {{ pada_bulan_periode_dijalankan('periode') }}{% endif %}
),

rhk as (
    select distinct rhk.instansi_kode, rhk.periode as bulan, rhk.nip, rhk.skp_id, rhk.rhk_kode
    from {{ ref('stg_canonical__rhk') }} as rhk
    join dilaporkan on dilaporkan.instansi_kode = rhk.instansi_kode and dilaporkan.bulan = rhk.periode
    {% if is_incremental() %}where {{ pada_bulan_periode_dijalankan('rhk.periode_pengiriman') }} and {{ pada_bulan_periode_dijalankan('rhk.periode') }}{% endif %}
),

pegawai as (
    select instansi_kode, periode as bulan, nip, unit_kode, atasan_nip
    from {{ ref('stg_canonical__pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_periode_dijalankan('periode') }}{% endif %}
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
    {% if is_incremental() %}where {{ pada_bulan_periode_dijalankan('bulan') }}{% endif %}
),

opd as (
    {{ opd_per_unit('leluhur') }}
),

penilai as (
    -- the rater of the evaluation that speaks for him in each period
    select instansi_kode, periode, nip, penilai_nip
    from {{ ref('fct_evaluasi_kinerja') }}
    where is_penentu {% if is_incremental() %}and {{ pada_bulan_periode_dijalankan('periode', dengan_triwulan=true) }}{% endif %}
),

umpan_balik as (
    select
        instansi_kode, bulan, nip, skp_id, rhk_kode,
        count(*)                                                           as jumlah_umpan_balik,
        min(hari_setelah_periode)                                          as hari_umpan_balik_pertama,
        bool_or(is_sebelum_periode_berakhir)                               as is_sebelum_periode_berakhir,
        min(pemberi_nip)                                                   as pemberi_nip
    from {{ ref('fct_umpan_balik') }}
    where aspek = 'RHK' {% if is_incremental() %}and {{ pada_bulan_periode_dijalankan('bulan') }}{% endif %}
    group by 1, 2, 3, 4, 5
),

final as (
    select
        rhk.instansi_kode::text                                            as instansi_kode,
        rhk.bulan::text                                                    as bulan,
        left(rhk.bulan, 4)::integer                                        as tahun,
        rhk.nip::text                                                      as nip,
        rhk.skp_id::text                                                   as skp_id,
        rhk.rhk_kode::text                                                 as rhk_kode,
        pegawai.unit_kode::text                                            as unit_kode,
        coalesce(opd.opd_kode, pegawai.unit_kode)::text                    as opd_kode,
        coalesce(bulanan.penilai_nip, triwulanan.penilai_nip, nullif(pegawai.atasan_nip, ''),
                 umpan_balik.pemberi_nip)::text                            as penilai_nip,
        coalesce(umpan_balik.jumlah_umpan_balik, 0)::integer               as jumlah_umpan_balik,
        umpan_balik.hari_umpan_balik_pertama::integer                      as hari_umpan_balik_pertama,
        (umpan_balik.nip is not null)::boolean                             as is_ada_umpan_balik,
        coalesce(umpan_balik.is_sebelum_periode_berakhir, false)::boolean  as is_umpan_balik_tepat
    from rhk
    left join pegawai
        on pegawai.instansi_kode = rhk.instansi_kode and pegawai.bulan = rhk.bulan and pegawai.nip = rhk.nip
    left join opd
        on opd.instansi_kode = pegawai.instansi_kode and opd.bulan = pegawai.bulan and opd.unit_kode = pegawai.unit_kode
    left join penilai as bulanan
        on bulanan.instansi_kode = rhk.instansi_kode and bulanan.periode = rhk.bulan and bulanan.nip = rhk.nip
    left join penilai as triwulanan
        on triwulanan.instansi_kode = rhk.instansi_kode and triwulanan.nip = rhk.nip
        and triwulanan.periode = {{ triwulan_dari("to_date(rhk.bulan, 'YYYY-MM')") }}
    left join umpan_balik
        on umpan_balik.instansi_kode = rhk.instansi_kode and umpan_balik.bulan = rhk.bulan
        and umpan_balik.nip = rhk.nip and umpan_balik.skp_id = rhk.skp_id and umpan_balik.rhk_kode = rhk.rhk_kode
)

select * from final
