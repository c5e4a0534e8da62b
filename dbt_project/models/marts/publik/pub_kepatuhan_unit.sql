{#
  SKP and evaluation compliance per unit and period, as published: the unit rows of
  int_publik__sel_kepatuhan (withheld together with the instansi table). Unit names from the
  latest roster of units.
#}
with sel as (
    select * from {{ ref('int_publik__sel_kepatuhan') }}
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
        sel.periode::text                                                  as periode,
        to_char({{ periode_akhir('sel.periode') }}, 'YYYY-MM')::text       as bulan_laporan,
        {{ ya_tidak_publik_kolom(['punya_skp', 'dievaluasi', 'tepat_waktu']) }}
    from sel
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    group by sel.instansi_kode, sel.baris, unit.unit_nama, sel.periode
)

select * from final
