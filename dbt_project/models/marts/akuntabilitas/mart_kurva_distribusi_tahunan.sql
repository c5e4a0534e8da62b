{#
  The annual distribution curve (SE MenPANRB 3/2023, domain.md §1.5) per evaluated unit and year:
  the shares of its people in each annual predikat (the regulation's, from the annual ratings;
  PermenPANRB 6/2022 only), the unit's annual predikat (fct_evaluasi_tahunan), and the rules of
  seed kurva_distribusi it breaks — judged by the periodic curve's own macro (kurva_distribusi_dinilai),
  with the same settings. Counts are of people: the annual evaluation that speaks for each employee
  (is_penentu); an acting post's SKP adds nobody. Everyone counted has an annual evaluation
  (jumlah_tanpa_evaluasi 0: the yearly run has no roster of its own). With var
  kurva_kepala_unit_dihitung false, the head of the unit (his SKP in the unit itself) is left out.
  `periode` is the year. Grain: instansi × periode (year) × unit.
#}
{{ config(materialized='table', meta={'kolom_periode': 'periode'}, tags=['tahunan']) }}

with pegawai as (
    select * from {{ ref('fct_evaluasi_tahunan') }}
    where is_penentu and regime = 'PERMEN6_2022' and predikat_final is not null
      {% if not var('kurva_kepala_unit_dihitung') %}and unit_kode <> unit_dinilai_kode{% endif %}
),

hitungan as (
    select
        instansi_kode,
        tahun                                                              as periode,
        unit_dinilai_kode                                                  as unit_kode,
        min(predikat_organisasi)                                           as predikat_organisasi,
        count(*)                                                           as jumlah_dinilai,
        count(*) filter (where predikat_final = 'SANGAT_BAIK')             as jumlah_sangat_baik,
        count(*) filter (where predikat_final = 'BAIK')                    as jumlah_baik,
        count(*) filter (where predikat_final = 'BUTUH_PERBAIKAN')         as jumlah_butuh_perbaikan,
        count(*) filter (where predikat_final = 'KURANG')                  as jumlah_kurang,
        count(*) filter (where predikat_final = 'SANGAT_KURANG')           as jumlah_sangat_kurang,
        0                                                                  as jumlah_tanpa_evaluasi
    from pegawai
    where predikat_organisasi is not null
    group by 1, 2, 3
),

{{ kurva_distribusi_dinilai() }}
