{#
  Who filed a performance report on time, per unit and month (mart_laporan_kinerja_pegawai summed):
  active staff, reports filed, filed on time (seed aturan_laporan_kinerja), and the share on time. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with pegawai as (
    select * from {{ ref('mart_laporan_kinerja_pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
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
