{#
  Who filed a performance report on time, per unit and month (mart_laporan_kinerja_pegawai summed):
  active staff, reports filed, filed on time (seed aturan_laporan_kinerja), and the share on time.
#}
with pegawai as (
    select * from {{ ref('mart_laporan_kinerja_pegawai') }}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        bulan::text                                                        as bulan,
        tahun::integer                                                     as tahun,
        unit_kode::text                                                    as unit_kode,
        count(*)::integer                                                  as jumlah_pegawai,
        count(*) filter (where is_melapor)::integer                        as jumlah_melapor,
        count(*) filter (where is_tepat_waktu)::integer                    as jumlah_tepat_waktu,
        round(100.0 * count(*) filter (where is_tepat_waktu) / count(*), 1)::numeric(4, 1) as persen_tepat_waktu
    from pegawai
    group by 1, 2, 3, 4
)

select * from final
