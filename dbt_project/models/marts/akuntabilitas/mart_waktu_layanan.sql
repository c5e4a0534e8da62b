{#
  Service completion times per service, service unit and month, for auditors, against the service
  standard (seed standar_waktu_layanan: the government's own row, else the default '*'), beside the
  unit's IKM for the quarter the month lies in (fct_ikm_unit_layanan, TRIWULANAN: in a quarter's first
  and second month the quarter's IKM so far).
    p50/p90/p95_jam        percentiles (continuous) of hours from submission to completion, over the
                           completed requests
    persen_dalam_standar   completed within the standard / completed
  A request still open at the export counts in jumlah_transaksi, not in the times. Incremental: a
  month's run rebuilds the months of its quarter up to itself, so the quarter's IKM beside them is
  the latest.
#}
{{ config(materialized='incremental', unique_key='bulan', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', meta={'kolom_periode': 'bulan'},
          indexes=[{'columns': ['bulan']}]) }}

with transaksi as (
    select * from {{ ref('stg_canonical__transaksi_layanan') }}
    {% if is_incremental() %}where {{ pada_triwulan_dijalankan('periode_pengiriman') }}{% endif %}
),

standar as (
    select * from {{ ref('standar_waktu_layanan') }}
),

ikm as (
    select * from {{ ref('fct_ikm_unit_layanan') }}
    where jenis_periode = 'TRIWULANAN'
),

standar_per_layanan as (
    -- each (government, service) delivered with its standard: the government's own row, else '*'
    select distinct on (kunci.instansi_kode, kunci.jenis_layanan)
        kunci.instansi_kode, kunci.jenis_layanan, standar.standar_jam
    from (select distinct instansi_kode, jenis_layanan from transaksi) as kunci
    inner join standar
        on standar.instansi_kode in (kunci.instansi_kode, '*') and standar.jenis_layanan = kunci.jenis_layanan
    order by kunci.instansi_kode, kunci.jenis_layanan, (standar.instansi_kode <> '*') desc
),

durasi as (
    select
        transaksi.*,
        extract(epoch from transaksi.waktu_selesai - transaksi.waktu_diajukan) / 3600.0 as jam_selesai,
        standar_per_layanan.standar_jam
    from transaksi
    left join standar_per_layanan using (instansi_kode, jenis_layanan)
),

berstandar as (
    select
        instansi_kode,
        unit_layanan_kode,
        jenis_layanan,
        periode_pengiriman                                                 as bulan,
        count(*)                                                           as jumlah_transaksi,
        count(jam_selesai)                                                 as jumlah_selesai,
        percentile_cont(0.5) within group (order by jam_selesai)           as p50_jam,
        percentile_cont(0.9) within group (order by jam_selesai)           as p90_jam,
        percentile_cont(0.95) within group (order by jam_selesai)          as p95_jam,
        avg(jam_selesai)                                                   as rata_rata_jam,
        max(standar_jam)                                                   as standar_jam,
        count(*) filter (where jam_selesai <= standar_jam)                 as jumlah_dalam_standar,
        count(*) filter (where jam_selesai < 0)                            as jumlah_urutan_waktu_salah
    from durasi
    group by 1, 2, 3, 4
),

final as (
    select
        berstandar.instansi_kode::text                                     as instansi_kode,
        berstandar.unit_layanan_kode::text                                 as unit_layanan_kode,
        berstandar.jenis_layanan::text                                     as jenis_layanan,
        berstandar.bulan::text                                             as bulan,
        berstandar.jumlah_transaksi::integer                               as jumlah_transaksi,
        berstandar.jumlah_selesai::integer                                 as jumlah_selesai,
        round(berstandar.p50_jam::numeric, 2)::numeric(10, 2)              as p50_jam,
        round(berstandar.p90_jam::numeric, 2)::numeric(10, 2)              as p90_jam,
        round(berstandar.p95_jam::numeric, 2)::numeric(10, 2)              as p95_jam,
        round(berstandar.rata_rata_jam::numeric, 2)::numeric(10, 2)        as rata_rata_jam,
        berstandar.standar_jam::numeric(8, 2)                              as standar_jam,
        (case when berstandar.standar_jam is not null
              then berstandar.jumlah_dalam_standar end)::integer           as jumlah_dalam_standar,
        (case when berstandar.standar_jam is not null
              then round(100.0 * berstandar.jumlah_dalam_standar / nullif(berstandar.jumlah_selesai, 0), 1)
         end)::numeric(4, 1)                                               as persen_dalam_standar,
        (berstandar.p90_jam > berstandar.standar_jam)::boolean             as is_p90_melampaui_standar,
        berstandar.jumlah_urutan_waktu_salah::integer                      as jumlah_urutan_waktu_salah,
        ikm.periode::text                                                  as periode_ikm,
        ikm.ikm_konversi::numeric(5, 2)                                    as ikm,
        ikm.mutu::text                                                     as mutu_ikm,
        ikm.jumlah_responden::integer                                      as jumlah_responden_ikm
    from berstandar
    left join ikm
        on ikm.instansi_kode = berstandar.instansi_kode
        and ikm.unit_layanan_kode = berstandar.unit_layanan_kode
        and ikm.periode = {{ triwulan_dari("to_date(berstandar.bulan, 'YYYY-MM')") }}
)

select * from final
