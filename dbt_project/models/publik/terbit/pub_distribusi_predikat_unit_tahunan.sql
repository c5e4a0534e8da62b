{{ config(tags=['tahunan']) }}

{#
  The annual predikat distribution per published unit: the unit rows of sel_predikat_tahunan (small
  cells, whole rows and their complements withheld together with the instansi table); a unit too
  small for a row of its own is published within its parent, named in unit_digabung. No NIP, no names.
#}
with sel as not materialized (
    select * from {{ ref('sel_predikat_tahunan') }}
    where baris <> '*'
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

digabung as (
    {{ unit_digabung(ref('sel_unit_terbit_tahunan'), 'periode') }}
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
