{#
  Feedback coverage per instansi and month, as published: the instansi row ('*') of sel_umpan_balik.
  Counts of people (staff with RHK lines in the month, and those who received feedback before the
  month ended); no NIP, no text; rates inherit the suppression of their count and headcount.
#}
with sel as (
    select * from {{ ref('sel_umpan_balik') }}
    where baris = '*'
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ['umpan_balik_tepat']) }}
    from sel
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    group by sel.instansi_kode, instansi.instansi_nama, sel.bulan
)

select * from final
