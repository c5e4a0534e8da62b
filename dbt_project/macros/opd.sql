{#
  Each unit's OPD in each month: its ancestor just below the government's root (the root is its
  own), from a relation like int_unit_kerja__leluhur (instansi_kode, bulan, unit_kode, leluhur_kode,
  jarak). Returns instansi_kode, bulan, unit_kode, opd_kode. One rule for every mart that counts
  people per OPD (training, feedback, performance reports).
#}
{% macro opd_per_unit(leluhur) -%}
    select instansi_kode, bulan, unit_kode, leluhur_kode as opd_kode
    from (
        select l.*, max(jarak) over (partition by instansi_kode, bulan, unit_kode) as kedalaman
        from {{ leluhur }} as l
    ) as dengan_kedalaman
    where jarak = greatest(kedalaman - 1, 0)
{%- endmacro %}
