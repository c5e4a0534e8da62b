{#
  Performance reports per employee and month (Wanggar: every ASN files a report of achievements and
  challenges): every active employee on the month's roster of a government that delivered reports
  for the month (and anyone who filed one while missing from the loaded roster, in no unit), whether he filed one, when (days after the month's last day) and whether on time
  (seed aturan_laporan_kinerja: by that many days after the month's last day, local date). The
  reports' text is not here: it stays in raw, read by auditors only. Personal (NIP). Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with dilaporkan as (
    select distinct instansi_kode, periode as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = 'laporan_kinerja' and is_current and status = 'loaded'
      {% if is_incremental() %}and {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

roster as (
    select pegawai.instansi_kode, pegawai.periode as bulan, pegawai.nip, pegawai.unit_kode
    from {{ ref('stg_canonical__pegawai') }} as pegawai
    join dilaporkan on dilaporkan.instansi_kode = pegawai.instansi_kode and dilaporkan.bulan = pegawai.periode
    where pegawai.aktif {% if is_incremental() %}and {{ pada_bulan_dijalankan('pegawai.periode') }}{% endif %}
),

pegawai as (
    -- the month's active staff, and whoever filed a report without being on the loaded roster (his
    -- roster row quarantined): his report counts, in no unit
    select * from roster
    union all
    select laporan.instansi_kode, laporan.periode, laporan.nip, null
    from {{ ref('stg_canonical__laporan_kinerja') }} as laporan
    where {% if is_incremental() %}{{ pada_bulan_dijalankan('laporan.periode_pengiriman') }} and {{ pada_bulan_dijalankan('laporan.periode') }} and {% endif %}not exists (select 1 from roster where roster.instansi_kode = laporan.instansi_kode
                      and roster.bulan = laporan.periode and roster.nip = laporan.nip)
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

opd as (
    {{ opd_per_unit('leluhur') }}
),

laporan as (
    select * from {{ ref('stg_canonical__laporan_kinerja') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode_pengiriman') }} and {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

aturan as (
    select max(batas_hari_setelah_periode) as batas_hari from {{ ref('aturan_laporan_kinerja') }}
),

final as (
    select
        pegawai.instansi_kode::text                                        as instansi_kode,
        pegawai.bulan::text                                                as bulan,
        left(pegawai.bulan, 4)::integer                                    as tahun,
        pegawai.nip::text                                                  as nip,
        pegawai.unit_kode::text                                            as unit_kode,
        coalesce(opd.opd_kode, pegawai.unit_kode)::text                    as opd_kode,
        (laporan.nip is not null)::boolean                                 as is_melapor,
        {{ hari_setelah_periode('laporan.waktu_disampaikan', 'pegawai.bulan') }}::integer as hari_setelah_periode,
        coalesce({{ hari_setelah_periode('laporan.waktu_disampaikan', 'pegawai.bulan') }} <= aturan.batas_hari, false)::boolean
                                                                           as is_tepat_waktu,
        coalesce(laporan.is_ada_kendala, false)::boolean                   as is_ada_kendala
    from pegawai
    cross join aturan
    left join opd on opd.instansi_kode = pegawai.instansi_kode and opd.bulan = pegawai.bulan and opd.unit_kode = pegawai.unit_kode
    left join laporan on laporan.instansi_kode = pegawai.instansi_kode and laporan.periode = pegawai.bulan
        and laporan.nip = pegawai.nip
)

select * from final
