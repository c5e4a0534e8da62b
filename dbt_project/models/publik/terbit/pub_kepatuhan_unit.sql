{#
  SKP and evaluation compliance per published unit and period: the unit rows of
  sel_kepatuhan (withheld together with the instansi table and the predikat tables);
  a unit too small for a row of its own is published within its parent, named in unit_digabung.
  Unit names from the latest roster of units.
#}
with sel as (
    select * from {{ ref('sel_kepatuhan') }}
    where baris <> '*'
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

digabung as (
    {{ unit_digabung(ref('sel_unit_terbit'), 'periode') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        sel.baris::text                                                    as unit_kode,
        coalesce(unit.unit_nama, sel.baris)::text                          as unit_nama,
        max(digabung.unit_digabung)::text                                  as unit_digabung,
        sel.periode::text                                                  as periode,
        to_char({{ periode_akhir('sel.periode') }}, 'YYYY-MM')::text       as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ['punya_skp', 'dievaluasi', 'tepat_waktu']) }}
    from sel
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    left join digabung
        on digabung.instansi_kode = sel.instansi_kode and digabung.periode = sel.periode and digabung.unit_kode = sel.baris
    group by sel.instansi_kode, sel.baris, unit.unit_nama, sel.periode
)

select * from final
