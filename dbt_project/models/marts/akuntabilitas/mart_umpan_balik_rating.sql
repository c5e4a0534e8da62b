{#
  Ratings of staff with and without feedback (do staff who get feedback end better?): per
  government and evaluation period, the evaluated people (the evaluation that speaks for each),
  split by whether they received any feedback in the period's months (RHK or behaviour), counted
  per rating hasil kerja and predikat, with each count's share of its group. Governments and
  periods without any feedback delivered are left out. Counts of people. (An evaluation period is a
  month or a quarter: a month of feedback counts in both.) Incremental by evaluation period: a
  month's run rebuilds the periods it consolidates (the month; in a quarter's last month the quarter).
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with evaluasi as (
    select instansi_kode, periode, nip, regime, rating_hasil_kerja, predikat_final
    from {{ ref('fct_evaluasi_kinerja') }}
    where is_penentu and predikat_final is not null
      {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
),

bulan_umpan_balik as (
    select distinct instansi_kode, bulan, nip from {{ ref('fct_umpan_balik') }}
    {% if is_incremental() %}where {{ pada_bulan_periode_dijalankan('bulan') }}{% endif %}
),

umpan_balik as (
    -- the evaluation periods a month of feedback lies in: the month, and its quarter
    select instansi_kode, bulan as periode, nip from bulan_umpan_balik
    union
    select instansi_kode, {{ triwulan_dari("to_date(bulan, 'YYYY-MM')") }}, nip from bulan_umpan_balik
),

dilaporkan as (
    select distinct instansi_kode, periode from umpan_balik
),

per_pegawai as (
    select evaluasi.*, (umpan_balik.nip is not null) as is_dapat_umpan_balik
    from evaluasi
    join dilaporkan on dilaporkan.instansi_kode = evaluasi.instansi_kode and dilaporkan.periode = evaluasi.periode
    left join umpan_balik
        on umpan_balik.instansi_kode = evaluasi.instansi_kode and umpan_balik.periode = evaluasi.periode
        and umpan_balik.nip = evaluasi.nip
),

hitungan as (
    select instansi_kode, periode, regime, is_dapat_umpan_balik, rating_hasil_kerja, predikat_final,
           count(distinct nip) as jumlah_pegawai
    from per_pegawai
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        regime::text                                                       as regime,
        is_dapat_umpan_balik::boolean                                      as is_dapat_umpan_balik,
        coalesce(rating_hasil_kerja, '-')::text                            as rating_hasil_kerja,
        predikat_final::text                                               as predikat,
        jumlah_pegawai::integer                                            as jumlah_pegawai,
        round(100.0 * jumlah_pegawai / sum(jumlah_pegawai) over (
            partition by instansi_kode, periode, regime, is_dapat_umpan_balik), 1)::numeric(4, 1)
                                                                           as persen_kelompok
    from hitungan
)

select * from final
