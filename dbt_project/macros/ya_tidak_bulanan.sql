{#
  The published YA / TIDAK tables of a month (counts of people and their shares, macro
  ya_tidak_publik_kolom), from the cells of a sel_ model built by macro sel_ya_tidak over `bulan`:
    ya_tidak_bulanan_instansi   its instansi row ('*'), with the instansi's name (pub_umpan_balik,
                                pub_laporan_kinerja)
    ya_tidak_bulanan_opd        its OPD rows, with the unit's name and, for an OPD too small for a row of
                                its own, unit_digabung (pub_pelatihan_unit, pub_umpan_balik_unit)
  Every relation read is an argument; `ukuran` names the measures.
#}
{% macro ya_tidak_bulanan_instansi(sel, dim_instansi, ukuran) -%}
with sel as (
    select * from {{ sel }}
    where baris = '*'
),

instansi as (
    select * from {{ dim_instansi }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        coalesce(instansi.instansi_nama, sel.instansi_kode)::text          as instansi_nama,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ukuran) }}
    from sel
    left join instansi on instansi.instansi_kode = sel.instansi_kode
    group by sel.instansi_kode, instansi.instansi_nama, sel.bulan
)

select * from final
{%- endmacro %}

{% macro ya_tidak_bulanan_opd(sel, unit_kerja, opd_terbit, ukuran) -%}
with sel as (
    select * from {{ sel }}
    where baris <> '*'
),

unit as (
    select * from {{ unit_kerja }}
),

digabung as (
    {{ unit_digabung(opd_terbit, 'bulan') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        sel.baris::text                                                    as unit_kode,
        coalesce(unit.unit_nama, sel.baris)::text                          as unit_nama,
        max(digabung.unit_digabung)::text                                  as unit_digabung,
        left(sel.bulan, 4)::integer                                        as tahun,
        sel.bulan::text                                                    as bulan_laporan,
        {{ ya_tidak_publik_kolom('sel', ukuran) }}
    from sel
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    left join digabung
        on digabung.instansi_kode = sel.instansi_kode and digabung.bulan = sel.bulan and digabung.unit_kode = sel.baris
    group by sel.instansi_kode, sel.baris, unit.unit_nama, sel.bulan
)

select * from final
{%- endmacro %}
