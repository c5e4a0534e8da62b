{#
  The predikat distribution per evaluated unit, as published: the unit rows of
  int_publik__sel_predikat (small cells and their complements withheld together with the
  instansi table). Unit names from the latest roster of units. No NIP, no names of people.
#}
{#- `not materialized`: each cell is joined to its row's total with the table's own statistics (a
    materialised CTE has none, and at 643 governments the planner looped over 80,000 cells twice: 110 s) #}
with sel as not materialized (
    select * from {{ ref('int_publik__sel_predikat') }}
    where baris <> '*'
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        sel.baris::text                                                    as unit_kode,
        coalesce(unit.unit_nama, sel.baris)::text                          as unit_nama,
        {{ predikat_publik_kolom('jumlah_dinilai_unit') }}
    from sel
    inner join sel as total
        on total.instansi_kode = sel.instansi_kode and total.periode = sel.periode
        and total.regime = sel.regime and total.baris = sel.baris and total.kolom = '*'
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    where sel.kolom <> '*'
)

select * from final
