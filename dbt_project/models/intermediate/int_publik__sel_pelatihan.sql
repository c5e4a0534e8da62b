{#
  Training as the public sees it, before it is split into the instansi table (pub_pelatihan) and
  the unit table (pub_pelatihan_unit); built like int_publik__sel_kepatuhan by macro sel_ya_tidak. Two
  measures, each a partition of an OPD's active staff in the month (mart_pelatihan_unit) into YA
  and TIDAK: trained this year so far, and at the yearly expectation. Per instansi, month and
  measure one two-way table — rows the OPDs, columns YA / TIDAK — whose margins are the OPDs'
  headcounts (column '*') and the instansi's (row '*').

  The headcounts are shared by both measures, so they are settled first and alike for both (a
  headcount of 1-4 is withheld, then complementary over the instansi); each measure then keeps
  them fixed. Withheld on its own besides counts of 1-4: the count at the expectation where the
  trained-but-not-at-the-expectation difference (terlatih - memenuhi_standar, both published)
  would be 1-4. Grain: instansi × bulan × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['bulan']}]) }}

with pelatihan as (
    select * from {{ ref('mart_pelatihan_unit') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('bulan') }}{% endif %}
),

ukuran as (
    select instansi_kode, bulan, unit_kode, 'terlatih' as ukuran,
           jumlah_terlatih as ya, jumlah_pegawai - jumlah_terlatih as tidak, false as selisih_kecil
    from pelatihan
    union all
    select instansi_kode, bulan, unit_kode, 'memenuhi_standar',
           jumlah_memenuhi_standar, jumlah_pegawai - jumlah_memenuhi_standar,
           {{ sel_kecil('jumlah_terlatih - jumlah_memenuhi_standar') }}
    from pelatihan
),

{{ sel_ya_tidak('pelatihan', 'bulan', ['terlatih', 'memenuhi_standar']) }}

select * from final
