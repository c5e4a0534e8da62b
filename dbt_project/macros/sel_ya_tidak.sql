{#
  The public cells of administrative process facts — measures that split a group of people into
  YA and TIDAK (has an SKP, evaluated, on time; trained, at the expectation) — per instansi,
  period and measure one two-way table: rows the published units and the instansi ('*'), columns
  YA, TIDAK and the group's headcount ('*').

  A process fact is withheld where the group is small (fewer than var('publik_min_kelompok')
  people: primary, YA and TIDAK alike), not where the count of exceptions is small: in a large
  group a count of one late evaluation identifies nobody (docs/open-data.md). Where the whole
  instansi agrees (everybody has an SKP, nobody trained yet), every group's count follows from the
  instansi's and nothing is withheld for it. Headcounts are
  always shown (a unit's size is organisational information, not an evaluation). Then
  complementary suppression (macro sembunyikan_sel) over each table.

  Everything it reads is an argument. `orang` is a relation of people (a ref, or a CTE of the
  caller passed by name): one row per person with instansi_kode, the period column `periode`,
  baris (the published unit he counts in) and a boolean column per measure; `ukuran` lists the
  measures as (name, boolean column) pairs, in order. `paksa`, when given, fixes the YA cells
  of a measure that another table counts too (evaluated = the predikat table's totals): rows of
  instansi_kode, <periode>, ukuran, baris, is_disembunyikan; those cells keep that decision, and
  so do their TIDAK beside them (the headcount being shown, TIDAK is shown exactly where YA is).
  `tahan`, when given, is a relation of held groups (macro tahan: instansi_kode, periode, grup =
  the measure, tingkat): their cells are primary.

  Returns: instansi_kode, <periode>, ukuran, baris, kolom, jumlah, is_margin, is_tetap, is_primer,
  is_disembunyikan (grain: instansi × period × ukuran × baris × kolom).
#}
{% macro sel_ya_tidak(orang, periode, ukuran, paksa=none, tahan=none) %}
with per_ukuran as (
    -- per published unit and measure: how many say YA, of how many people
    {%- for nama, kolom in ukuran %}
    select instansi_kode, {{ periode }}, '{{ nama }}' as ukuran, baris,
           count(*) filter (where {{ kolom }}) as ya, count(*) as pegawai
    from {{ orang }} group by 1, 2, 3, 4
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

isi as (
    select instansi_kode, {{ periode }}, ukuran, baris, ya, pegawai from per_ukuran
    union all
    select instansi_kode, {{ periode }}, ukuran, '*', sum(ya), sum(pegawai)
    from per_ukuran
    group by instansi_kode, {{ periode }}, ukuran
),

seragam as (
    -- a measure on which the whole instansi agrees (everybody YA, or nobody): every group's count
    -- follows from the instansi's, so none is withheld for being small
    select instansi_kode, {{ periode }}, ukuran, (ya = 0 or ya = pegawai) as is_seragam
    from isi where baris = '*'
),

sel as (
    select
        isi.instansi_kode,
        isi.{{ periode }},
        isi.ukuran,
        isi.baris,
        kolom.kolom,
        (case kolom.kolom when 'YA' then isi.ya when 'TIDAK' then isi.pegawai - isi.ya else isi.pegawai end)::bigint
                                                                           as jumlah,
        isi.baris = '*' or kolom.kolom = '*'                               as is_margin,
        kolom.kolom = '*' {% if paksa %}or paksa.baris is not null{% endif %}  as is_tetap,
        case
            when kolom.kolom = '*' then false
            {#- the headcount is shown, so TIDAK is shown exactly where YA is #}
            {% if paksa %}when paksa.baris is not null then paksa.is_disembunyikan{% endif %}
            else (isi.pegawai < {{ var('publik_min_kelompok') }} and not seragam.is_seragam)
                 {%- if tahan %}
                 or {{ ditahan('tahan.tingkat', 'isi.baris') }}
                 {%- endif %}
        end                                                                as is_primer
    from isi
    join seragam on seragam.instansi_kode = isi.instansi_kode and seragam.{{ periode }} = isi.{{ periode }}
        and seragam.ukuran = isi.ukuran
    cross join (values ('YA'), ('TIDAK'), ('*')) as kolom (kolom)
    {%- if tahan %}
    left join {{ tahan }} as tahan
        on tahan.instansi_kode = isi.instansi_kode
        and tahan.periode = isi.{{ periode }}
        and tahan.grup = isi.ukuran
    {%- endif %}
    {%- if paksa %}
    left join {{ paksa }} as paksa
        on paksa.instansi_kode = isi.instansi_kode
        and paksa.{{ periode }} = isi.{{ periode }}
        and paksa.ukuran = isi.ukuran
        and paksa.baris = isi.baris
    {%- endif %}
),

disembunyikan as (
    {#- in a row all YA (or all TIDAK) the count is at its upper bound, the headcount: a weak complement #}
    {{ sembunyikan_sel('sel', ['instansi_kode', periode, 'ukuran'],
                       lemah="kolom <> '*' and jumlah > 0 and sum(jumlah) filter (where kolom <> '*' and jumlah = 0) over (partition by instansi_kode, " ~ periode ~ ", ukuran, baris) is not null") }}
)

select * from disembunyikan
{% endmacro %}
