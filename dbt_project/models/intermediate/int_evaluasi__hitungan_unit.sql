{#
  Per evaluated unit and period: how many of its people the regulation gives each predikat (the
  matrix's, from the ratings; PermenPANRB 6/2022 only), what the distribution curve is judged on,
  and how many active people on the roster of the unit have no loaded evaluation (quarantined or
  not delivered): the curve of an incomplete unit may still be certain, or not (mart_kurva_distribusi).
  Counts are of people, not evaluations (int_pegawai__periode: one row per employee and period, the
  predikat of the evaluation that speaks for him, macro urutan_penentu — an acting post's SKP beside
  a definitive one adds nobody; after a mutasi he counts in the unit where the period ended).
  With var kurva_kepala_unit_dihitung false, the head of the unit (who sits in the unit itself)
  is left out of both.
#}
{{ config(meta={'kolom_periode': 'periode'}) }}

with pegawai as (
    select
        *,
        regime = 'PERMEN6_2022' and predikat is not null                   as is_dinilai_permen6
    from {{ ref('int_pegawai__periode') }}
    where unit_dinilai_kode is not null
      {% if not var('kurva_kepala_unit_dihitung') %}and unit_pegawai_kode <> unit_dinilai_kode{% endif %}
),

final as (
    select
        instansi_kode,
        periode,
        unit_dinilai_kode                                                  as unit_kode,
        min(predikat_organisasi)                                           as predikat_organisasi,
        count(*) filter (where is_dinilai_permen6)                         as jumlah_dinilai,
        count(*) filter (where is_dinilai_permen6 and predikat = 'SANGAT_BAIK')     as jumlah_sangat_baik,
        count(*) filter (where is_dinilai_permen6 and predikat = 'BAIK')            as jumlah_baik,
        count(*) filter (where is_dinilai_permen6 and predikat = 'BUTUH_PERBAIKAN') as jumlah_butuh_perbaikan,
        count(*) filter (where is_dinilai_permen6 and predikat = 'KURANG')          as jumlah_kurang,
        count(*) filter (where is_dinilai_permen6 and predikat = 'SANGAT_KURANG')   as jumlah_sangat_kurang,
        count(*) filter (where not is_dinilai_permen6)                     as jumlah_tanpa_evaluasi
    from pegawai
    group by 1, 2, 3
    -- a unit is judged once one of its people has a PermenPANRB 6/2022 evaluation
    having count(*) filter (where is_dinilai_permen6) > 0
)

select * from final
