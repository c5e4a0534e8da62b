{#
  One row per annual evaluation (evaluasi kinerja tahunan, domain.md §1.6): an employee's SKP of the
  year with the predikat the source reported beside the one the regulation gives — PermenPANRB
  6/2022's matrix (seed matriks_predikat_permen6_2022), or PP 30/2019's weighted score banded on its
  exact value (macros/pp30.sql: the government's weighting in force in the year's last month) —, the
  predikat every reader uses (predikat_final, the periodic evaluations' rule), the months the SKP
  covers in the year (the partial-year angka kredit), and the unit it is judged in: the nearest unit at
  or above the SKP's unit that the level above rated during the year (a predikat_organisasi of any
  period of the year, in the unit tree of the year's last delivered month; the SKP's unit itself
  where none is known), with that unit's annual predikat as its people's evaluation forms carry it
  (the most frequent, ties to the better; is_predikat_organisasi_berbeda marks a form that says
  otherwise). is_penentu marks the evaluation that speaks for the employee in the year (macro
  urutan_penentu: the definitive post before an acting one, then the SKP that ended last, then the
  latest rating), the only one a count of people reads. Rebuilt whole by the yearly run.
#}
{{ config(materialized='table', meta={'kolom_periode': 'tahun'}, tags=['tahunan'],
          indexes=[{'columns': ['tahun', 'instansi_kode']}]) }}

with evaluasi as (
    select * from {{ ref('stg_canonical__evaluasi_tahunan') }}
),

matriks as (
    select * from {{ ref('matriks_predikat_permen6_2022') }}
),

bobot as (
    select * from {{ ref('bobot_pp30_2019') }}
),

bobot_instansi as (
    {{ pp30_bobot_instansi() }}
),

pita as (
    select * from {{ ref('pita_nilai_pp30_2019') }}
),

bulan_pohon as (
    -- the unit tree of each government's last delivered month of the year
    select instansi_kode, left(bulan, 4) as tahun, max(bulan) as bulan
    from {{ ref('int_unit_kerja__leluhur') }}
    group by 1, 2
),

dinilai_tahun as (
    -- the units the level above rated in some period of the year
    select distinct instansi_kode, left(periode, 4) as tahun, unit_kode
    from {{ ref('stg_canonical__predikat_organisasi') }}
),

unit_dinilai as (
    select distinct on (leluhur.instansi_kode, bulan_pohon.tahun, leluhur.unit_kode)
        leluhur.instansi_kode, bulan_pohon.tahun, leluhur.unit_kode, leluhur.leluhur_kode as unit_dinilai_kode
    from {{ ref('int_unit_kerja__leluhur') }} as leluhur
    join bulan_pohon on bulan_pohon.instansi_kode = leluhur.instansi_kode and bulan_pohon.bulan = leluhur.bulan
    join dinilai_tahun
        on dinilai_tahun.instansi_kode = leluhur.instansi_kode and dinilai_tahun.tahun = bulan_pohon.tahun
        and dinilai_tahun.unit_kode = leluhur.leluhur_kode
    order by leluhur.instansi_kode, bulan_pohon.tahun, leluhur.unit_kode, leluhur.jarak
),

ditempatkan as (
    select
        evaluasi.*,
        coalesce(unit_dinilai.unit_dinilai_kode, evaluasi.unit_kode) as unit_dinilai_kode
    from evaluasi
    left join unit_dinilai
        on unit_dinilai.instansi_kode = evaluasi.instansi_kode and unit_dinilai.tahun = evaluasi.tahun
        and unit_dinilai.unit_kode = evaluasi.unit_kode
),

predikat_unit as (
    -- the unit's annual predikat as its people's forms carry it: the most frequent, ties to the better
    select distinct on (instansi_kode, tahun, unit_dinilai_kode)
        ditempatkan.instansi_kode, ditempatkan.tahun, ditempatkan.unit_dinilai_kode,
        ditempatkan.predikat_organisasi_sumber as predikat_organisasi
    from ditempatkan
    join {{ ref('predikat_organisasi') }} as urutan
        on urutan.predikat_organisasi = ditempatkan.predikat_organisasi_sumber
    group by 1, 2, 3, 4, urutan.urutan
    order by instansi_kode, tahun, unit_dinilai_kode, count(*) desc, urutan.urutan
),

dinilai_ulang as (
    select
        ditempatkan.*,
        case when ditempatkan.regime = 'PP30_2019' then bobot.cara_penilaian end as cara_penilaian_pp30,
        -- exact: banded on its exact value, never rounded first
        case when ditempatkan.regime = 'PP30_2019' then
            bobot.bobot_skp::numeric * ditempatkan.nilai_skp + bobot.bobot_perilaku::numeric * ditempatkan.nilai_perilaku
        end                                                                as nilai_akhir,
        matriks.predikat                                                   as predikat_matriks
    from ditempatkan
    left join lateral (
        select {{ pp30_cara('bobot_instansi', 'ditempatkan.instansi_kode', "ditempatkan.tahun || '-12'") }} as cara_penilaian
    ) as cara on ditempatkan.regime = 'PP30_2019'
    left join bobot on bobot.cara_penilaian = cara.cara_penilaian
    left join matriks
        on ditempatkan.regime = 'PERMEN6_2022'
        and matriks.rating_hasil_kerja = ditempatkan.rating_hasil_kerja
        and matriks.rating_perilaku_kerja = ditempatkan.rating_perilaku_kerja
),

menurut_aturan as (
    select
        dinilai_ulang.*,
        case
            when regime = 'PERMEN6_2022' then predikat_matriks
            when regime = 'PP30_2019' then {{ pp30_predikat('pita', 'dinilai_ulang.nilai_akhir') }}
        end                                                                as predikat_dihitung,
        case when regime = 'PP30_2019' then {{ pp30_predikat_diizinkan('pita', 'dinilai_ulang.nilai_akhir') }}
        end                                                                as predikat_diizinkan_pp30
    from dinilai_ulang
),

final as (
    select
        menurut_aturan.instansi_kode::text                                 as instansi_kode,
        menurut_aturan.tahun::text                                         as tahun,
        menurut_aturan.nip::text                                           as nip,
        menurut_aturan.skp_id::text                                        as skp_id,
        menurut_aturan.unit_kode::text                                     as unit_kode,
        menurut_aturan.unit_dinilai_kode::text                             as unit_dinilai_kode,
        predikat_unit.predikat_organisasi::text                            as predikat_organisasi,
        (menurut_aturan.predikat_organisasi_sumber is distinct from predikat_unit.predikat_organisasi
         and menurut_aturan.predikat_organisasi_sumber is not null)::boolean as is_predikat_organisasi_berbeda,
        menurut_aturan.jabatan_nama::text                                  as jabatan_nama,
        menurut_aturan.jabatan_kategori::text                              as jabatan_kategori,
        menurut_aturan.periode_awal::date                                  as periode_awal,
        menurut_aturan.periode_akhir::date                                 as periode_akhir,
        {{ jumlah_bulan_skp('menurut_aturan.periode_awal', 'menurut_aturan.periode_akhir') }} as jumlah_bulan,
        menurut_aturan.regime::text                                        as regime,
        menurut_aturan.rating_hasil_kerja::text                            as rating_hasil_kerja,
        menurut_aturan.rating_perilaku_kerja::text                         as rating_perilaku_kerja,
        menurut_aturan.nilai_skp::numeric                                  as nilai_skp,
        menurut_aturan.nilai_perilaku::numeric                             as nilai_perilaku,
        menurut_aturan.nilai_akhir::numeric                                as nilai_akhir,
        menurut_aturan.cara_penilaian_pp30::text                           as cara_penilaian_pp30,
        menurut_aturan.predikat_sumber::text                               as predikat_sumber,
        menurut_aturan.predikat_dihitung::text                             as predikat_dihitung,
        ({{ pp30_predikat_final('menurut_aturan.regime', 'menurut_aturan.predikat_sumber',
                                'menurut_aturan.predikat_diizinkan_pp30', 'menurut_aturan.predikat_dihitung') }})::text
                                                                           as predikat_final,
        (menurut_aturan.predikat_sumber is not distinct from
         {{ pp30_predikat_final('menurut_aturan.regime', 'menurut_aturan.predikat_sumber',
                                'menurut_aturan.predikat_diizinkan_pp30', 'menurut_aturan.predikat_dihitung') }})::boolean
                                                                           as is_predikat_sesuai,
        menurut_aturan.penilai_nip::text                                   as penilai_nip,
        menurut_aturan.waktu_dinilai::timestamptz                          as waktu_dinilai,
        menurut_aturan.is_plt_plh::boolean                                 as is_plt_plh,
        (row_number() over (
            partition by menurut_aturan.instansi_kode, menurut_aturan.tahun, menurut_aturan.nip
            order by {{ urutan_penentu('menurut_aturan.is_plt_plh',
                                       'menurut_aturan.periode_akhir desc nulls last, menurut_aturan.waktu_dinilai',
                                       'menurut_aturan.skp_id') }}) = 1)::boolean as is_penentu,
        menurut_aturan.batch_id::text                                      as batch_id
    from menurut_aturan
    left join predikat_unit
        on predikat_unit.instansi_kode = menurut_aturan.instansi_kode and predikat_unit.tahun = menurut_aturan.tahun
        and predikat_unit.unit_dinilai_kode = menurut_aturan.unit_dinilai_kode
)

select * from final
