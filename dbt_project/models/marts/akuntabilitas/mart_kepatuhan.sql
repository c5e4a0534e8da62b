{#
  Submission compliance per evaluated unit and evaluation period: of the employees on the
  roster (active, in the period's last month), how many have an SKP, how many were evaluated, and
  how many of those on time — each a count of people (int_pegawai__periode: one row per employee
  and period, whatever his number of evaluations). An employee outside every unit with an
  organisation predikat (the head of the government) counts under his own unit.
  Incremental by period.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with pegawai as (
    select * from {{ ref('int_pegawai__periode') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode_pengiriman') }}{% endif %}
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        unit_kode::text                                                    as unit_kode,
        count(*)::integer                                                  as jumlah_pegawai,
        count(*) filter (where is_punya_skp)::integer                      as jumlah_punya_skp,
        count(*) filter (where is_dievaluasi)::integer                     as jumlah_dievaluasi,
        count(*) filter (where is_tepat_waktu)::integer                    as jumlah_tepat_waktu,
        round(100.0 * count(*) filter (where is_punya_skp) / count(*), 1)::numeric(4, 1)   as persen_punya_skp,
        round(100.0 * count(*) filter (where is_dievaluasi) / count(*), 1)::numeric(4, 1)  as persen_dievaluasi,
        round(100.0 * count(*) filter (where is_tepat_waktu) / count(*), 1)::numeric(4, 1) as persen_tepat_waktu
    from pegawai
    group by 1, 2, 3
)

select * from final
