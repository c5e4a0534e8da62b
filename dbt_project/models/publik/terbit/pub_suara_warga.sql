{#
  Citizens' voice beside the ratings as published (issue 20: Wanggar and Kepahiang), per service unit
  and quarter, and the instansi's total (unit_layanan_kode '*'), from mart_suara_warga:
    ikm, mutu             as pub_ikm_unit_layanan publishes the quarter (withheld there, withheld here)
    pengaduan_per_1000    complaints per 1,000 service requests of the quarter, shown only where every
                          month's complaints of the unit are shown in pub_pengaduan_unit and none of its
                          months' services is withheld in pub_waktu_layanan (the rate then tells nothing
                          those tables do not)
    persen_dalam_standar  completed within standard, shown only where every month's share of every
                          service of the unit is shown in pub_waktu_layanan
    predikat_organisasi   the unit's (or its evaluated unit's) own predikat, where
                          var('publik_terbitkan_predikat_organisasi') allows it (docs/open-data.md)
    is_*_tidak_selaras    a rule of seed aturan_suara_warga holds, judged only on what is shown
  The instansi's row counts its service units and those that disagree, with its overall rates where
  every unit's are shown. The unit's staff by predikat is published, suppressed, in
  distribusi_predikat_unit (unit_dinilai_kode). No respondent, complaint, request or person.
#}
{%- set predikat = var('publik_terbitkan_predikat_organisasi') %}

with suara as (
    select * from {{ ref('mart_suara_warga') }}
),

ikm as (
    select * from {{ ref('pub_ikm_unit_layanan') }}
    where jenis_periode = 'TRIWULANAN'
),

pengaduan as (
    select instansi_kode, unit_layanan_kode, {{ triwulan_dari("to_date(periode, 'YYYY-MM')") }} as triwulan,
           bool_and(jumlah_pengaduan is not null)                           as is_semua_tampil
    from {{ ref('pub_pengaduan_unit') }}
    where unit_layanan_kode <> '*'
    group by 1, 2, 3
),

waktu as (
    select instansi_kode, unit_layanan_kode, {{ triwulan_dari("to_date(bulan, 'YYYY-MM')") }} as triwulan,
           bool_and(not is_disembunyikan)                                   as is_semua_tampil,
           bool_and(persen_dalam_standar is not null or standar_jam is null) as is_persen_tampil
    from {{ ref('pub_waktu_layanan') }}
    group by 1, 2, 3
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

per_unit as (
    select
        suara.*,
        ikm.ikm                                                            as ikm_tampil,
        ikm.mutu                                                           as mutu_tampil,
        coalesce(pengaduan.is_semua_tampil and waktu.is_semua_tampil, false) as is_rasio_tampil,
        coalesce(waktu.is_semua_tampil and waktu.is_persen_tampil, false)  as is_persen_tampil
    from suara
    left join ikm
        on ikm.instansi_kode = suara.instansi_kode
        and ikm.unit_layanan_kode = suara.unit_layanan_kode
        and ikm.periode = suara.triwulan
    left join pengaduan
        on pengaduan.instansi_kode = suara.instansi_kode
        and pengaduan.unit_layanan_kode = suara.unit_layanan_kode
        and pengaduan.triwulan = suara.triwulan
    left join waktu
        on waktu.instansi_kode = suara.instansi_kode
        and waktu.unit_layanan_kode = suara.unit_layanan_kode
        and waktu.triwulan = suara.triwulan
),

baris_unit as (
    select
        instansi_kode,
        unit_layanan_kode,
        triwulan,
        ikm_tampil                                                         as ikm,
        mutu_tampil                                                        as mutu,
        case when is_rasio_tampil then pengaduan_per_1000 end              as pengaduan_per_1000,
        case when is_persen_tampil then persen_dalam_standar end           as persen_dalam_standar,
        {% if predikat %}predikat_organisasi{% else %}null::text{% endif %} as predikat_organisasi,
        unit_dinilai_kode,
        null::bigint                                                       as jumlah_unit_layanan,
        {% if predikat %}
        case when mutu_tampil is not null and predikat_organisasi is not null then is_mutu_tidak_selaras end
        {% else %}null::boolean{% endif %}                                 as is_mutu_tidak_selaras,
        {% if predikat %}
        case when is_rasio_tampil and pengaduan_per_1000 is not null and predikat_organisasi is not null
             then is_pengaduan_tidak_selaras end
        {% else %}null::boolean{% endif %}                                 as is_pengaduan_tidak_selaras,
        (ikm is not null and ikm_tampil is null) or (pengaduan_per_1000 is not null and not is_rasio_tampil)
            or (persen_dalam_standar is not null and not is_persen_tampil)  as is_disembunyikan
    from per_unit
),

baris_instansi as (
    select
        instansi_kode,
        '*'                                                                as unit_layanan_kode,
        triwulan,
        null::numeric                                                      as ikm,
        null::text                                                         as mutu,
        case when bool_and(is_rasio_tampil) and sum(jumlah_transaksi) > 0
             then 1000.0 * sum(jumlah_pengaduan) / sum(jumlah_transaksi) end as pengaduan_per_1000,
        case when bool_and(is_persen_tampil)
             then 100.0 * sum(jumlah_dalam_standar) / nullif(sum(jumlah_selesai_berstandar), 0) end
                                                                           as persen_dalam_standar,
        null::text                                                         as predikat_organisasi,
        null::text                                                         as unit_dinilai_kode,
        count(*)                                                           as jumlah_unit_layanan,
        null::boolean                                                      as is_mutu_tidak_selaras,
        null::boolean                                                      as is_pengaduan_tidak_selaras,
        (bool_or(pengaduan_per_1000 is not null) and not bool_and(is_rasio_tampil))
            or (bool_or(persen_dalam_standar is not null) and not bool_and(is_persen_tampil)) as is_disembunyikan
    from per_unit
    group by 1, 2, 3
),

semua as (
    select * from baris_unit
    union all
    select * from baris_instansi
),

tidak_selaras as (
    select instansi_kode, triwulan, count(*) filter (where is_mutu_tidak_selaras or is_pengaduan_tidak_selaras) as n
    from baris_unit
    group by 1, 2
),

final as (
    select
        semua.instansi_kode::text                                          as instansi_kode,
        coalesce(instansi.instansi_nama, semua.instansi_kode)::text        as instansi_nama,
        semua.unit_layanan_kode::text                                      as unit_layanan_kode,
        (case when semua.unit_layanan_kode = '*' then 'Seluruh unit layanan'
              else coalesce(unit.unit_nama, semua.unit_layanan_kode) end)::text as unit_layanan_nama,
        semua.triwulan::text                                               as triwulan,
        to_char({{ periode_akhir('semua.triwulan') }}, 'YYYY-MM')::text    as bulan_laporan,
        semua.ikm::numeric(5, 2)                                           as ikm,
        semua.mutu::text                                                   as mutu,
        round(semua.pengaduan_per_1000, 2)::numeric(10, 2)                 as pengaduan_per_1000,
        round(semua.persen_dalam_standar, 1)::numeric(4, 1)                as persen_dalam_standar,
        semua.predikat_organisasi::text                                    as predikat_organisasi,
        semua.unit_dinilai_kode::text                                      as unit_dinilai_kode,
        semua.jumlah_unit_layanan::integer                                 as jumlah_unit_layanan,
        -- without the predikat published, no disagreement is judged: null, never a 0 or a false that would
        -- read as "none disagrees"
        {% if predikat %}(case when semua.unit_layanan_kode = '*' then tidak_selaras.n end){% else %}null{% endif %}::integer
                                                                           as jumlah_unit_tidak_selaras,
        semua.is_mutu_tidak_selaras::boolean                               as is_mutu_tidak_selaras,
        semua.is_pengaduan_tidak_selaras::boolean                          as is_pengaduan_tidak_selaras,
        {% if predikat %}(case when semua.unit_layanan_kode = '*' then null
              else coalesce(semua.is_mutu_tidak_selaras, false) or coalesce(semua.is_pengaduan_tidak_selaras, false)
         end){% else %}null{% endif %}::boolean                            as is_tidak_selaras,
        semua.is_disembunyikan::boolean                                    as is_disembunyikan
    from semua
    left join tidak_selaras
        on tidak_selaras.instansi_kode = semua.instansi_kode and tidak_selaras.triwulan = semua.triwulan
    left join unit on unit.instansi_kode = semua.instansi_kode and unit.unit_kode = semua.unit_layanan_kode
    left join instansi on instansi.instansi_kode = semua.instansi_kode
)

select * from final
