{#
  The distribution curve's judgement (SE MenPANRB 3/2023, domain.md §1.5; seed kurva_distribusi) of
  each unit's counts, one place for the periodic curve (mart_kurva_distribusi) and the annual one
  (mart_kurva_distribusi_tahunan). The caller's query defines the CTE `hitungan` (instansi_kode,
  periode, unit_kode, predikat_organisasi, jumlah_dinilai, jumlah_tanpa_evaluasi and jumlah_<predikat>
  for the five predikat) and continues its `with` list with this macro, which ends in `select`.
  Unconfirmed details are settings: var kurva_min_pegawai, var kurva_sebagian_besar (see dbt_project.yml).
#}
{% macro kurva_distribusi_dinilai() %}
{%- set sebagian_besar = var('kurva_sebagian_besar') -%}
{%- if sebagian_besar not in ('lebih_dari_persen', 'terbanyak') -%}
    {{ exceptions.raise_compiler_error("var kurva_sebagian_besar must be lebih_dari_persen or terbanyak, not " ~ sebagian_besar) }}
{%- endif %}

aturan as (
    select * from {{ ref('kurva_distribusi') }}
),

per_aturan as (
    -- each rule, judged for every predikat the staff without a loaded evaluation might have had:
    -- broken for certain, kept for certain, or depending on them
    select
        hitungan.instansi_kode,
        hitungan.periode,
        hitungan.unit_kode,
        aturan.aturan,
        aturan.keterangan,
        aturan.batas = 'sebagian_besar'                                    as is_sebagian_besar,
        case aturan.batas
            when 'paling_banyak' then 100.0 * sebut.jumlah / semua.n > aturan.persen
            when 'paling_sedikit' then 100.0 * (sebut.jumlah + semua.m) / semua.n < aturan.persen
            when 'harus_ada' then sebut.jumlah = 0 and semua.m = 0
            {%- if sebagian_besar == 'terbanyak' %}
            when 'sebagian_besar' then sebut.jumlah + semua.m <= lain.maks
            {%- else %}
            when 'sebagian_besar' then 100.0 * (sebut.jumlah + semua.m) / semua.n <= aturan.persen
            {%- endif %}
        end                                                                as pasti_dilanggar,
        case aturan.batas
            when 'paling_banyak' then 100.0 * (sebut.jumlah + semua.m) / semua.n <= aturan.persen
            when 'paling_sedikit' then 100.0 * sebut.jumlah / semua.n >= aturan.persen
            when 'harus_ada' then sebut.jumlah > 0
            {%- if sebagian_besar == 'terbanyak' %}
            when 'sebagian_besar' then sebut.jumlah > lain.maks + semua.m
            {%- else %}
            when 'sebagian_besar' then 100.0 * sebut.jumlah / semua.n > aturan.persen
            {%- endif %}
        end                                                                as pasti_dipatuhi
    from hitungan
    join aturan on aturan.predikat_organisasi = hitungan.predikat_organisasi
    cross join lateral (
        select hitungan.jumlah_dinilai + hitungan.jumlah_tanpa_evaluasi as n, hitungan.jumlah_tanpa_evaluasi as m
    ) as semua
    cross join lateral (
        select
            (case when 'SANGAT_BAIK' = any (string_to_array(aturan.predikat_pegawai, '|')) then hitungan.jumlah_sangat_baik else 0 end
             + case when 'BAIK' = any (string_to_array(aturan.predikat_pegawai, '|')) then hitungan.jumlah_baik else 0 end
             + case when 'BUTUH_PERBAIKAN' = any (string_to_array(aturan.predikat_pegawai, '|')) then hitungan.jumlah_butuh_perbaikan else 0 end
             + case when 'KURANG' = any (string_to_array(aturan.predikat_pegawai, '|')) then hitungan.jumlah_kurang else 0 end
             + case when 'SANGAT_KURANG' = any (string_to_array(aturan.predikat_pegawai, '|')) then hitungan.jumlah_sangat_kurang else 0 end
            ) as jumlah
    ) as sebut
    cross join lateral (
        -- the largest other single predikat (for "most" read as terbanyak)
        select coalesce(max(lain.jumlah), 0) as maks
        from (values ('SANGAT_BAIK', hitungan.jumlah_sangat_baik), ('BAIK', hitungan.jumlah_baik),
                     ('BUTUH_PERBAIKAN', hitungan.jumlah_butuh_perbaikan), ('KURANG', hitungan.jumlah_kurang),
                     ('SANGAT_KURANG', hitungan.jumlah_sangat_kurang)) as lain (predikat, jumlah)
        where not (lain.predikat = any (string_to_array(aturan.predikat_pegawai, '|')))
    ) as lain
    where hitungan.jumlah_dinilai + hitungan.jumlah_tanpa_evaluasi >= {{ var('kurva_min_pegawai') }}
),

pelanggaran as (
    select
        instansi_kode,
        periode,
        unit_kode,
        -- the confirmed parts of the curve
        count(*) filter (where pasti_dilanggar and not is_sebagian_besar)  as jumlah_aturan_dilanggar,
        string_agg(aturan, ', ' order by aturan) filter (where pasti_dilanggar and not is_sebagian_besar) as aturan_dilanggar,
        string_agg(keterangan, '; ' order by aturan) filter (where pasti_dilanggar and not is_sebagian_besar)
                                                                           as keterangan_pelanggaran,
        string_agg(aturan, ', ' order by aturan) filter (where not pasti_dilanggar and not pasti_dipatuhi
                                                         and not is_sebagian_besar) as aturan_belum_pasti,
        bool_and(pasti_dipatuhi) filter (where not is_sebagian_besar)      as semua_pasti_dipatuhi,
        -- the unconfirmed "most staff" part, apart
        max(aturan) filter (where is_sebagian_besar)                       as aturan_sebagian_besar,
        bool_or(pasti_dilanggar) filter (where is_sebagian_besar)          as sebagian_besar_dilanggar,
        bool_or(pasti_dipatuhi) filter (where is_sebagian_besar)           as sebagian_besar_dipatuhi
    from per_aturan
    group by 1, 2, 3
),

final as (
    select
        hitungan.instansi_kode::text                                       as instansi_kode,
        hitungan.periode::text                                             as periode,
        hitungan.unit_kode::text                                           as unit_kode,
        hitungan.predikat_organisasi::text                                 as predikat_organisasi,
        hitungan.jumlah_dinilai::integer                                   as jumlah_dinilai,
        hitungan.jumlah_tanpa_evaluasi::integer                            as jumlah_tanpa_evaluasi,
        hitungan.jumlah_sangat_baik::integer                               as jumlah_sangat_baik,
        hitungan.jumlah_baik::integer                                      as jumlah_baik,
        hitungan.jumlah_butuh_perbaikan::integer                           as jumlah_butuh_perbaikan,
        hitungan.jumlah_kurang::integer                                    as jumlah_kurang,
        hitungan.jumlah_sangat_kurang::integer                             as jumlah_sangat_kurang,
        round(100.0 * hitungan.jumlah_sangat_baik / hitungan.jumlah_dinilai, 1)::numeric(4, 1)     as persen_sangat_baik,
        round(100.0 * hitungan.jumlah_baik / hitungan.jumlah_dinilai, 1)::numeric(4, 1)            as persen_baik,
        round(100.0 * hitungan.jumlah_butuh_perbaikan / hitungan.jumlah_dinilai, 1)::numeric(4, 1) as persen_butuh_perbaikan,
        round(100.0 * hitungan.jumlah_kurang / hitungan.jumlah_dinilai, 1)::numeric(4, 1)          as persen_kurang,
        round(100.0 * hitungan.jumlah_sangat_kurang / hitungan.jumlah_dinilai, 1)::numeric(4, 1)   as persen_sangat_kurang,
        (case
            when pelanggaran.unit_kode is null then 'TIDAK_DINILAI'
            when pelanggaran.jumlah_aturan_dilanggar > 0 then 'MELANGGAR'
            when pelanggaran.semua_pasti_dipatuhi then 'PATUH'
            else 'BELUM_PASTI'
        end)::text                                                         as status_kurva,
        coalesce(pelanggaran.jumlah_aturan_dilanggar, 0)::integer          as jumlah_aturan_dilanggar,
        pelanggaran.aturan_dilanggar::text                                 as aturan_dilanggar,
        pelanggaran.keterangan_pelanggaran::text                           as keterangan_pelanggaran,
        pelanggaran.aturan_belum_pasti::text                               as aturan_belum_pasti,
        (coalesce(pelanggaran.jumlah_aturan_dilanggar, 0) > 0)::boolean    as is_melanggar_kurva,
        pelanggaran.aturan_sebagian_besar::text                            as aturan_sebagian_besar,
        (case
            when pelanggaran.aturan_sebagian_besar is null then null
            when pelanggaran.sebagian_besar_dilanggar then 'TIDAK_TERPENUHI'
            when pelanggaran.sebagian_besar_dipatuhi then 'TERPENUHI'
            else 'BELUM_PASTI'
        end)::text                                                         as status_sebagian_besar
    from hitungan
    left join pelanggaran using (instansi_kode, periode, unit_kode)
)

select * from final
{% endmacro %}
