{#
  The BerAKHLAK values' distribution per unit and period (Pauh: attitude and ethics beside the
  numbers): per government, evaluation period, the unit of the employee on the period's roster
  (fct_evaluasi_kinerja.unit_kode, else his unit on the roster of the period's last month) and
  value (seed berakhlak), the employees with the value in their SKP, how many had an expectation
  written, and how many were rated Di Atas, Sesuai and Di Bawah Ekspektasi on it, with shares of
  those rated. Counts of people. Incremental by evaluation period (the periods the run consolidates).
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with nilai as (
    -- the values of the evaluation that speaks for each employee (macro dari_skp_penentu): one person once
    select * from {{ ref('stg_canonical__perilaku_kerja') }} as nilai
    where {{ dari_skp_penentu('nilai', ref('fct_evaluasi_kinerja')) }}
      {% if is_incremental() %}and {{ pada_bulan_dijalankan('nilai.periode_pengiriman') }} and {{ pada_periode_dijalankan('nilai.periode') }}{% endif %}
),

unit as (
    select distinct on (instansi_kode, periode, nip) instansi_kode, periode, nip, unit_kode
    from {{ ref('fct_evaluasi_kinerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
    order by instansi_kode, periode, nip, is_penentu desc
),

berakhlak as (
    select * from {{ ref('berakhlak') }}
),

final as (
    select
        nilai.instansi_kode::text                                          as instansi_kode,
        nilai.periode::text                                                as periode,
        unit.unit_kode::text                                               as unit_kode,
        nilai.perilaku_kode::text                                          as perilaku_kode,
        max(berakhlak.nama)::text                                          as perilaku_nama,
        max(berakhlak.urutan)::integer                                     as urutan,
        count(distinct nilai.nip)::integer                                 as jumlah_pegawai,
        count(distinct nilai.nip) filter (where nilai.ekspektasi is not null)::integer as jumlah_ekspektasi,
        count(distinct nilai.nip) filter (where nilai.rating = 'DIATAS')::integer  as jumlah_diatas,
        count(distinct nilai.nip) filter (where nilai.rating = 'SESUAI')::integer  as jumlah_sesuai,
        count(distinct nilai.nip) filter (where nilai.rating = 'DIBAWAH')::integer as jumlah_dibawah,
        round(100.0 * count(distinct nilai.nip) filter (where nilai.rating = 'DIATAS')
              / nullif(count(distinct nilai.nip) filter (where nilai.rating is not null), 0), 1)::numeric(4, 1)
                                                                           as persen_diatas,
        round(100.0 * count(distinct nilai.nip) filter (where nilai.rating = 'DIBAWAH')
              / nullif(count(distinct nilai.nip) filter (where nilai.rating is not null), 0), 1)::numeric(4, 1)
                                                                           as persen_dibawah
    from nilai
    left join unit on unit.instansi_kode = nilai.instansi_kode and unit.periode = nilai.periode and unit.nip = nilai.nip
    left join berakhlak on berakhlak.perilaku_kode = nilai.perilaku_kode
    group by 1, 2, 3, 4
)

select * from final
