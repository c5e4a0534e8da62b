{#
  The published predikat distributions, the same for a period's tables (pub_distribusi_predikat,
  pub_distribusi_predikat_unit, from sel_predikat) and a year's (the *_tahunan ones, from
  sel_predikat_tahunan): the instansi row ('*') or the unit rows of the cells, each count beside its
  row's total (macro predikat_publik_kolom), with the instansi's or the unit's name and, for a unit
  published within its parent, unit_digabung. Every relation read is an argument.

  `not materialized`: each cell is joined to its row's total with the table's own statistics (a
  materialised CTE has none, and at 643 governments the planner looped over 80,000 cells twice: 110 s).
#}
{% macro distribusi_predikat_instansi(sel_predikat, dim_instansi) -%}
with sel as not materialized (
    select * from {{ sel_predikat }}
    where baris = '*'
),

instansi as (
    select * from {{ dim_instansi }}
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
{%- endmacro %}

{% macro distribusi_predikat_unit(sel_predikat, unit_kerja, unit_terbit) -%}
with sel as not materialized (
    select * from {{ sel_predikat }}
    where baris <> '*'
),

unit as (
    select * from {{ unit_kerja }}
),

digabung as (
    {{ unit_digabung(unit_terbit, 'periode') }}
),

final as (
    select
        sel.instansi_kode::text                                            as instansi_kode,
        sel.baris::text                                                    as unit_kode,
        coalesce(unit.unit_nama, sel.baris)::text                          as unit_nama,
        digabung.unit_digabung::text                                       as unit_digabung,
        {{ predikat_publik_kolom('sel', 'total', 'jumlah_dinilai_unit') }}
    from sel
    inner join sel as total
        on total.instansi_kode = sel.instansi_kode and total.periode = sel.periode
        and total.regime = sel.regime and total.baris = sel.baris and total.kolom = '*'
    left join unit on unit.instansi_kode = sel.instansi_kode and unit.unit_kode = sel.baris
    left join digabung
        on digabung.instansi_kode = sel.instansi_kode and digabung.periode = sel.periode and digabung.unit_kode = sel.baris
    where sel.kolom <> '*'
)

select * from final
{%- endmacro %}
