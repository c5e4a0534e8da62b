{#
  Complaints per service unit and month, as published, and the instansi's total (unit_layanan_kode
  '*'): counts per channel from sel_pengaduan (1-4 withheld with their complements),
  the shares handled within the unit's standard and the median times. No complaint's text, no
  complainant. A share is published only where the count it is taken of is shown and neither its
  numerator nor the rest (denominator - numerator) is 1-4 (it would give that count away); a median
  only over 5 complaints or more. Rates inherit their counts' suppression (pitfalls.md, Publishing).
#}
with sel as (
    select * from {{ ref('sel_pengaduan') }}
),

pengaduan as (
    select * from {{ ref('fct_pengaduan') }}
),

mart as (
    select * from {{ ref('mart_pengaduan_unit') }}
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

ukuran as (
    -- per unit from the mart; per instansi ('*') over all its complaints
    select instansi_kode, unit_layanan_kode as baris, periode, jumlah_pengaduan, jumlah_ditolak, jumlah_direspon,
           jumlah_selesai, jumlah_respon_tepat_waktu, jumlah_selesai_tepat_waktu, median_jam_respon,
           median_hari_selesai, standar_jam_respon, standar_hari_selesai
    from mart
    union all
    select instansi_kode, '*', periode, count(*), count(*) filter (where status = 'DITOLAK'), count(jam_respon),
           count(*) filter (where status = 'SELESAI'), count(*) filter (where is_respon_tepat_waktu),
           count(*) filter (where is_selesai_tepat_waktu),
           round((percentile_cont(0.5) within group (order by jam_respon))::numeric, 2),
           round((percentile_cont(0.5) within group (order by hari_selesai))::numeric, 2),
           null, null
    from pengaduan
    group by instansi_kode, periode
),

baris as (
    select
        sel.instansi_kode,
        sel.baris,
        sel.periode,
        max(sel.jumlah) filter (where sel.kolom = '*')                               as jumlah,
        bool_or(sel.is_disembunyikan) filter (where sel.kolom = '*')                 as total_disembunyikan,
        max(sel.jumlah) filter (where sel.kolom = 'ONLINE' and not sel.is_disembunyikan)     as jumlah_online,
        max(sel.jumlah) filter (where sel.kolom = 'FORUM' and not sel.is_disembunyikan)      as jumlah_forum,
        max(sel.jumlah) filter (where sel.kolom = 'TATAP_MUKA' and not sel.is_disembunyikan) as jumlah_tatap_muka,
        bool_or(sel.is_disembunyikan)                                                as ada_disembunyikan
    from sel
    group by sel.instansi_kode, sel.baris, sel.periode
),

final as (
    select
        baris.instansi_kode::text                                          as instansi_kode,
        coalesce(instansi.instansi_nama, baris.instansi_kode)::text        as instansi_nama,
        baris.baris::text                                                  as unit_layanan_kode,
        (case when baris.baris = '*' then 'Seluruh unit layanan'
              else coalesce(unit.unit_nama, baris.baris) end)::text        as unit_layanan_nama,
        baris.periode::text                                                as periode,
        (case when not baris.total_disembunyikan then baris.jumlah end)::integer as jumlah_pengaduan,
        baris.jumlah_online::integer                                       as jumlah_online,
        baris.jumlah_forum::integer                                        as jumlah_forum,
        baris.jumlah_tatap_muka::integer                                   as jumlah_tatap_muka,
        (case when not baris.total_disembunyikan
                   and not {{ sel_kecil('ukuran.jumlah_respon_tepat_waktu') }}
                   and not {{ sel_kecil('ukuran.jumlah_pengaduan - ukuran.jumlah_respon_tepat_waktu') }}
              then round(100.0 * ukuran.jumlah_respon_tepat_waktu / nullif(ukuran.jumlah_pengaduan, 0), 1)
         end)::numeric(4, 1)                                               as persen_respon_tepat_waktu,
        (case when not baris.total_disembunyikan
                   and not {{ sel_kecil('ukuran.jumlah_selesai_tepat_waktu') }}
                   and not {{ sel_kecil('ukuran.jumlah_pengaduan - ukuran.jumlah_ditolak - ukuran.jumlah_selesai_tepat_waktu') }}
              then round(100.0 * ukuran.jumlah_selesai_tepat_waktu
                         / nullif(ukuran.jumlah_pengaduan - ukuran.jumlah_ditolak, 0), 1)
         end)::numeric(4, 1)                                               as persen_selesai_tepat_waktu,
        (case when not baris.total_disembunyikan and ukuran.jumlah_direspon >= {{ var('min_cell_size', 5) }}
              then ukuran.median_jam_respon end)::numeric(10, 2)           as median_jam_respon,
        (case when not baris.total_disembunyikan and ukuran.jumlah_selesai >= {{ var('min_cell_size', 5) }}
              then ukuran.median_hari_selesai end)::numeric(10, 2)         as median_hari_selesai,
        ukuran.standar_jam_respon::numeric(8, 2)                           as standar_jam_respon,
        ukuran.standar_hari_selesai::numeric(8, 2)                         as standar_hari_selesai,
        baris.ada_disembunyikan::boolean                                   as is_disembunyikan
    from baris
    left join ukuran
        on ukuran.instansi_kode = baris.instansi_kode and ukuran.baris = baris.baris and ukuran.periode = baris.periode
    left join unit on unit.instansi_kode = baris.instansi_kode and unit.unit_kode = baris.baris
    left join instansi on instansi.instansi_kode = baris.instansi_kode
)

select * from final
