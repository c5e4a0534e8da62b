{#
  Organisation indicators (IKU of the units' Perjanjian Kinerja) and their achievement per quarter,
  as published: what a government's LKjIP reports anyway — a unit's indicators, targets and
  realisation — with no person in it, so nothing is withheld. The unit's predikat and its staff's
  distribution stay in the marts (mart_konsistensi_iku) for auditors.
#}
with capaian as (
    select * from {{ ref('fct_capaian_iku') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

final as (
    select
        capaian.instansi_kode::text                                        as instansi_kode,
        coalesce(instansi.instansi_nama, capaian.instansi_kode)::text      as instansi_nama,
        capaian.unit_kode::text                                            as unit_kode,
        coalesce(unit.unit_nama, capaian.unit_kode)::text                  as unit_nama,
        capaian.periode::text                                              as periode,
        to_char({{ periode_akhir('capaian.periode') }}, 'YYYY-MM')::text   as bulan_laporan,
        capaian.tahun::integer                                             as tahun,
        capaian.iku_kode::text                                             as iku_kode,
        capaian.indikator::text                                            as indikator,
        capaian.satuan::text                                               as satuan,
        capaian.arah::text                                                 as arah,
        capaian.target::numeric(14, 2)                                     as target,
        capaian.realisasi::numeric(14, 2)                                  as realisasi,
        capaian.capaian_persen::numeric(9, 2)                              as capaian_persen,
        capaian.status_capaian::text                                       as status_capaian
    from capaian
    left join instansi on instansi.instansi_kode = capaian.instansi_kode
    left join unit on unit.instansi_kode = capaian.instansi_kode and unit.unit_kode = capaian.unit_kode
)

select * from final
