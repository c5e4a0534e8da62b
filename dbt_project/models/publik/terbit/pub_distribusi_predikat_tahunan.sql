{{ config(tags=['tahunan']) }}

{#
  How many employees of each instansi received each annual predikat in a year, as published: the
  instansi row ('*') of sel_predikat_tahunan (the monthly table's suppression). No NIP, no names.
#}
with sel as not materialized (
    select * from {{ ref('sel_predikat_tahunan') }}
    where baris = '*'
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        {{ predikat_publik_kolom('sel', 'total', 'jumlah_dinilai') }}
    from sel
    inner join sel as total
        on total.instansi_kode = sel.instansi_kode and total.periode = sel.periode
        and total.regime = sel.regime and total.kolom = '*'
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    where sel.kolom <> '*'
)

select * from final
