{#
  SKP quality as published (issue 20, Kepahiang: staff who do not understand their indicators): per
  instansi and month, its staff with RHK lines, their lines, and the share that can be measured
  (mart_mutu_skp; the rules and thresholds in seed aturan_mutu_skp), with how many of its units copy
  one indicator to most of their staff or report every realisation equal to its target. No line, no
  indicator's text, no person. The share is an administrative process fact: withheld (and the count
  it rests on) where fewer than var('publik_min_kelompok') people have lines, as the compliance
  tables do; headcounts and counts of lines and units are always shown.
#}
with mutu as (
    select * from {{ ref('mart_mutu_skp') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

per_instansi as (
    select
        instansi_kode,
        periode,
        sum(jumlah_pegawai)                                                as jumlah_pegawai,
        sum(jumlah_rhk)                                                    as jumlah_rhk,
        sum(jumlah_terukur)                                                as jumlah_terukur,
        count(*) filter (where unit_kode <> '?')                           as jumlah_unit,
        count(*) filter (where is_indikator_disalin)                       as jumlah_unit_indikator_disalin,
        count(*) filter (where is_target_sama_realisasi)                   as jumlah_unit_target_sama_realisasi
    from mutu
    group by 1, 2
),

final as (
    select
        per_instansi.instansi_kode::text                                   as instansi_kode,
        coalesce(instansi.instansi_nama, per_instansi.instansi_kode)::text as instansi_nama,
        per_instansi.periode::text                                         as periode,
        per_instansi.periode::text                                         as bulan_laporan,
        per_instansi.jumlah_pegawai::integer                               as jumlah_pegawai,
        per_instansi.jumlah_rhk::integer                                   as jumlah_rhk,
        (case when tampil then per_instansi.jumlah_terukur end)::integer  as jumlah_rhk_terukur,
        (case when tampil then round(100.0 * per_instansi.jumlah_terukur / nullif(per_instansi.jumlah_rhk, 0), 1)
         end)::numeric(4, 1)                                               as persen_rhk_terukur,
        per_instansi.jumlah_unit::integer                                  as jumlah_unit,
        per_instansi.jumlah_unit_indikator_disalin::integer                as jumlah_unit_indikator_disalin,
        per_instansi.jumlah_unit_target_sama_realisasi::integer            as jumlah_unit_target_sama_realisasi,
        (not tampil)::boolean                                              as is_disembunyikan
    from per_instansi
    cross join lateral (
        select per_instansi.jumlah_pegawai >= {{ var('publik_min_kelompok') }} as tampil
    ) as keputusan
    left join instansi on instansi.instansi_kode = per_instansi.instansi_kode
)

select * from final
