{#
  SKP quality (issue 20, Kepahiang's ask: staff who do not understand their indicators): each RHK
  line of a month with the rules of seed aturan_mutu_skp it breaks, and whether it can be measured.
    BARIS rules, a line on its own: TANPA_TARGET (no target, neither number nor words), TANPA_SATUAN,
      TARGET_BUKAN_ANGKA (a quantitative indicator, seed indikator_kuantitatif, with a target in
      words), REALISASI_TANPA_TARGET (a realisation against no numeric target).
    UNIT rules, the lines of the employee's unit (his unit on the month's roster) together:
      TARGET_SAMA_REALISASI (at least ambang_persen % of the lines with both equal, over at least
      minimum_kelompok lines: every line of the unit), INDIKATOR_DISALIN (an indicator text, case
      and spacing ignored, held by more than ambang_persen % of the unit's staff with lines, in a unit
      of at least minimum_kelompok of them: the lines carrying it).
  A line breaking none is measurable (is_terukur). Lines of people not on the month's roster have no
  unit: the unit rules do not judge them. Partitioned by month like fct_rhk_capaian, whose lines
  it judges (macros/partisi_periode.sql): the grain is each partition's UNIQUE constraint.
#}
{{ config(materialized='partisi_periode', kolom_partisi='periode',
          kunci_unik=['instansi_kode', 'nip', 'skp_id', 'periode', 'rhk_kode'], meta={'kolom_periode': 'periode'}) }}

with rhk as (
    select * from {{ ref('fct_rhk_capaian') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

aturan as (
    select * from {{ ref('aturan_mutu_skp') }}
),

kuantitatif as (
    select lower(kata_awal) as kata_awal from {{ ref('indikator_kuantitatif') }}
),

ambang as (
    select
        max(ambang_persen) filter (where aturan_kode = 'TARGET_SAMA_REALISASI')    as sama_persen,
        max(minimum_kelompok) filter (where aturan_kode = 'TARGET_SAMA_REALISASI') as sama_min_baris,
        max(ambang_persen) filter (where aturan_kode = 'INDIKATOR_DISALIN')        as salin_persen,
        max(minimum_kelompok) filter (where aturan_kode = 'INDIKATOR_DISALIN')     as salin_min_pegawai
    from aturan
),

baris as (
    select
        rhk.*,
        nullif(lower(regexp_replace(btrim(coalesce(rhk.indikator, '')), '\s+', ' ', 'g')), '') as indikator_baku,
        nullif(btrim(coalesce(rhk.satuan, '')), '') is null                as is_satuan_kosong
    from rhk
),

indikator as (
    -- whether an indicator text is quantitative, once per distinct text of the month (a few thousand),
    -- not once per line: as a subquery beside each line it re-normalised the text for every seed word
    -- and took 3.5 s of 5.3 s at 50,000 employees
    select
        teks.indikator_baku,
        exists (select 1 from kuantitatif
                where teks.indikator_baku = kuantitatif.kata_awal
                   or teks.indikator_baku like kuantitatif.kata_awal || ' %')   as is_kuantitatif
    from (select distinct indikator_baku from baris where indikator_baku is not null) as teks
),

ditandai as (
    select
        baris.*,
        coalesce(indikator.is_kuantitatif, false)                          as is_kuantitatif
    from baris
    left join indikator on indikator.indikator_baku = baris.indikator_baku
),

per_unit as (
    select
        instansi_kode,
        unit_kode,
        periode,
        count(distinct nip)                                                as jumlah_pegawai,
        count(*) filter (where target is not null and realisasi is not null) as jumlah_berpasangan,
        count(*) filter (where target is not null and realisasi is not null and realisasi = target) as jumlah_sama
    from ditandai
    where unit_kode is not null
    group by 1, 2, 3
),

unit_sama as (
    select per_unit.instansi_kode, per_unit.unit_kode, per_unit.periode
    from per_unit
    cross join ambang
    where per_unit.jumlah_berpasangan >= ambang.sama_min_baris
      and 100.0 * per_unit.jumlah_sama / per_unit.jumlah_berpasangan >= ambang.sama_persen
),

indikator_unit as (
    select instansi_kode, unit_kode, periode, indikator_baku, count(distinct nip) as jumlah_pegawai_indikator
    from ditandai
    where unit_kode is not null and indikator_baku is not null
    group by 1, 2, 3, 4
),

disalin as (
    select indikator_unit.instansi_kode, indikator_unit.unit_kode, indikator_unit.periode, indikator_unit.indikator_baku
    from indikator_unit
    join per_unit using (instansi_kode, unit_kode, periode)
    cross join ambang
    where per_unit.jumlah_pegawai >= ambang.salin_min_pegawai
      and 100.0 * indikator_unit.jumlah_pegawai_indikator / per_unit.jumlah_pegawai > ambang.salin_persen
),

dinilai as (
    select
        ditandai.*,
        ditandai.target is null and ditandai.target_teks is null           as is_tanpa_target,
        ditandai.is_satuan_kosong                                          as is_tanpa_satuan,
        ditandai.target is null and ditandai.target_teks is not null and ditandai.is_kuantitatif
                                                                           as is_target_bukan_angka,
        ditandai.realisasi is not null and ditandai.target is null         as is_realisasi_tanpa_target,
        unit_sama.unit_kode is not null                                    as is_target_sama_realisasi,
        disalin.unit_kode is not null                                      as is_indikator_disalin
    from ditandai
    left join unit_sama
        on unit_sama.instansi_kode = ditandai.instansi_kode
        and unit_sama.unit_kode = ditandai.unit_kode
        and unit_sama.periode = ditandai.periode
    left join disalin
        on disalin.instansi_kode = ditandai.instansi_kode
        and disalin.unit_kode = ditandai.unit_kode
        and disalin.periode = ditandai.periode
        and disalin.indikator_baku = ditandai.indikator_baku
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        unit_kode::text                                                    as unit_kode,
        nip::text                                                          as nip,
        skp_id::text                                                       as skp_id,
        rhk_kode::text                                                     as rhk_kode,
        indikator::text                                                    as indikator,
        target::numeric                                                    as target,
        target_teks::text                                                  as target_teks,
        satuan::text                                                       as satuan,
        realisasi::numeric                                                 as realisasi,
        is_kuantitatif::boolean                                            as is_kuantitatif,
        is_tanpa_target::boolean                                           as is_tanpa_target,
        is_tanpa_satuan::boolean                                           as is_tanpa_satuan,
        is_target_bukan_angka::boolean                                     as is_target_bukan_angka,
        is_realisasi_tanpa_target::boolean                                 as is_realisasi_tanpa_target,
        is_target_sama_realisasi::boolean                                  as is_target_sama_realisasi,
        is_indikator_disalin::boolean                                      as is_indikator_disalin,
        nullif(concat_ws(', ',
            case when is_tanpa_target then 'TANPA_TARGET' end,
            case when is_tanpa_satuan then 'TANPA_SATUAN' end,
            case when is_target_bukan_angka then 'TARGET_BUKAN_ANGKA' end,
            case when is_realisasi_tanpa_target then 'REALISASI_TANPA_TARGET' end,
            case when is_target_sama_realisasi then 'TARGET_SAMA_REALISASI' end,
            case when is_indikator_disalin then 'INDIKATOR_DISALIN' end), '')::text as aturan_dilanggar,
        not (is_tanpa_target or is_tanpa_satuan or is_target_bukan_angka or is_realisasi_tanpa_target
             or is_target_sama_realisasi or is_indikator_disalin)::boolean  as is_terukur
    from dinilai
)

select * from final
