{#
  Each employee's annual predikat against the year's periodic ones (domain.md §1.6): the annual
  evaluation that speaks for him (fct_evaluasi_tahunan.is_penentu) beside how many of his periodic
  evaluations of the year (those that speak for him in each month or quarter, fct_evaluasi_kinerja
  .is_penentu) had each predikat, their best, worst and most frequent (ties to the better), and how
  many steps the annual predikat lies above the most frequent one (seed predikat_pegawai's order;
  under PP 30/2019 Cukup is Butuh Perbaikan's step). A step difference of var tahunan_selisih_temuan
  (2) or more is a finding for auditors (is_temuan): an annual Sangat Baik after a year of Butuh
  Perbaikan. Employees without periodic evaluations in the year are listed, not judged.
  Grain: instansi × tahun × nip.
#}
{{ config(materialized='table', meta={'kolom_periode': 'tahun'}, tags=['tahunan']) }}

with tahunan as (
    select * from {{ ref('fct_evaluasi_tahunan') }}
    where is_penentu
),

urutan as (
    select predikat, urutan from {{ ref('predikat_pegawai') }}
    union all
    select 'CUKUP', urutan from {{ ref('predikat_pegawai') }} where predikat = 'BUTUH_PERBAIKAN'
),

periodik as (
    select evaluasi.instansi_kode, left(evaluasi.periode, 4) as tahun, evaluasi.nip,
           evaluasi.predikat_final, urutan.urutan
    from {{ ref('fct_evaluasi_kinerja') }} as evaluasi
    join urutan on urutan.predikat = evaluasi.predikat_final
    where evaluasi.is_penentu and evaluasi.jenis_periode in ('BULANAN', 'TRIWULANAN')
      and left(evaluasi.periode, 4) in (select distinct tahun from tahunan)
),

ringkas as (
    -- one pass over the year's periodic evaluations: the count of each predikat, the best and worst
    select
        instansi_kode, tahun, nip,
        count(*)                                                           as jumlah_periodik,
        count(*) filter (where urutan = 1)                                 as jumlah_sangat_baik,
        count(*) filter (where urutan = 2)                                 as jumlah_baik,
        count(*) filter (where urutan = 3)                                 as jumlah_butuh_perbaikan,
        count(*) filter (where urutan = 4)                                 as jumlah_kurang,
        count(*) filter (where urutan = 5)                                 as jumlah_sangat_kurang,
        min(urutan)                                                        as urutan_terbaik,
        max(urutan)                                                        as urutan_terburuk
    from periodik
    group by 1, 2, 3
),

terbanyak as (
    -- the most frequent predikat from those counts, ties to the better (the smaller urutan); no
    -- second grouping and sort of the evaluations (the year's national evaluations are ~55 million)
    select
        ringkas.instansi_kode, ringkas.tahun, ringkas.nip,
        (select jumlah.urutan
         from unnest(array[ringkas.jumlah_sangat_baik, ringkas.jumlah_baik, ringkas.jumlah_butuh_perbaikan,
                           ringkas.jumlah_kurang, ringkas.jumlah_sangat_kurang]) with ordinality as jumlah(n, urutan)
         order by jumlah.n desc, jumlah.urutan
         limit 1)::integer                                                 as urutan
    from ringkas
),

final as (
    select
        tahunan.instansi_kode::text                                        as instansi_kode,
        tahunan.tahun::text                                                as tahun,
        tahunan.nip::text                                                  as nip,
        tahunan.unit_dinilai_kode::text                                    as unit_dinilai_kode,
        tahunan.regime::text                                               as regime,
        tahunan.predikat_final::text                                       as predikat_tahunan,
        coalesce(ringkas.jumlah_periodik, 0)::integer                      as jumlah_periodik,
        coalesce(ringkas.jumlah_sangat_baik, 0)::integer                   as jumlah_sangat_baik,
        coalesce(ringkas.jumlah_baik, 0)::integer                          as jumlah_baik,
        coalesce(ringkas.jumlah_butuh_perbaikan, 0)::integer               as jumlah_butuh_perbaikan,
        coalesce(ringkas.jumlah_kurang, 0)::integer                        as jumlah_kurang,
        coalesce(ringkas.jumlah_sangat_kurang, 0)::integer                 as jumlah_sangat_kurang,
        terbaik.predikat::text                                             as predikat_periodik_terbaik,
        terburuk.predikat::text                                            as predikat_periodik_terburuk,
        modus.predikat::text                                               as predikat_periodik_terbanyak,
        (modus.urutan - urutan_tahunan.urutan)::integer                    as selisih_tingkat,
        coalesce(modus.urutan - urutan_tahunan.urutan >= {{ var('tahunan_selisih_temuan') }}, false)::boolean as is_temuan
    from tahunan
    left join urutan as urutan_tahunan on urutan_tahunan.predikat = tahunan.predikat_final
    left join ringkas using (instansi_kode, tahun, nip)
    left join terbanyak using (instansi_kode, tahun, nip)
    left join {{ ref('predikat_pegawai') }} as modus on modus.urutan = terbanyak.urutan
    left join {{ ref('predikat_pegawai') }} as terbaik on terbaik.urutan = ringkas.urutan_terbaik
    left join {{ ref('predikat_pegawai') }} as terburuk on terburuk.urutan = ringkas.urutan_terburuk
)

select * from final
