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
  (ties by name, so the result is deterministic). A zero in a row or column that adds up to 0 is
  known to every reader: it is never a complement and a withheld one protects nothing. `lemah` is
  an SQL condition over the relation's columns marking numbers at their upper bound, weak
  complements taken only after the strong ones, like zeros (at their lower bound): a unit's
  evaluated staff equal to its headcount cannot move up, so it hides nothing beside a withheld total. Lines are fixed in both directions until
  nothing changes (at most `putaran` rounds, unrolled); a group in which a line still has one
  withheld number after that (no candidate, or not settled in time) is withheld whole. The
  data test `tidak_ada_sel_tersimpul` proves the published pattern on every build.

  `baris_utuh` (the predikat tables): a row whose non-zero cells are all withheld while some of
  its numbers are shown is withheld whole, zeros and total with it — the zeros beside withheld
  cells would tell that the row's people are all in those cells (a unit of three rated Baik,
  its Baik withheld and every other predikat 0). Applied before the first round and in every
  round; a row still in that state at the end withholds its group. Before the rounds, a row
  withheld whole gets a partner withheld whole too (macro pasangan_utuh).

  returns the relation's rows with `is_disembunyikan`.
#}
{% macro sembunyikan_sel(relation, grup, putaran=6, baris_utuh=false, lemah='false') %}
    {%- set g = grup | join(', ') -%}

    {%- set kolom_sel = grup + ['baris', 'kolom', 'jumlah', 'is_margin', 'is_tetap', 'is_primer'] -%}
    {%- set kolom_dalam = kolom_sel + ['is_nol_pasti', 'is_lemah'] -%}
    with putaran_awal as (
        select {{ kolom_sel | join(', ') }}, is_primer as is_disembunyikan, ({{ lemah }}) as is_lemah,
               {{ nol_pasti(g) }}                                           as is_nol_pasti
        from {{ relation }}
    ),
    {%- if baris_utuh %}
    utuh_awal as (
        select {{ kolom_dalam | join(', ') }},
               is_disembunyikan or (not is_tetap and {{ baris_terbuka(g) }}) as is_disembunyikan
        from putaran_awal
    ),
    {{ pasangan_utuh('utuh_awal', g, kolom_dalam) }}
    putaran_0 as (
        select {{ kolom_dalam | join(', ') }}, is_disembunyikan from pasangan
    ),
    {%- else %}
    putaran_0 as (
        select {{ kolom_dalam | join(', ') }}, is_disembunyikan from putaran_awal
    ),
    {%- endif %}
    {% for i in range(1, putaran + 1) %}
    hitung_{{ i }} as (
        select
            p.*,
            {{ sel_tersembunyi_segaris(g, 'baris') }} as n_baris,
            {{ sel_tersembunyi_segaris(g, 'kolom') }} as n_kolom,
            row_number() over (partition by {{ g }}, baris
                               order by is_disembunyikan or is_tetap or is_nol_pasti, is_margin, jumlah = 0 or is_lemah,
                                        jumlah, kolom)
                                                                           as urut_baris,
            row_number() over (partition by {{ g }}, kolom
                               order by is_disembunyikan or is_tetap or is_nol_pasti, is_margin, jumlah = 0 or is_lemah,
                                        jumlah, baris)
                                                                           as urut_kolom
            {%- if baris_utuh %},
            {{ baris_terbuka(g) }} as is_baris_terbuka
            {%- endif %}
        from putaran_{{ i - 1 }} p
    ),
    putaran_{{ i }} as (
        select
            {{ kolom_dalam | join(', ') }},
            is_disembunyikan
            or (not is_tetap and n_baris = 1 and urut_baris = 1)
            or (not is_tetap and n_kolom = 1 and urut_kolom = 1)
            {% if baris_utuh %}or (not is_tetap and is_baris_terbuka){% endif %}    as is_disembunyikan
        from hitung_{{ i }}
    ),
    {% endfor %}
    sisa as (
        select
            p.*,
            {{ sel_tersembunyi_segaris(g, 'baris') }} as n_baris,
            {{ sel_tersembunyi_segaris(g, 'kolom') }} as n_kolom,
            {{ baris_terbuka(g) if baris_utuh else 'false' }} as is_baris_terbuka
        from putaran_{{ putaran }} p
    ),
    tuntas as (
        select
            {{ kolom_sel | join(', ') }},
            is_disembunyikan,
            bool_or(n_baris = 1 or n_kolom = 1 or is_baris_terbuka) over (partition by {{ g }}) as is_grup_belum_aman
        from sisa
    )
    select
        {{ kolom_sel | join(', ') }},
        is_disembunyikan or is_grup_belum_aman                                 as is_disembunyikan
    from tuntas
{% endmacro %}


{#
  A zero every reader knows: one of its lines adds up to 0 (a unit's cell in a predikat nobody of
  the government has, and that predikat's total; a cell of a unit with nobody evaluated). A
  government whose people are all in one predikat is given away by such zeros in its own row: the
  predikat tables withhold that government's table whole (sel_predikat).
#}
{% macro nol_pasti(grup_sql) -%}
    (jumlah = 0 and (
        coalesce(sum(jumlah) filter (where kolom <> '*') over (partition by {{ grup_sql }}, baris), 0) = 0
        or coalesce(sum(jumlah) filter (where baris <> '*') over (partition by {{ grup_sql }}, kolom), 0) = 0))
{%- endmacro %}


{#
  How many numbers of a cell's line are withheld; a line of one number is no equation and counts 0,
  and a withheld zero every reader knows protects nothing. Withheld numbers all at the same bound
  count as one — all 0 (the line's total pins each to 0), or all at their upper bound (`is_lemah`:
  a unit's evaluated staff equal to its headcount): the line then needs a complement that can move.
  A line whose withheld numbers are all fixed elsewhere (`is_tetap`) is that table's to protect.
#}
{% macro sel_tersembunyi_segaris(grup_sql, arah) -%}
    {%- set garis = "over (partition by " ~ grup_sql ~ ", " ~ arah ~ ")" -%}
    {%- set melindungi = "is_disembunyikan and not is_nol_pasti" -%}
    case when count(*) {{ garis }} > 1
         then case when count(*) filter (where {{ melindungi }}) {{ garis }} = 0 then 0
                   when bool_and(is_tetap) filter (where {{ melindungi }}) {{ garis }} then 2
                   when coalesce(sum(jumlah) filter (where {{ melindungi }}) {{ garis }}, 0) = 0
                        or bool_and(is_lemah) filter (where {{ melindungi }}) {{ garis }} then 1
                   else count(*) filter (where {{ melindungi }}) {{ garis }} end
         else 0 end
{%- endmacro %}


{#
  A partner for rows withheld whole (baris_utuh): such a row's people are somewhere among its
  withheld cells, and the two-per-line complements, scattered over rows whose totals are shown,
  can add up to pin them to one predikat (a government's head alone in its root unit, every other
  predikat of the root accounted for by other units). So a group with a row withheld whole and no
  second one that spreads over two predikat or more withholds one more row whole — the smallest
  such row (its total below its unit's headcount where that matters: `is_lemah` last) — and each
  column then holds two rows that can trade their people. Emits the CTEs pasangan_baris, pasangan.
#}
{% macro pasangan_utuh(relation, g, kolom_dalam) -%}
    pasangan_baris as (
        select
            r.*,
            bool_and(is_disembunyikan or is_tetap or is_nol_pasti) over (partition by {{ g }}, baris)
                and bool_or(is_disembunyikan) over (partition by {{ g }}, baris)
                and baris <> '*'                                           as is_utuh,
            count(*) filter (where kolom <> '*' and jumlah > 0) over (partition by {{ g }}, baris) as n_isi,
            max(jumlah) filter (where kolom = '*') over (partition by {{ g }}, baris) as total_baris,
            bool_or(kolom = '*' and is_lemah) over (partition by {{ g }}, baris) as is_total_lemah
        from {{ relation }} r
    ),
    pasangan as (
        select
            {{ kolom_dalam | join(', ') }},
            is_disembunyikan or (
                not is_tetap and not is_nol_pasti
                and count(*) filter (where kolom = '*' and is_utuh) over (partition by {{ g }}) >= 1
                and count(*) filter (where kolom = '*' and is_utuh and n_isi >= 2) over (partition by {{ g }}) = 0
                and baris = first_value(baris) over (
                    partition by {{ g }}
                    order by (baris = '*' or is_utuh or n_isi < 2), is_total_lemah, total_baris, baris
                    rows between unbounded preceding and unbounded following)
                and baris <> '*' and not is_utuh and n_isi >= 2
            )                                                              as is_disembunyikan
        from pasangan_baris
    ),
{%- endmacro %}


{#
  A row (all of its cells but its total, kolom '*') in which every non-zero cell is withheld while
  some number of the row is still shown: the zeros shown beside the withheld cells give the row away
  (zeros every reader knows, in a column that adds up to 0, and numbers fixed elsewhere do not
  count as shown).
#}
{% macro baris_terbuka(grup_sql) -%}
    (coalesce(bool_and(is_disembunyikan or jumlah = 0) filter (where kolom <> '*') over (partition by {{ grup_sql }}, baris), true)
     and coalesce(bool_or(jumlah > 0) filter (where kolom <> '*') over (partition by {{ grup_sql }}, baris), false)
     and not bool_and(is_disembunyikan or is_nol_pasti or is_tetap) over (partition by {{ grup_sql }}, baris))
{%- endmacro %}


{# A count withheld on its own: 1 to var('min_cell_size') - 1 (a zero discloses no one). #}
{% macro sel_kecil(jumlah) -%}
    ({{ jumlah }} between 1 and {{ var('min_cell_size', 5) }} - 1)
{%- endmacro %}
