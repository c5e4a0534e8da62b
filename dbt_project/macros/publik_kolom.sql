{#
  The published columns of the predikat tables (pub_distribusi_predikat, pub_distribusi_predikat_unit),
  from a cell of sel_predikat and its row's total, the aliases `sel` and `total` the caller gives
  them: counts null when withheld, and a share only when neither its count nor its total is
  withheld; the total is named `kolom_total`.
#}
{% macro predikat_publik_kolom(sel, total, kolom_total) -%}
        {{ sel }}.periode::text                                                  as periode,
        to_char({{ periode_akhir(sel ~ '.periode') }}, 'YYYY-MM')::text       as bulan_laporan,
        {{ sel }}.regime::text                                                   as regime,
        {{ sel }}.kolom::text                                                    as predikat,
        {{ sel }}.urutan::integer                                                as urutan,
        case when not {{ sel }}.is_disembunyikan then {{ sel }}.jumlah end::integer    as jumlah_pegawai,
        case when not {{ total }}.is_disembunyikan then {{ total }}.jumlah end::integer as {{ kolom_total }},
        case when not {{ sel }}.is_disembunyikan and not {{ total }}.is_disembunyikan
             then round(100.0 * {{ sel }}.jumlah / nullif({{ total }}.jumlah, 0), 1) end::numeric(4, 1) as persen_pegawai,
        {{ sel }}.is_disembunyikan::boolean                                      as is_disembunyikan
{%- endmacro %}


{#
  The published columns of the tables built on macro sel_ya_tidak (pub_kepatuhan, pub_kepatuhan_unit
  with the measures punya_skp, dievaluasi, tepat_waktu; pub_pelatihan, pub_pelatihan_unit with
  terlatih, memenuhi_standar), from their cells (alias `sel` in the caller's query) grouped to one
  row: the headcount, and per measure of `daftar_ukuran` its count and percent, each null when
  withheld; a percent is also withheld with its headcount.
#}
{% macro ya_tidak_publik_kolom(sel, daftar_ukuran) -%}
    {%- set pegawai = "max(" ~ sel ~ ".jumlah) filter (where " ~ sel ~ ".kolom = '*' and " ~ sel ~ ".ukuran = '" ~ daftar_ukuran[0] ~ "')" -%}
    {%- set pegawai_tampil = "not bool_or(" ~ sel ~ ".is_disembunyikan) filter (where " ~ sel ~ ".kolom = '*')" -%}
        (case when {{ pegawai_tampil }} then {{ pegawai }} end)::integer    as jumlah_pegawai,
    {%- for ukuran in daftar_ukuran %}
        {%- set ya = "max(" ~ sel ~ ".jumlah) filter (where " ~ sel ~ ".ukuran = '" ~ ukuran ~ "' and " ~ sel ~ ".kolom = 'YA')" %}
        {%- set ya_tampil = "not bool_or(" ~ sel ~ ".is_disembunyikan) filter (where " ~ sel ~ ".ukuran = '" ~ ukuran ~ "' and " ~ sel ~ ".kolom = 'YA')" %}
        (case when {{ ya_tampil }} then {{ ya }} end)::integer             as jumlah_{{ ukuran }},
        (case when {{ ya_tampil }} and {{ pegawai_tampil }}
              then round(100.0 * {{ ya }} / nullif({{ pegawai }}, 0), 1) end)::numeric(4, 1) as persen_{{ ukuran }},
    {%- endfor %}
        bool_or({{ sel }}.is_disembunyikan)::boolean                             as is_disembunyikan
{%- endmacro %}


{#
  The units published within each published unit's row (macro unit_terbit), as one text per row:
  a relation like sel_unit_terbit (instansi_kode, <periode>, unit_kode, unit_terbit_kode)
  gives instansi_kode, <periode>, unit_kode (the row) and unit_digabung (codes, comma-separated).
#}
{% macro unit_digabung(terbit, periode) -%}
    select instansi_kode, {{ periode }}, unit_terbit_kode as unit_kode,
           string_agg(unit_kode, ', ' order by unit_kode)                  as unit_digabung
    from {{ terbit }}
    where unit_kode <> unit_terbit_kode
    group by instansi_kode, {{ periode }}, unit_terbit_kode
{%- endmacro %}
