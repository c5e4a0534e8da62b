{#
  The predikat distribution as the public sees it, before it is split into the instansi and the
  unit table: per instansi, period and regime one two-way table — rows the published units
  (sel_unit_terbit: small units within their parent), columns the regime's predikat — with
  its margins: each unit's total (column '*'), each predikat's total over the instansi (row '*')
  and the instansi's total ('*', '*'). Counts are of people (int_pegawai__periode: one predikat per
  employee and period, the one of the evaluation that speaks for him), and every published unit has
  a row, also with nobody evaluated: a row's total is the unit's evaluated staff of the compliance
  table, the same people.

  Withheld on their own (primary): counts of 1 to var('min_cell_size') - 1; a cell that holds its
  whole row (everybody of the unit in one predikat would tell each member his predikat: UU 14/2008
  Ps. 17 h 4); and the total of a unit whose group is too small for its process facts (fewer than
  var('publik_min_kelompok') people: how many of them were evaluated is withheld in the compliance
  table, so here too); and the whole table of a government whose evaluated people all have one
  predikat (its own row would tell each one his). Where the whole instansi was evaluated (or nobody was), every row's total
  is its headcount, published in the compliance table: the totals are then fixed and shown. Then complementary suppression with whole rows (macro sembunyikan_sel,
  baris_utuh): no withheld number follows from the others and the totals, and no row shows zeros
  beside withheld cells that hold all its people. `urutan` orders a regime's predikat (null for
  margins). Groups the disclosure audit still found something in are held as a whole (source
  kendali_publik.tahan_tambahan). Grain: instansi × periode × regime × baris × kolom.
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
    select pegawai.instansi_kode, pegawai.periode, terbit.unit_terbit_kode as baris, pegawai.regime, pegawai.predikat
    from pegawai
    join terbit
        on terbit.instansi_kode = pegawai.instansi_kode
        and terbit.periode = pegawai.periode
        and terbit.unit_kode = pegawai.unit_kode
),

{{ sel_predikat_dinilai('predikat') }}
