{#
  Competence development per OPD, year to date (mart_pelatihan_pegawai summed): for each month,
  the OPD's active staff, how many have trained this year, how many reached the yearly expectation
  (seed standar_pengembangan_kompetensi), their JP and hours. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['bulan']}]) }}

with pegawai as (
    select * from {{ ref('mart_pelatihan_pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        bulan::text                                                        as bulan,
        tahun::integer                                                     as tahun,
        opd_kode::text                                                     as unit_kode,
        count(*)::integer                                                  as jumlah_pegawai,
        count(*) filter (where is_terlatih)::integer                       as jumlah_terlatih,
        count(*) filter (where is_memenuhi_standar)::integer               as jumlah_memenuhi_standar,
        round(100.0 * count(*) filter (where is_terlatih) / count(*), 1)::numeric(4, 1) as persen_terlatih,
        round(100.0 * count(*) filter (where is_memenuhi_standar) / count(*), 1)::numeric(4, 1)
                                                                           as persen_memenuhi_standar,
        sum(jumlah_jp)::numeric(12, 2)                                     as jumlah_jp,
        sum(jumlah_jam)::numeric(12, 2)                                    as jumlah_jam,
        round(avg(jumlah_jp), 2)::numeric(8, 2)                            as rata_rata_jp
    from pegawai
    group by 1, 2, 3, 4
)

select * from final
