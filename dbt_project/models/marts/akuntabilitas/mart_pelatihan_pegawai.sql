{#
  Competence development per employee, year to date: for each month, every active employee on
  the month's roster of a government that delivered its training register for the month, with the
  trainings he completed that month and in the year up to it (JP, jam pelajaran, as delivered;
  hours = JP x menit_per_jp / 60), and whether he has reached the yearly expectation of seed
  standar_pengembangan_kompetensi (20 JP a year, unconfirmed: see the seed). The row of December
  (or of the latest month loaded) is the year. His unit, and the OPD it belongs to (the unit under
  the government's root). Personal (NIP): auditors only. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with dilaporkan as (
    -- the governments and months whose training register was delivered and loaded
    select distinct instansi_kode, periode as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = 'pelatihan' and is_current and status = 'loaded'
      {% if is_incremental() %}and {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

pegawai as (
    select * from {{ ref('stg_canonical__pegawai') }}
    where aktif {% if is_incremental() %}and {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

leluhur as (
    select * from {{ ref('int_unit_kerja__leluhur') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

opd as (
    -- each unit's OPD: its ancestor just below the root (the root is its own)
    {{ opd_per_unit('leluhur') }}
),

pelatihan as (
    select * from {{ ref('stg_canonical__pelatihan') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('periode') }}{% endif %}
),

standar as (
    select
        case satuan when 'JAM' then jumlah_minimum * 60 / menit_per_jp else jumlah_minimum end as minimum_jp,
        menit_per_jp
    from {{ ref('standar_pengembangan_kompetensi') }}
),

sampai_bulan as (
    -- each employee's trainings of the year up to each reported month, summed before they meet the
    -- roster (a few per employee and year), so the roster is joined, not grouped
    select
        dilaporkan.instansi_kode,
        dilaporkan.bulan,
        pelatihan.nip,
        count(*) filter (where pelatihan.periode = dilaporkan.bulan)       as jumlah_pelatihan_bulan,
        coalesce(sum(pelatihan.jumlah_jp) filter (where pelatihan.periode = dilaporkan.bulan), 0) as jumlah_jp_bulan,
        count(*)                                                           as jumlah_pelatihan,
        sum(pelatihan.jumlah_jp)                                           as jumlah_jp
    from dilaporkan
    join pelatihan
        on pelatihan.instansi_kode = dilaporkan.instansi_kode
        and pelatihan.tahun = left(dilaporkan.bulan, 4)::integer
        and pelatihan.periode <= dilaporkan.bulan
    group by 1, 2, 3
),

per_pegawai as (
    select
        pegawai.instansi_kode,
        pegawai.periode                                                    as bulan,
        pegawai.nip,
        pegawai.unit_kode,
        coalesce(sampai_bulan.jumlah_pelatihan_bulan, 0)                   as jumlah_pelatihan_bulan,
        coalesce(sampai_bulan.jumlah_jp_bulan, 0)                          as jumlah_jp_bulan,
        coalesce(sampai_bulan.jumlah_pelatihan, 0)                         as jumlah_pelatihan,
        coalesce(sampai_bulan.jumlah_jp, 0)                                as jumlah_jp
    from pegawai
    join dilaporkan
        on dilaporkan.instansi_kode = pegawai.instansi_kode
        and dilaporkan.bulan = pegawai.periode
    left join sampai_bulan
        on sampai_bulan.instansi_kode = pegawai.instansi_kode
        and sampai_bulan.bulan = pegawai.periode
        and sampai_bulan.nip = pegawai.nip
),

final as (
    select
        per_pegawai.instansi_kode::text                                    as instansi_kode,
        per_pegawai.bulan::text                                            as bulan,
        left(per_pegawai.bulan, 4)::integer                                as tahun,
        per_pegawai.nip::text                                              as nip,
        per_pegawai.unit_kode::text                                        as unit_kode,
        coalesce(opd.opd_kode, per_pegawai.unit_kode)::text                as opd_kode,
        per_pegawai.jumlah_pelatihan_bulan::integer                        as jumlah_pelatihan_bulan,
        per_pegawai.jumlah_jp_bulan::numeric(8, 2)                         as jumlah_jp_bulan,
        per_pegawai.jumlah_pelatihan::integer                              as jumlah_pelatihan,
        per_pegawai.jumlah_jp::numeric(8, 2)                               as jumlah_jp,
        round(per_pegawai.jumlah_jp * standar.menit_per_jp / 60, 2)::numeric(8, 2) as jumlah_jam,
        standar.minimum_jp::numeric(8, 2)                                  as standar_minimum_jp,
        (per_pegawai.jumlah_pelatihan > 0)::boolean                        as is_terlatih,
        (per_pegawai.jumlah_jp >= standar.minimum_jp)::boolean             as is_memenuhi_standar
    from per_pegawai
    cross join standar
    left join opd
        on opd.instansi_kode = per_pegawai.instansi_kode
        and opd.bulan = per_pegawai.bulan
        and opd.unit_kode = per_pegawai.unit_kode
)

select * from final
