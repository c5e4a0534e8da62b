{#
  Submission compliance as the public sees it, before it is split into the instansi and the unit
  table: per instansi, period and measure (with an SKP, evaluated, evaluated on time) one two-way
  table of the published units (int_publik__unit_terbit) × YA / TIDAK with the headcounts, counts
  of people (int_pegawai__periode); built by macro sel_ya_tidak: a measure is withheld where the
  group is small, then complemented.

  "Evaluated" counts the people the predikat table counts (a unit's evaluated staff is its row
  total there), so its cells take the predikat table's decisions (`paksa`): shown there, shown
  here; withheld there, withheld here — no number withheld in one table is published in the other.
  Grain: instansi × periode × ukuran × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with pegawai as (
    select * from {{ ref('int_pegawai__periode') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

terbit as (
    select * from {{ ref('int_publik__unit_terbit') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

orang as (
    select pegawai.*, terbit.unit_terbit_kode as baris
    from pegawai
    join terbit
        on terbit.instansi_kode = pegawai.instansi_kode
        and terbit.periode = pegawai.periode
        and terbit.unit_kode = pegawai.unit_kode
),

ukuran as (
    select instansi_kode, periode, 'punya_skp' as ukuran, baris,
           count(*) filter (where is_punya_skp) as ya, count(*) as pegawai
    from orang group by 1, 2, 3, 4
    union all
    select instansi_kode, periode, 'dievaluasi', baris, count(*) filter (where is_dievaluasi), count(*)
    from orang group by 1, 2, 3, 4
    union all
    select instansi_kode, periode, 'tepat_waktu', baris, count(*) filter (where is_tepat_waktu), count(*)
    from orang group by 1, 2, 3, 4
),

predikat as (
    -- the evaluated staff of each row, as the predikat table decided (over its regimes)
    select instansi_kode, periode, 'dievaluasi' as ukuran, baris, bool_or(is_disembunyikan) as is_disembunyikan
    from {{ ref('int_publik__sel_predikat') }}
    where kolom = '*' {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3, 4
),

tahan as (
    {{ tahan('kepatuhan') }}
),

final as (
    {{ sel_ya_tidak('ukuran', 'periode', paksa='predikat', tahan='tahan') }}
)

select * from final
