{#
  The roster of each evaluation period an agency delivers: its employees in the period's month (a
  quarter's last month), each with the evaluated unit he belongs to — the nearest unit at or above
  his own that has an organisation predikat in the period (null outside every one, as the head of
  the government is) — and that unit's predikat. The one place an employee is placed in the unit
  whose curve, compliance and evaluations he counts in. Incremental by delivery period.
#}
{{ config(materialized='incremental', unique_key='periode_pengiriman', meta={'kolom_periode': 'periode_pengiriman'}, incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['periode']}]) }}

with periode_evaluasi as (
    select distinct instansi_kode, periode_pengiriman, periode, {{ bulan_pengiriman('periode') }} as bulan
    from {{ ref('stg_canonical__evaluasi_periodik') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

pegawai as (
    select * from {{ ref('stg_canonical__pegawai') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode') }}{% endif %}
),

unit_dinilai as (
    select distinct on (leluhur.instansi_kode, predikat_organisasi.periode, leluhur.unit_kode)
        leluhur.instansi_kode,
        predikat_organisasi.periode,
        leluhur.unit_kode,
        leluhur.leluhur_kode                                               as unit_dinilai_kode,
        predikat_organisasi.predikat_organisasi
    from {{ ref('int_unit_kerja__leluhur') }} as leluhur
    join {{ ref('stg_canonical__predikat_organisasi') }} as predikat_organisasi
        on predikat_organisasi.instansi_kode = leluhur.instansi_kode
        and predikat_organisasi.unit_kode = leluhur.leluhur_kode
        and {{ bulan_pengiriman('predikat_organisasi.periode') }} = leluhur.bulan
    {% if is_incremental() %}
    where {{ pada_bulan_dijalankan('leluhur.bulan') }}
      and {{ pada_periode_dijalankan('predikat_organisasi.periode_pengiriman') }}
    {% endif %}
    order by leluhur.instansi_kode, predikat_organisasi.periode, leluhur.unit_kode, leluhur.jarak
),

final as (
    select
        periode_evaluasi.instansi_kode,
        periode_evaluasi.periode_pengiriman,
        periode_evaluasi.periode,
        pegawai.nip,
        pegawai.unit_kode,
        pegawai.atasan_nip,
        pegawai.aktif,
        unit_dinilai.unit_dinilai_kode,
        unit_dinilai.predikat_organisasi
    from periode_evaluasi
    join pegawai
        on pegawai.instansi_kode = periode_evaluasi.instansi_kode
        and pegawai.periode = periode_evaluasi.bulan
    left join unit_dinilai
        on unit_dinilai.instansi_kode = pegawai.instansi_kode
        and unit_dinilai.periode = periode_evaluasi.periode
        and unit_dinilai.unit_kode = pegawai.unit_kode
)

select * from final
