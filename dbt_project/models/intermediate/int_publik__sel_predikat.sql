{#
  The predikat distribution as the public sees it, before it is split into the instansi and the
  unit table: per instansi, period and regime one two-way table — rows the evaluated units (an
  employee outside every unit with an organisation predikat counts under his own unit, as in
  mart_kepatuhan), columns the regime's predikat — with its margins: each unit's total (column
  '*'), each predikat's total over the instansi (row '*') and the instansi's total ('*', '*').

  Withheld on their own (primary): counts of 1 to var('min_cell_size') - 1, and a cell that
  holds a whole row of five or more — it would tell every member of that unit his predikat
  (UU 14/2008 Ps. 17 h 4 exempts an individual's evaluation). Then complementary suppression
  (macro sembunyikan_sel), so no withheld number follows from the others and the totals.
  `urutan` orders a regime's predikat (null for margins). Grain: instansi × periode × regime × baris × kolom.
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='sync_all_columns', indexes=[{'columns': ['periode']}]) }}

with evaluasi as (
    select
        instansi_kode,
        periode,
        regime,
        coalesce(unit_dinilai_kode, unit_kode, '(tanpa unit)')             as unit_kode,
        predikat_dihitung                                                  as predikat
    from {{ ref('fct_evaluasi_kinerja') }}
    where predikat_dihitung is not null
    {% if is_incremental() %}and {{ pada_periode_dijalankan('periode') }}{% endif %}
),

kategori as (
    select 'PERMEN6_2022' as regime, predikat, urutan from {{ ref('predikat_pegawai') }}
    union all
    select 'PP30_2019', predikat, (row_number() over (order by nilai_min desc))::int from {{ ref('pita_nilai_pp30_2019') }}
),

unit_periode as (
    select distinct instansi_kode, periode, regime, unit_kode from evaluasi
),

isi as (
    select
        unit_periode.instansi_kode,
        unit_periode.periode,
        unit_periode.regime,
        unit_periode.unit_kode                                             as baris,
        kategori.predikat                                                  as kolom,
        count(evaluasi.predikat)                                           as jumlah
    from unit_periode
    inner join kategori on kategori.regime = unit_periode.regime
    left join evaluasi
        on evaluasi.instansi_kode = unit_periode.instansi_kode
        and evaluasi.periode = unit_periode.periode
        and evaluasi.regime = unit_periode.regime
        and evaluasi.unit_kode = unit_periode.unit_kode
        and evaluasi.predikat = kategori.predikat
    group by 1, 2, 3, 4, 5
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

sel as (
    select
        instansi_kode,
        periode,
        regime,
        baris,
        kolom,
        jumlah,
        baris = '*' or kolom = '*'                                         as is_margin,
        false                                                              as is_tetap,
        {{ sel_kecil('jumlah') }}
        or (kolom <> '*' and jumlah >= {{ var('min_cell_size', 5) }}
            and jumlah = sum(jumlah) filter (where kolom <> '*') over (partition by instansi_kode, periode, regime, baris))
                                                                           as is_primer
    from dengan_margin
),

disembunyikan as (
    {{ sembunyikan_sel('sel', ['instansi_kode', 'periode', 'regime']) }}
),

final as (
    select disembunyikan.*, kategori.urutan
    from disembunyikan
    left join kategori on kategori.regime = disembunyikan.regime and kategori.predikat = disembunyikan.kolom
)

select * from final
