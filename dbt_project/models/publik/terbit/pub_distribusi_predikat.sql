{#
  How many employees of each instansi received each predikat in a period, as published: the
  instansi row ('*') of sel_predikat, whose suppression already protects the unit
  table too. Rates inherit the suppression of their count and of its total. No NIP, no names.
#}
{#- `not materialized`: each cell is joined to its row's total with the table's own statistics (a
    materialised CTE has none, and at 643 governments the planner looped over 80,000 cells twice: 110 s) #}
with sel as not materialized (
    select * from {{ ref('sel_predikat') }}
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
