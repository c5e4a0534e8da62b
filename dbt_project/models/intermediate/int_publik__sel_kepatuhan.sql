{#
  Submission compliance as the public sees it, before it is split into the instansi and the unit
  table. Three measures, each a partition of a unit's roster (mart_kepatuhan) into YA and TIDAK:
  with an SKP, evaluated, evaluated on time. Per instansi, period and measure one two-way table —
  rows the units, columns YA / TIDAK — whose margins are the units' headcounts (column '*') and
  the instansi's (row '*'); built by macro sel_ya_tidak.

  The headcounts are shared by the three measures, so they are settled first and alike for all
  (step `jumlah_pegawai`: a headcount of 1-4 is withheld, then complementary over the instansi);
  each measure then keeps them fixed. Withheld on their own besides counts of 1-4: the on-time
  count where the evaluated-but-not-on-time difference (dievaluasi - tepat waktu, both published)
  would be 1-4. Grain: instansi × periode × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with kepatuhan as (
    select * from {{ ref('mart_kepatuhan') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

ukuran as (
    select instansi_kode, periode, unit_kode, 'punya_skp' as ukuran,
           jumlah_punya_skp as ya, jumlah_pegawai - jumlah_punya_skp as tidak, false as selisih_kecil
    from kepatuhan
    union all
    select instansi_kode, periode, unit_kode, 'dievaluasi',
           jumlah_dievaluasi, jumlah_pegawai - jumlah_dievaluasi, false
    from kepatuhan
    union all
    select instansi_kode, periode, unit_kode, 'tepat_waktu',
           jumlah_tepat_waktu, jumlah_pegawai - jumlah_tepat_waktu,
           {{ sel_kecil('jumlah_dievaluasi - jumlah_tepat_waktu') }}
    from kepatuhan
),

{{ sel_ya_tidak('kepatuhan', 'periode', ['punya_skp', 'dievaluasi', 'tepat_waktu']) }}

select * from final
