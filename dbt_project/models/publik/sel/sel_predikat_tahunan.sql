{#
  The annual predikat distribution as the public sees it, before it is split into the instansi and
  the unit table: the cells and suppression of the monthly distribution (macro sel_predikat_dinilai,
  sel_predikat's rules: small cells, whole rows, small groups, complementary suppression), over one
  row per person and year — the annual evaluation that speaks for him (fct_evaluasi_tahunan
  .is_penentu), in the published unit of his evaluated unit (sel_unit_terbit_tahunan). No compliance
  table publishes the year's headcounts, so a row's total is never taken as known (total_diketahui
  false): a small total is withheld as any small cell. `periode` is the year. Grain: instansi × periode × regime × baris × kolom.
#}
{{ config(materialized='table', meta={'kolom_periode': 'periode'}, tags=['tahunan']) }}

with orang as (
    select pegawai.instansi_kode, pegawai.tahun as periode, terbit.unit_terbit_kode as baris, pegawai.regime,
           pegawai.predikat_final as predikat
    from {{ ref('fct_evaluasi_tahunan') }} as pegawai
    join {{ ref('sel_unit_terbit_tahunan') }} as terbit
        on terbit.instansi_kode = pegawai.instansi_kode
        and terbit.periode = pegawai.tahun
        and terbit.unit_kode = pegawai.unit_dinilai_kode
    where pegawai.is_penentu
),

{{ sel_predikat_dinilai('predikat_tahunan', total_diketahui=false) }}
