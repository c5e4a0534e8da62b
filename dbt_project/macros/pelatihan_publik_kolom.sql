{#
  The published columns of the training tables (pub_pelatihan, pub_pelatihan_unit), from the
  cells of int_publik__sel_pelatihan grouped to one row: the headcount, and per measure its count
  and percent, each null when withheld; a percent is also withheld with its headcount.
#}
{% macro pelatihan_publik_kolom() -%}
    {%- set pegawai = "max(sel.jumlah) filter (where sel.kolom = '*' and sel.ukuran = 'terlatih')" -%}
    {%- set pegawai_tampil = "not bool_or(sel.is_disembunyikan) filter (where sel.kolom = '*')" -%}
        (case when {{ pegawai_tampil }} then {{ pegawai }} end)::integer    as jumlah_pegawai,
    {%- for ukuran in ['terlatih', 'memenuhi_standar'] %}
        {%- set ya = "max(sel.jumlah) filter (where sel.ukuran = '" ~ ukuran ~ "' and sel.kolom = 'YA')" %}
        {%- set ya_tampil = "not bool_or(sel.is_disembunyikan) filter (where sel.ukuran = '" ~ ukuran ~ "' and sel.kolom = 'YA')" %}
        (case when {{ ya_tampil }} then {{ ya }} end)::integer             as jumlah_{{ ukuran }},
        (case when {{ ya_tampil }} and {{ pegawai_tampil }}
              then round(100.0 * {{ ya }} / nullif({{ pegawai }}, 0), 1) end)::numeric(4, 1) as persen_{{ ukuran }},
    {%- endfor %}
        bool_or(sel.is_disembunyikan)::boolean                             as is_disembunyikan
{%- endmacro %}
