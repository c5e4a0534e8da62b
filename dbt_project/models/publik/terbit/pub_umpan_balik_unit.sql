{#
  Feedback coverage per published OPD and month: the unit rows of sel_umpan_balik; an OPD too small
  for a row of its own is published within the government's root, named in unit_digabung.
#}
with sel as (
    select * from {{ ref('sel_umpan_balik') }}
    where baris <> '*'
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

digabung as (
    {{ unit_digabung(ref('sel_opd_terbit'), 'bulan') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        sel.baris::text                                                    as unit_kode,
        coalesce(unit.unit_nama, sel.baris)::text                          as unit_nama,
        max(digabung.unit_digabung)::text                                  as unit_digabung,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ['umpan_balik_tepat']) }}
    from sel
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    left join digabung
        on digabung.instansi_kode = sel.instansi_kode and digabung.bulan = sel.bulan and digabung.unit_kode = sel.baris
    group by sel.instansi_kode, sel.baris, unit.unit_nama, sel.bulan
)

select * from final
