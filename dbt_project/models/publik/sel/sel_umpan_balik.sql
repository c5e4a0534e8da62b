{#
  Feedback coverage as the public sees it, before it is split into pub_umpan_balik (row '*') and
  pub_umpan_balik_unit: per instansi and month one two-way table of the published OPDs
  (sel_opd_terbit) × YA / TIDAK with the headcounts: staff with RHK lines in the month who received
  feedback before the month ended on at least one line (mart_umpan_balik_rhk), counts of people
  only, no text; built by macro sel_ya_tidak (withheld where the group is small, then complemented).
  Grain: instansi × bulan × ukuran × baris × kolom. Incremental by month.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with rhk as (
    select * from {{ ref('mart_umpan_balik_rhk') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

pegawai as (
    select instansi_kode, bulan, nip, opd_kode, bool_or(is_umpan_balik_tepat) as is_umpan_balik_tepat
    from rhk
    group by 1, 2, 3, 4
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
    {{ sel_ya_tidak('orang', 'bulan', ukuran=[('umpan_balik_tepat', 'is_umpan_balik_tepat')]) }}
)

select * from final
