{#
  The unit under which each unit's people are published (docs/open-data.md, "Small units").

  A unit whose published row would hold fewer than var('publik_min_pegawai_unit') people is
  published within its parent, bottom-up: a unit's row holds its own people and those of the
  units below it that were too small for a row of their own. Every unit is published under the
  nearest unit at or above it whose row holds enough people — or under the government's root,
  which has no parent to go to and is then published however small (its numbers are protected
  by suppression). With var('publik_gabung_unit_kecil') false every unit is its own row.

  `ukuran` is a relation with one row per unit that has people of its own: instansi_kode, the
  period column `periode`, unit_kode, jumlah. `bulan` is an SQL expression over `periode` giving
  the month of the unit tree; `leluhur` a relation like int_unit_kerja__leluhur (instansi_kode,
  bulan, unit_kode, leluhur_kode, jarak). The tree between the units is the tree of units with
  people (a unit without people of its own is passed through). Trees deeper than
  `kedalaman_maksimum` stop gathering below that depth: deeper units are still published, under
  the nearest unit at or above them that holds enough people (correct, only less economical).

  Returns: instansi_kode, <periode>, unit_kode, unit_terbit_kode, jumlah (the unit's own people).
#}
{% macro unit_terbit(ukuran, periode, bulan, leluhur, kedalaman_maksimum=8) %}
{%- set minimum = var('publik_min_pegawai_unit') -%}
with baris as (
    select instansi_kode, {{ periode }} as periode, unit_kode, jumlah, {{ bulan }} as bulan
    from {{ ukuran }}
),
{%- if not var('publik_gabung_unit_kecil') %}
tujuan as (
    select instansi_kode, periode, unit_kode, unit_kode as unit_terbit_kode from baris
)
{%- else %}
garis as (
    -- each unit's ancestors (itself at 0), and whether the ancestor is its root
    select baris.instansi_kode, baris.periode, baris.unit_kode, leluhur.leluhur_kode, leluhur.jarak,
           leluhur.jarak = max(leluhur.jarak) over (partition by baris.instansi_kode, baris.periode, baris.unit_kode)
                                                                           as is_akar
    from baris
    join {{ leluhur }} as leluhur
        on leluhur.instansi_kode = baris.instansi_kode
        and leluhur.bulan = baris.bulan
        and leluhur.unit_kode = baris.unit_kode
),

simpul as (
    -- the units with people, and the roots above them (a root may have nobody of its own)
    select instansi_kode, periode, unit_kode, jumlah from baris
    union
    select distinct garis.instansi_kode, garis.periode, garis.leluhur_kode, 0
    from garis
    where garis.is_akar
      and not exists (select 1 from baris
                      where baris.instansi_kode = garis.instansi_kode and baris.periode = garis.periode
                        and baris.unit_kode = garis.leluhur_kode)
),

atas as (
    -- each unit's proper ancestors that are nodes of the tree of units with people
    select garis.instansi_kode, garis.periode, garis.unit_kode, garis.leluhur_kode, garis.jarak
    from garis
    join simpul
        on simpul.instansi_kode = garis.instansi_kode
        and simpul.periode = garis.periode
        and simpul.unit_kode = garis.leluhur_kode
    where garis.jarak >= 1
),

pohon as (
    select
        simpul.instansi_kode,
        simpul.periode,
        simpul.unit_kode,
        simpul.jumlah,
        induk.induk_kode,
        coalesce(induk.kedalaman, 0)                                       as kedalaman
    from simpul
    left join (
        select instansi_kode, periode, unit_kode, count(*) as kedalaman,
               (array_agg(leluhur_kode order by jarak))[1] as induk_kode
        from atas
        group by 1, 2, 3
    ) as induk
        on induk.instansi_kode = simpul.instansi_kode
        and induk.periode = simpul.periode
        and induk.unit_kode = simpul.unit_kode
),
{#- bottom-up, one depth at a time: a node holds its own people and its children's rows too small to stand #}
{%- for d in range(kedalaman_maksimum, -1, -1) %}

tingkat_{{ d }} as (
    select pohon.instansi_kode, pohon.periode, pohon.unit_kode, pohon.induk_kode,
           pohon.jumlah
           {%- if d < kedalaman_maksimum %}
           + coalesce(sum(anak.terkumpul) filter (where anak.terkumpul < {{ minimum }}), 0)
           {%- endif %}                                                    as terkumpul
    from pohon
    {%- if d < kedalaman_maksimum %}
    left join tingkat_{{ d + 1 }} as anak
        on anak.instansi_kode = pohon.instansi_kode
        and anak.periode = pohon.periode
        and anak.induk_kode = pohon.unit_kode
    {%- endif %}
    where pohon.kedalaman {{ '>=' if d == kedalaman_maksimum else '=' }} {{ d }}
    group by pohon.instansi_kode, pohon.periode, pohon.unit_kode, pohon.induk_kode, pohon.jumlah
),
{%- endfor %}

terkumpul as (
    {%- for d in range(0, kedalaman_maksimum + 1) %}
    select * from tingkat_{{ d }}{{ ' union all' if not loop.last }}
    {%- endfor %}
),

calon as (
    select instansi_kode, periode, unit_kode, unit_kode as calon_kode, 0 as jarak from baris
    union all
    select instansi_kode, periode, unit_kode, leluhur_kode, jarak from atas
),

tujuan as (
    -- the nearest node at or above the unit whose row holds enough people, else its root
    select distinct on (calon.instansi_kode, calon.periode, calon.unit_kode)
        calon.instansi_kode, calon.periode, calon.unit_kode, calon.calon_kode as unit_terbit_kode
    from calon
    join terkumpul
        on terkumpul.instansi_kode = calon.instansi_kode
        and terkumpul.periode = calon.periode
        and terkumpul.unit_kode = calon.calon_kode
    where terkumpul.terkumpul >= {{ minimum }} or terkumpul.induk_kode is null
    order by calon.instansi_kode, calon.periode, calon.unit_kode, calon.jarak
)
{%- endif %}

select
    baris.instansi_kode,
    baris.periode                                                          as {{ periode }},
    baris.unit_kode,
    tujuan.unit_terbit_kode,
    baris.jumlah
from baris
join tujuan
    on tujuan.instansi_kode = baris.instansi_kode
    and tujuan.periode = baris.periode
    and tujuan.unit_kode = baris.unit_kode
{% endmacro %}
