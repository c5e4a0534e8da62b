{#
  The cells of a public predikat table and their suppression (the rules are sel_predikat's, written
  there): one place for the periodic distribution (sel_predikat) and the annual one
  (sel_predikat_tahunan). The caller's query defines the CTE `orang` (instansi_kode, periode, baris:
  the published unit, regime, predikat: one row per person, predikat null when not evaluated) and
  continues its `with` list with this macro, which ends in `select`; `tabel` names the table's groups
  in the disclosure audit's holds (source kendali_publik.tahan_tambahan). `total_diketahui`: whether
  a row's total is its headcount published elsewhere where the whole instansi was evaluated (the
  monthly compliance tables publish it); false for a table published without them (the annual one),
  whose totals are then judged as any cell.
#}
{% macro sel_predikat_dinilai(tabel, total_diketahui=true) %}
kategori as (
    select 'PERMEN6_2022' as regime, predikat, urutan from {{ ref('predikat_pegawai') }}
    union all
    select 'PP30_2019', predikat, (row_number() over (order by nilai_min desc))::int from {{ ref('pita_nilai_pp30_2019') }}
),

kelompok as (
    -- every published unit and its headcount (the group of its process facts)
    select instansi_kode, periode, baris, count(*) as jumlah_pegawai from orang group by 1, 2, 3
),

regime as (
    select distinct instansi_kode, periode, regime from orang where predikat is not null
),

hitungan as (
    select instansi_kode, periode, regime, baris, predikat, count(*) as jumlah
    from orang
    where predikat is not null
    group by 1, 2, 3, 4, 5
),

isi as (
    select kelompok.instansi_kode, kelompok.periode, regime.regime, kelompok.baris,
           kategori.predikat as kolom, coalesce(hitungan.jumlah, 0) as jumlah
    from kelompok
    join regime on regime.instansi_kode = kelompok.instansi_kode and regime.periode = kelompok.periode
    join kategori on kategori.regime = regime.regime
    left join hitungan
        on hitungan.instansi_kode = kelompok.instansi_kode
        and hitungan.periode = kelompok.periode
        and hitungan.regime = regime.regime
        and hitungan.baris = kelompok.baris
        and hitungan.predikat = kategori.predikat
),

dengan_margin as (
    select instansi_kode, periode, regime,
           case when grouping(baris) = 1 then '*' else baris end as baris,
           case when grouping(kolom) = 1 then '*' else kolom end as kolom,
           sum(jumlah)::bigint as jumlah
    from isi
    group by grouping sets ((instansi_kode, periode, regime, baris, kolom),
                            (instansi_kode, periode, regime, baris),
                            (instansi_kode, periode, regime, kolom),
                            (instansi_kode, periode, regime))
),

tahan as (
    {{ tahan(ref('stg_kendali_publik__tahan_tambahan'), tabel) }}
),

ukuran_kelompok as (
    -- each row's headcount; a small group's evaluated count is withheld unless the whole instansi
    -- was evaluated (or nobody was): then it follows from the instansi's
    select kelompok.instansi_kode, kelompok.periode, kelompok.baris, kelompok.jumlah_pegawai,
           {% if total_diketahui %}instansi.jumlah_dinilai in (0, instansi.jumlah_pegawai){% else %}false{% endif %} as is_seragam
    from (select instansi_kode, periode, baris, jumlah_pegawai from kelompok
          union all
          select instansi_kode, periode, '*', sum(jumlah_pegawai) from kelompok group by 1, 2) as kelompok
    join (select instansi_kode, periode, count(*) as jumlah_pegawai, count(predikat) as jumlah_dinilai
          from orang group by 1, 2) as instansi
        on instansi.instansi_kode = kelompok.instansi_kode and instansi.periode = kelompok.periode
),

sel as (
    select
        dengan_margin.instansi_kode,
        dengan_margin.periode,
        dengan_margin.regime,
        dengan_margin.baris,
        dengan_margin.kolom,
        dengan_margin.jumlah,
        dengan_margin.baris = '*' or dengan_margin.kolom = '*'              as is_margin,
        -- where the whole instansi was evaluated (or nobody was), a row's total is its headcount,
        -- which the compliance table shows: a known number, never withheld
        dengan_margin.kolom = '*' and ukuran_kelompok.is_seragam           as is_tetap,
        not (dengan_margin.kolom = '*' and ukuran_kelompok.is_seragam) and (
        {{ sel_kecil('dengan_margin.jumlah') }}
        or (dengan_margin.kolom <> '*' and dengan_margin.jumlah > 0
            and dengan_margin.jumlah = sum(dengan_margin.jumlah) filter (where dengan_margin.kolom <> '*')
                over (partition by dengan_margin.instansi_kode, dengan_margin.periode, dengan_margin.regime, dengan_margin.baris))
        or (dengan_margin.kolom = '*' and ukuran_kelompok.jumlah_pegawai < {{ var('publik_min_kelompok') }})
        -- a government whose evaluated people are all in one predikat: its own row would give
        -- each one away (the zeros beside it are every reader's), so its whole table is withheld
        or coalesce(count(*) filter (where dengan_margin.baris = '*' and dengan_margin.kolom <> '*'
                                     and dengan_margin.jumlah > 0)
                        over (partition by dengan_margin.instansi_kode, dengan_margin.periode, dengan_margin.regime), 0) < 2
           and sum(dengan_margin.jumlah) filter (where dengan_margin.baris = '*' and dengan_margin.kolom = '*')
                   over (partition by dengan_margin.instansi_kode, dengan_margin.periode, dengan_margin.regime) > 0
        -- held after the disclosure audit (etl/publish/repair.py)
        or {{ ditahan('tahan.tingkat', 'dengan_margin.baris') }})
                                                                           as is_primer,
        -- a unit whose staff were all evaluated is a weak complement for a withheld total: its
        -- total cannot be larger than its headcount, which the compliance table shows
        dengan_margin.kolom = '*' and dengan_margin.jumlah >= ukuran_kelompok.jumlah_pegawai as is_lemah
    from dengan_margin
    join ukuran_kelompok
        on ukuran_kelompok.instansi_kode = dengan_margin.instansi_kode
        and ukuran_kelompok.periode = dengan_margin.periode
        and ukuran_kelompok.baris = dengan_margin.baris
    left join tahan
        on tahan.instansi_kode = dengan_margin.instansi_kode
        and tahan.periode = dengan_margin.periode
        and tahan.grup = dengan_margin.regime
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', 'periode', 'regime'], putaran=10, baris_utuh=true, lemah='is_lemah') }}
),

final as (
    select disembunyikan.*, kategori.urutan
    from disembunyikan
    left join kategori on kategori.regime = disembunyikan.regime and kategori.predikat = disembunyikan.kolom
)

select * from final
{% endmacro %}
