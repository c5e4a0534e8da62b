{#
  Angka kredit per functional employee and SKP of the year (domain.md §1.8; PerBKN 3/2023 Ps. 12-13):
  AK = (jumlah bulan / 12) × persentase × koefisien (macro angka_kredit), the percentage of the annual
  predikat the regulation gives (fct_evaluasi_tahunan.predikat_final; seed persentase_angka_kredit:
  Sangat Baik 150 %, Baik 100 %, Butuh Perbaikan/Cukup 75 %, Kurang 50 %, Sangat Kurang 25 %), the
  koefisien of the post's jenjang (seed koefisien_angka_kredit, unconfirmed: the jenjang read from the
  post's name, the longest pattern that matches), and the SKP's months in the year (macro
  jumlah_bulan_skp): an SKP that covers part of the year (a new post, a mutasi, a new hire) earns its
  share. Acting posts (PLT/PLH) earn nothing here: the employee's definitive functional post does.
  A post whose jenjang is not recognised is listed with null AK. Grain: instansi × tahun × nip × skp_id.
#}
{{ config(materialized='table', meta={'kolom_periode': 'tahun'}, tags=['tahunan']) }}

with fungsional as (
    select * from {{ ref('fct_evaluasi_tahunan') }}
    where jabatan_kategori = 'FUNGSIONAL' and not is_plt_plh
),

koefisien as (
    select * from {{ ref('koefisien_angka_kredit') }}
),

persen as (
    select predikat, persen from {{ ref('persentase_angka_kredit') }}
    union all
    select 'CUKUP', persen from {{ ref('persentase_angka_kredit') }} where predikat = 'BUTUH_PERBAIKAN'
),

jenjang as (
    select distinct on (fungsional.instansi_kode, fungsional.tahun, fungsional.nip, fungsional.skp_id)
        fungsional.instansi_kode, fungsional.tahun, fungsional.nip, fungsional.skp_id,
        koefisien.jenjang, koefisien.koefisien
    from fungsional
    join koefisien on lower(fungsional.jabatan_nama) like '%' || koefisien.pola || '%'
    order by fungsional.instansi_kode, fungsional.tahun, fungsional.nip, fungsional.skp_id, length(koefisien.pola) desc
),

final as (
    select
        fungsional.instansi_kode::text                                     as instansi_kode,
        fungsional.tahun::text                                             as tahun,
        fungsional.nip::text                                               as nip,
        fungsional.skp_id::text                                            as skp_id,
        fungsional.unit_kode::text                                         as unit_kode,
        fungsional.jabatan_nama::text                                      as jabatan_nama,
        jenjang.jenjang::text                                              as jenjang,
        jenjang.koefisien::numeric                                         as koefisien,
        fungsional.periode_awal::date                                      as periode_awal,
        fungsional.periode_akhir::date                                     as periode_akhir,
        fungsional.jumlah_bulan::integer                                   as jumlah_bulan,
        fungsional.predikat_final::text                                    as predikat,
        persen.persen::numeric                                             as persen,
        {{ angka_kredit('fungsional.jumlah_bulan', 'persen.persen', 'jenjang.koefisien') }}::numeric as angka_kredit
    from fungsional
    left join jenjang using (instansi_kode, tahun, nip, skp_id)
    left join persen on persen.predikat = fungsional.predikat_final
)

select * from final
