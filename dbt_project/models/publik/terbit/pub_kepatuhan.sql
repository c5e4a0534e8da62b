{#
  SKP and evaluation compliance per instansi and period, as published: the instansi row ('*') of
  sel_kepatuhan, one column pair (count, percent) per measure. Rates inherit the
  suppression of their count and of the headcount.
#}
with sel as (
    select * from {{ ref('sel_kepatuhan') }}
    where baris = '*'
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        sel.periode::text                                                  as periode,
        to_char({{ periode_akhir('sel.periode') }}, 'YYYY-MM')::text       as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ['punya_skp', 'dievaluasi', 'tepat_waktu']) }}
    from sel
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    group by sel.instansi_kode, instansi.instansi_nama, sel.periode
)

select * from final
