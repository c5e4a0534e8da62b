{#
  Training as the public sees it, before it is split into the instansi table (pub_pelatihan) and
  the unit table (pub_pelatihan_unit): per instansi, month and measure (trained this year so far,
  at the yearly expectation) one two-way table of the published OPDs (sel_opd_terbit:
  small OPDs within the root) × YA / TIDAK with the headcounts, counts of people
  (mart_pelatihan_pegawai); built by macro sel_ya_tidak: a measure is withheld where the group is
  small, then complemented. Grain: instansi × bulan × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with pegawai as (
    select * from {{ ref('mart_pelatihan_pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

terbit as (
    select * from {{ ref('sel_opd_terbit') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

orang as (
    select pegawai.*, terbit.unit_terbit_kode as baris
    from pegawai
    join terbit
        on terbit.instansi_kode = pegawai.instansi_kode
        and terbit.bulan = pegawai.bulan
        and terbit.unit_kode = pegawai.opd_kode
),

tahan as (
    {{ tahan(ref('stg_kendali_publik__tahan_tambahan'), 'pelatihan') }}
),

final as (
    {{ sel_ya_tidak('orang', 'bulan', ukuran=[('terlatih', 'is_terlatih'), ('memenuhi_standar', 'is_memenuhi_standar')],
                    tahan='tahan') }}
)

select * from final
