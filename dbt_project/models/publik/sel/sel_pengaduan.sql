{#
  Complaints as the public sees them, before pub_pengaduan_unit: per instansi and month one two-way
  table — rows the service units, columns the channels (ONLINE, FORUM, TATAP_MUKA) — with its margins
  (a unit's total in column '*', the instansi's per channel in row '*', the grand total at ('*', '*')).
  A count of 1-4 is withheld, then its complements (macro sembunyikan_sel), so that no withheld
  count follows from the totals. Incremental by month. Grain: instansi × periode × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with pengaduan as (
    select * from {{ ref('mart_pengaduan_unit') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

isi as (
    select instansi_kode, periode, unit_layanan_kode, 'ONLINE' as kolom, jumlah_online as jumlah from pengaduan
    union all
    select instansi_kode, periode, unit_layanan_kode, 'FORUM', jumlah_forum from pengaduan
    union all
    select instansi_kode, periode, unit_layanan_kode, 'TATAP_MUKA', jumlah_tatap_muka from pengaduan
),

isi_dengan_total as (
    select instansi_kode, periode,
           case when grouping(unit_layanan_kode) = 1 then '*' else unit_layanan_kode end as baris,
           case when grouping(kolom) = 1 then '*' else kolom end                         as kolom,
           sum(jumlah)::bigint                                                           as jumlah
    from isi
    group by grouping sets ((instansi_kode, periode, unit_layanan_kode, kolom), (instansi_kode, periode, unit_layanan_kode),
                            (instansi_kode, periode, kolom), (instansi_kode, periode))
),

tahan as (
    {{ tahan(ref('stg_kendali_publik__tahan_tambahan'), 'pengaduan') }}
),

sel as (
    select isi_dengan_total.instansi_kode, isi_dengan_total.periode, baris, kolom, jumlah,
           (baris = '*' or kolom = '*')                                    as is_margin,
           false                                                           as is_tetap,
           {{ sel_kecil('jumlah') }}
           or {{ ditahan('tahan.tingkat', 'baris') }}                     as is_primer
    from isi_dengan_total
    left join tahan on tahan.instansi_kode = isi_dengan_total.instansi_kode and tahan.periode = isi_dengan_total.periode
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', 'periode']) }}
)

select * from disembunyikan
