{#
  Per evaluated unit and period: how many of its staff the regulation gives each predikat (the
  matrix's, from the ratings; PermenPANRB 6/2022 only), what the distribution curve is judged on,
  and how many active staff on the roster of the unit have no loaded evaluation (quarantined or
  not delivered): the curve of an incomplete unit may still be certain, or not (mart_kurva_distribusi).
  With var kurva_kepala_unit_dihitung false, the head of the unit (who sits in the unit itself)
  is left out of both. Reads the evaluations fct_evaluasi_kinerja is built from
  (int_evaluasi__dinilai_ulang, one row each), not the mart.
#}
{{ config(meta={'kolom_periode': 'periode'}) }}

{#- `not materialized`: a query of a month (mart_kurva_distribusi, the tests) reaches into both
    CTEs, each read twice below, instead of materialising every month of the history first #}
with evaluasi as not materialized (
    select * from {{ ref('int_evaluasi__dinilai_ulang') }}
    where regime = 'PERMEN6_2022'
      and unit_dinilai_kode is not null
      and predikat_dihitung is not null
      {% if not var('kurva_kepala_unit_dihitung') %}and unit_kode <> unit_dinilai_kode{% endif %}
),

roster as not materialized (
    select * from {{ ref('int_pegawai__unit_dinilai') }}
    where aktif and unit_dinilai_kode is not null
      {% if not var('kurva_kepala_unit_dihitung') %}and unit_kode <> unit_dinilai_kode{% endif %}
),

hitungan as (
    select
        instansi_kode,
        periode,
        unit_dinilai_kode                                                  as unit_kode,
        min(predikat_organisasi)                                           as predikat_organisasi,
        count(*)                                                           as jumlah_dinilai,
        count(*) filter (where predikat_dihitung = 'SANGAT_BAIK')          as jumlah_sangat_baik,
        count(*) filter (where predikat_dihitung = 'BAIK')                 as jumlah_baik,
        count(*) filter (where predikat_dihitung = 'BUTUH_PERBAIKAN')      as jumlah_butuh_perbaikan,
        count(*) filter (where predikat_dihitung = 'KURANG')               as jumlah_kurang,
        count(*) filter (where predikat_dihitung = 'SANGAT_KURANG')        as jumlah_sangat_kurang
    from evaluasi
    group by 1, 2, 3
),

tanpa_evaluasi as (
    select roster.instansi_kode, roster.periode, roster.unit_dinilai_kode as unit_kode, count(*) as jumlah
    from roster
    where not exists (
        select 1 from evaluasi
        where evaluasi.instansi_kode = roster.instansi_kode and evaluasi.periode = roster.periode
          and evaluasi.nip = roster.nip)
    group by 1, 2, 3
),

final as (
    select
        hitungan.*,
        coalesce(tanpa_evaluasi.jumlah, 0)                                 as jumlah_tanpa_evaluasi
    from hitungan
    left join tanpa_evaluasi using (instansi_kode, periode, unit_kode)
)

select * from final
