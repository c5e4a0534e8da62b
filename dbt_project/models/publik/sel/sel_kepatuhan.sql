{#
  Submission compliance as the public sees it, before it is split into the instansi and the unit
  table: per instansi, period and measure (with an SKP, evaluated, evaluated on time) one two-way
  table of the published units (sel_unit_terbit) × YA / TIDAK with the headcounts, counts
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
    select * from {{ ref('sel_unit_terbit') }}
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

predikat as (
    -- the evaluated staff of each row, as the predikat table decided (over its regimes)
    select instansi_kode, periode, 'dievaluasi' as ukuran, baris, bool_or(is_disembunyikan) as is_disembunyikan
    from {{ ref('sel_predikat') }}
    where kolom = '*' {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3, 4
),

tahan as (
    {{ tahan(ref('stg_kendali_publik__tahan_tambahan'), 'kepatuhan') }}
),

final as (
    {{ sel_ya_tidak('orang', 'periode',
                    ukuran=[('punya_skp', 'is_punya_skp'), ('dievaluasi', 'is_dievaluasi'), ('tepat_waktu', 'is_tepat_waktu')],
                    paksa='predikat', tahan='tahan') }}
)

select * from final
