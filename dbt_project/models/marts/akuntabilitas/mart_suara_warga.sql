{#
  Citizens' voice beside the ratings (issue 20: Wanggar and Kepahiang), per service unit and quarter
  (the quarter so far in its first two months):
    ikm, mutu                 the quarter's IKM konversi and mutu (fct_ikm_unit_layanan, TRIWULANAN)
    pengaduan_per_1000        complaints (mart_pengaduan_unit) per 1,000 service requests
                              (mart_waktu_layanan) of the quarter's months
    persen_dalam_standar      requests completed within the service standard / completed requests of
                              the services that have a standard
    predikat_organisasi       the unit's own predikat, or that of the nearest evaluated unit above it
                              (its OPD), for the quarter's last evaluation period (the quarter, or its
                              latest month for a monthly government)
    persen_pegawai_*          that evaluated unit's staff by predikat, counted by people
                              (mart_kurva_distribusi over int_pegawai__periode, macro urutan_penentu)
  A unit disagrees with its own rating (is_tidak_selaras) where a rule of seed aturan_suara_warga holds:
  its predikat is the rule's and its mutu is the rule's (Istimewa or Baik with mutu D), or its
  complaints per 1,000 requests rank in the rule's top share of the quarter's service units
  (percent_rank over every government's units with at least minimum_transaksi requests).
  Incremental by quarter. Grain: instansi × unit layanan × quarter.
#}
{{ config(materialized='incremental', unique_key='triwulan', meta={'kolom_periode': 'triwulan'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['triwulan']}]) }}

with ikm as (
    select instansi_kode, unit_layanan_kode, periode as triwulan, ikm_konversi, mutu, jumlah_responden
    from {{ ref('fct_ikm_unit_layanan') }}
    where jenis_periode = 'TRIWULANAN'
    {% if is_incremental() %}and {{ periode_skm_dijalankan('periode') }}{% endif %}
),

pengaduan as (
    select instansi_kode, unit_layanan_kode, {{ triwulan_dari("to_date(periode, 'YYYY-MM')") }} as triwulan,
           sum(jumlah_pengaduan)                                           as jumlah_pengaduan
    from {{ ref('mart_pengaduan_unit') }}
    {% if is_incremental() %}where {{ pada_triwulan_dijalankan('periode') }}{% endif %}
    group by 1, 2, 3
),

layanan as (
    select instansi_kode, unit_layanan_kode, {{ triwulan_dari("to_date(bulan, 'YYYY-MM')") }} as triwulan,
           sum(jumlah_transaksi)                                           as jumlah_transaksi,
           sum(jumlah_selesai) filter (where standar_jam is not null)      as jumlah_selesai_berstandar,
           sum(jumlah_dalam_standar)                                       as jumlah_dalam_standar
    from {{ ref('mart_waktu_layanan') }}
    {% if is_incremental() %}where {{ pada_triwulan_dijalankan('bulan') }}{% endif %}
    group by 1, 2, 3
),

daftar as (
    select instansi_kode, unit_layanan_kode, triwulan from ikm
    union
    select instansi_kode, unit_layanan_kode, triwulan from pengaduan
    union
    select instansi_kode, unit_layanan_kode, triwulan from layanan
),

leluhur as (
    -- each unit's ancestors in the latest month of the quarter its unit list has
    select instansi_kode, unit_kode, triwulan, leluhur_kode, jarak
    from (
        select l.instansi_kode, l.unit_kode, {{ triwulan_dari("to_date(l.bulan, 'YYYY-MM')") }} as triwulan,
               l.leluhur_kode, l.jarak, l.bulan,
               max(l.bulan) over (partition by l.instansi_kode, l.unit_kode,
                                  {{ triwulan_dari("to_date(l.bulan, 'YYYY-MM')") }}) as bulan_terakhir
        from {{ ref('int_unit_kerja__leluhur') }} as l
    ) as semua
    where bulan = bulan_terakhir
),

kurva as (
    -- the evaluated units' predikat and staff, each period labelled with its quarter
    select kurva.*, {{ triwulan_dari(periode_akhir('kurva.periode')) }} as triwulan,
           {{ periode_akhir('kurva.periode') }}                            as akhir
    from {{ ref('mart_kurva_distribusi') }} as kurva
    where kurva.periode ~ '^[0-9]{4}-(Q[1-4]|[0-9]{2})$'
),

dinilai as (
    -- the nearest evaluated unit at or above the service unit, in the quarter's last evaluation period
    select distinct on (daftar.instansi_kode, daftar.unit_layanan_kode, daftar.triwulan)
        daftar.instansi_kode, daftar.unit_layanan_kode, daftar.triwulan,
        kurva.unit_kode                                                    as unit_dinilai_kode,
        kurva.periode                                                      as periode_predikat,
        kurva.predikat_organisasi,
        kurva.jumlah_dinilai,
        kurva.persen_sangat_baik,
        kurva.persen_baik,
        kurva.persen_butuh_perbaikan,
        kurva.persen_kurang,
        kurva.persen_sangat_kurang
    from daftar
    join leluhur
        on leluhur.instansi_kode = daftar.instansi_kode
        and leluhur.unit_kode = daftar.unit_layanan_kode
        and leluhur.triwulan = daftar.triwulan
    join kurva
        on kurva.instansi_kode = daftar.instansi_kode
        and kurva.unit_kode = leluhur.leluhur_kode
        and kurva.triwulan = daftar.triwulan
    order by daftar.instansi_kode, daftar.unit_layanan_kode, daftar.triwulan,
             leluhur.jarak, kurva.akhir desc, (kurva.periode ~ 'Q') desc
),

aturan as (
    select * from {{ ref('aturan_suara_warga') }}
),

gabung as (
    select
        daftar.*,
        ikm.ikm_konversi,
        ikm.mutu,
        ikm.jumlah_responden,
        coalesce(layanan.jumlah_transaksi, 0)                              as jumlah_transaksi,
        coalesce(pengaduan.jumlah_pengaduan, 0)                            as jumlah_pengaduan,
        pengaduan.jumlah_pengaduan is not null                             as is_pengaduan_dikirim,
        layanan.jumlah_selesai_berstandar,
        layanan.jumlah_dalam_standar,
        dinilai.unit_dinilai_kode, dinilai.periode_predikat, dinilai.predikat_organisasi, dinilai.jumlah_dinilai,
        dinilai.persen_sangat_baik, dinilai.persen_baik, dinilai.persen_butuh_perbaikan, dinilai.persen_kurang,
        dinilai.persen_sangat_kurang
    from daftar
    left join ikm using (instansi_kode, unit_layanan_kode, triwulan)
    left join pengaduan using (instansi_kode, unit_layanan_kode, triwulan)
    left join layanan using (instansi_kode, unit_layanan_kode, triwulan)
    left join dinilai using (instansi_kode, unit_layanan_kode, triwulan)
),

rasio as (
    select
        gabung.*,
        case when gabung.is_pengaduan_dikirim and gabung.jumlah_transaksi > 0
             then 1000.0 * gabung.jumlah_pengaduan / gabung.jumlah_transaksi end as pengaduan_per_1000
    from gabung
),

peringkat as (
    select
        rasio.*,
        case when rasio.pengaduan_per_1000 is not null
                  and rasio.jumlah_transaksi >= (select min(minimum_transaksi) from aturan
                                                 where persentil_pengaduan_min is not null)
             then percent_rank() over (
                 partition by rasio.triwulan,
                              rasio.pengaduan_per_1000 is not null
                              and rasio.jumlah_transaksi >= (select min(minimum_transaksi) from aturan
                                                             where persentil_pengaduan_min is not null)
                 order by rasio.pengaduan_per_1000) end                     as persentil_pengaduan
    from rasio
),

dinilai_aturan as (
    select
        peringkat.instansi_kode, peringkat.unit_layanan_kode, peringkat.triwulan,
        bool_or(aturan.mutu is not null)                                   as is_mutu_tidak_selaras,
        bool_or(aturan.persentil_pengaduan_min is not null)                as is_pengaduan_tidak_selaras,
        string_agg(aturan.aturan_kode, ', ' order by aturan.aturan_kode)   as aturan_tidak_selaras
    from peringkat
    join aturan
        on aturan.predikat_organisasi = peringkat.predikat_organisasi
        and ((aturan.mutu is not null and aturan.mutu = peringkat.mutu)
             or (aturan.persentil_pengaduan_min is not null
                 and peringkat.jumlah_transaksi >= coalesce(aturan.minimum_transaksi, 0)
                 and peringkat.persentil_pengaduan >= aturan.persentil_pengaduan_min))
    group by 1, 2, 3
),

final as (
    select
        peringkat.instansi_kode::text                                      as instansi_kode,
        peringkat.unit_layanan_kode::text                                  as unit_layanan_kode,
        peringkat.triwulan::text                                           as triwulan,
        peringkat.ikm_konversi::numeric(5, 2)                              as ikm,
        peringkat.mutu::text                                               as mutu,
        peringkat.jumlah_responden::integer                                as jumlah_responden,
        peringkat.jumlah_transaksi::integer                                as jumlah_transaksi,
        peringkat.jumlah_pengaduan::integer                                as jumlah_pengaduan,
        round(peringkat.pengaduan_per_1000, 2)::numeric(10, 2)             as pengaduan_per_1000,
        round(peringkat.persentil_pengaduan::numeric, 3)::numeric(4, 3)    as persentil_pengaduan,
        peringkat.jumlah_selesai_berstandar::integer                       as jumlah_selesai_berstandar,
        peringkat.jumlah_dalam_standar::integer                            as jumlah_dalam_standar,
        round(100.0 * peringkat.jumlah_dalam_standar / nullif(peringkat.jumlah_selesai_berstandar, 0), 1)::numeric(4, 1)
                                                                           as persen_dalam_standar,
        peringkat.unit_dinilai_kode::text                                  as unit_dinilai_kode,
        peringkat.periode_predikat::text                                   as periode_predikat,
        peringkat.predikat_organisasi::text                                as predikat_organisasi,
        peringkat.jumlah_dinilai::integer                                  as jumlah_pegawai_dinilai,
        peringkat.persen_sangat_baik::numeric(4, 1)                        as persen_pegawai_sangat_baik,
        peringkat.persen_baik::numeric(4, 1)                               as persen_pegawai_baik,
        peringkat.persen_butuh_perbaikan::numeric(4, 1)                    as persen_pegawai_butuh_perbaikan,
        peringkat.persen_kurang::numeric(4, 1)                             as persen_pegawai_kurang,
        peringkat.persen_sangat_kurang::numeric(4, 1)                      as persen_pegawai_sangat_kurang,
        coalesce(dinilai_aturan.is_mutu_tidak_selaras, false)::boolean     as is_mutu_tidak_selaras,
        coalesce(dinilai_aturan.is_pengaduan_tidak_selaras, false)::boolean as is_pengaduan_tidak_selaras,
        dinilai_aturan.aturan_tidak_selaras::text                          as aturan_tidak_selaras,
        (dinilai_aturan.aturan_tidak_selaras is not null)::boolean         as is_tidak_selaras
    from peringkat
    left join dinilai_aturan using (instansi_kode, unit_layanan_kode, triwulan)
)

select * from final
