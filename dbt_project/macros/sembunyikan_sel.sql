{#
  Small-cell suppression for the public tables, primary and complementary, on a two-way table
  with its margins (the statistical offices' rule: pitfalls.md "Publishing", domain.md §5.3).

  `relation` holds one row per published number of a table, in the shape
      <grup columns>, baris, kolom, jumlah, is_margin, is_tetap, is_primer
  where a group (e.g. instansi × periode) is one two-way table: `baris` and `kolom` name the
  row and the column of a cell, with '*' for a margin (the row's total is the cell in column
  '*', the column's total the cell in row '*', the grand total is ('*', '*')). Every row line
  and every column line sums to its margin, so a line with exactly one withheld number gives
  that number away. `is_primer` marks the cells withheld on their own (the caller's rule: a
  count of 1 to var('min_cell_size') - 1, and where needed a cell that holds a whole row);
  `is_tetap` marks numbers whose suppression is decided elsewhere and must not change here.

  Complementary suppression: in rounds, each line with exactly one withheld number withholds
  one more — its smallest non-zero cell that is not a margin where it has one (a zero is a weak
  complement: readers may guess it), else a zero, else its smallest margin
  (ties by name, so the result is deterministic). Lines are fixed in both directions until
  nothing changes (at most `putaran` rounds, unrolled); a group in which a line still has one
  withheld number after that (no candidate, or not settled in time) is withheld whole. The
  data test `tidak_ada_sel_tersimpul` proves the published pattern on every build.

  returns the relation's rows with `is_disembunyikan`.
#}
{% macro sembunyikan_sel(relation, grup, putaran=6) %}
    {%- set g = grup | join(', ') -%}

    {%- set kolom_sel = grup + ['baris', 'kolom', 'jumlah', 'is_margin', 'is_tetap', 'is_primer'] -%}
    with putaran_0 as (
        select {{ kolom_sel | join(', ') }}, is_primer as is_disembunyikan from {{ relation }}
    ),
    {% for i in range(1, putaran + 1) %}
    hitung_{{ i }} as (
        select
            p.*,
            {{ sel_tersembunyi_segaris(g, 'baris') }} as n_baris,
            {{ sel_tersembunyi_segaris(g, 'kolom') }} as n_kolom,
            row_number() over (partition by {{ g }}, baris
                               order by is_disembunyikan or is_tetap, is_margin, jumlah = 0, jumlah, kolom) as urut_baris,
            row_number() over (partition by {{ g }}, kolom
                               order by is_disembunyikan or is_tetap, is_margin, jumlah = 0, jumlah, baris) as urut_kolom
        from putaran_{{ i - 1 }} p
    ),
    putaran_{{ i }} as (
        select
            {{ kolom_sel | join(', ') }},
            is_disembunyikan
            or (not is_tetap and n_baris = 1 and urut_baris = 1)
            or (not is_tetap and n_kolom = 1 and urut_kolom = 1)                as is_disembunyikan
        from hitung_{{ i }}
    ),
    {% endfor %}
    sisa as (
        select
            p.*,
            {{ sel_tersembunyi_segaris(g, 'baris') }} as n_baris,
            {{ sel_tersembunyi_segaris(g, 'kolom') }} as n_kolom
        from putaran_{{ putaran }} p
    ),
    tuntas as (
        select
            {{ kolom_sel | join(', ') }},
            is_disembunyikan,
            bool_or(n_baris = 1 or n_kolom = 1) over (partition by {{ g }})  as is_grup_belum_aman
        from sisa
    )
    select
        {{ kolom_sel | join(', ') }},
        is_disembunyikan or is_grup_belum_aman                                 as is_disembunyikan
    from tuntas
{% endmacro %}


{# How many numbers of a cell's line are withheld; a line of one number is no equation and counts 0. #}
{% macro sel_tersembunyi_segaris(grup_sql, arah) -%}
    case when count(*) over (partition by {{ grup_sql }}, {{ arah }}) > 1
         then count(*) filter (where is_disembunyikan) over (partition by {{ grup_sql }}, {{ arah }}) else 0 end
{%- endmacro %}


{# A count withheld on its own: 1 to var('min_cell_size') - 1 (a zero discloses no one). #}
{% macro sel_kecil(jumlah) -%}
    ({{ jumlah }} between 1 and {{ var('min_cell_size', 5) }} - 1)
{%- endmacro %}
