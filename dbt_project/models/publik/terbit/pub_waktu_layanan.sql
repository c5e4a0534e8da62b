{#
  Service completion times per service, service unit and month, as published: how many requests,
  the median and 90th percentile of hours to completion, the service standard and the share
  completed within it, beside the unit's IKM for the quarter as pub_ikm_unit_layanan publishes it
  (withheld there, withheld here). No request, no applicant. A month of 1-4 requests of a service is
  withheld whole; with no totals in the table, no other number gives it away. The share within the
  standard is withheld where its numerator or the rest is 1-4, and the times over fewer than 5
  completed requests.
#}
with layanan as (
    select * from {{ ref('mart_waktu_layanan') }}
),

ikm as (
    select * from {{ ref('pub_ikm_unit_layanan') }}
    where jenis_periode = 'TRIWULANAN'
),

standar as (
    select distinct jenis_layanan, first_value(nama_layanan) over (partition by jenis_layanan
                                                                 order by (instansi_kode = '*') desc) as nama_layanan
    from {{ ref('standar_waktu_layanan') }}
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

final as (
    select
        layanan.instansi_kode::text                                        as instansi_kode,
        coalesce(instansi.instansi_nama, layanan.instansi_kode)::text      as instansi_nama,
        layanan.unit_layanan_kode::text                                    as unit_layanan_kode,
        coalesce(unit.unit_nama, layanan.unit_layanan_kode)::text          as unit_layanan_nama,
        layanan.jenis_layanan::text                                        as jenis_layanan,
        coalesce(standar.nama_layanan, layanan.jenis_layanan)::text        as jenis_layanan_nama,
        layanan.bulan::text                                                as bulan,
        (case when tampil then layanan.jumlah_transaksi end)::integer      as jumlah_transaksi,
        (case when tampil and layanan.jumlah_selesai >= {{ var('min_cell_size', 5) }}
              then layanan.p50_jam end)::numeric(10, 2)                    as median_jam,
        (case when tampil and layanan.jumlah_selesai >= {{ var('min_cell_size', 5) }}
              then layanan.p90_jam end)::numeric(10, 2)                    as p90_jam,
        layanan.standar_jam::numeric(8, 2)                                 as standar_jam,
        (case when tampil and layanan.jumlah_selesai >= {{ var('min_cell_size', 5) }}
                   and not {{ sel_kecil('layanan.jumlah_dalam_standar') }}
                   and not {{ sel_kecil('layanan.jumlah_selesai - layanan.jumlah_dalam_standar') }}
              then layanan.persen_dalam_standar end)::numeric(4, 1)        as persen_dalam_standar,
        ikm.periode::text                                                  as periode_ikm,
        ikm.ikm::numeric(5, 2)                                             as ikm,
        ikm.mutu::text                                                     as mutu_ikm,
        (not tampil)::boolean                                              as is_disembunyikan
    from layanan
    cross join lateral (select not {{ sel_kecil('layanan.jumlah_transaksi') }} as tampil) as keputusan
    left join ikm
        on ikm.instansi_kode = layanan.instansi_kode
        and ikm.unit_layanan_kode = layanan.unit_layanan_kode
        and ikm.periode = layanan.periode_ikm
    left join standar on standar.jenis_layanan = layanan.jenis_layanan
    left join unit on unit.instansi_kode = layanan.instansi_kode and unit.unit_kode = layanan.unit_layanan_kode
    left join instansi on instansi.instansi_kode = layanan.instansi_kode
)

select * from final
