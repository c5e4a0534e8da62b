{#
  Performance reports as the public sees them (pub_laporan_kinerja): per instansi and month one
  two-way table of the published OPDs (sel_opd_terbit) × YA / TIDAK with the headcounts: active
  staff who filed their report on time (mart_laporan_kinerja_pegawai), counts of people only, no
  text; built by macro sel_ya_tidak. Grain: instansi × bulan × ukuran × baris × kolom. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with pegawai as (
    select * from {{ ref('mart_laporan_kinerja_pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

terbit as (
    select * from {{ ref('sel_opd_terbit') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

orang as (
    select pegawai.*, coalesce(terbit.unit_terbit_kode, pegawai.instansi_kode) as baris
    from pegawai
    left join terbit
        on terbit.instansi_kode = pegawai.instansi_kode
        and terbit.bulan = pegawai.bulan
        and terbit.unit_kode = pegawai.opd_kode
),

final as (
    {{ sel_ya_tidak('orang', 'bulan', ukuran=[('melapor', 'is_melapor'), ('tepat_waktu', 'is_tepat_waktu')]) }}
)

select * from final
