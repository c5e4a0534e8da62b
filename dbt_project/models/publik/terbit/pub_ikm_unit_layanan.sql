{#
  IKM per service unit and survey period (PermenPANRB 14/2017), as published: NRR per unsur,
  IKM (the konversi, 25-100), mutu and kinerja, respondents and whether the sample met the
  Krejcie-Morgan minimum. No respondent's details, no free text.

  A period with fewer than var('min_cell_size') respondents is withheld (the count and every
  figure computed from it). Periods nest (two quarters make a semester, two semesters a year),
  so a withheld quarter would follow from its semester and the other quarter: a semester with
  exactly one withheld quarter is withheld too, and a year with exactly one withheld semester.
#}
{%- set unsur = ['persyaratan', 'prosedur', 'waktu', 'biaya', 'produk', 'kompetensi', 'perilaku', 'pengaduan', 'sarana'] %}

with ikm as (
    select * from {{ ref('fct_ikm_unit_layanan') }}
),

unit as (
    select * from {{ ref('int_unit_kerja__terkini') }}
),

instansi as (
    select * from {{ ref('dim_instansi') }}
),

tahan as (
    -- a service unit's periods ending in a month, held after the disclosure audit (etl/publish/repair.py)
    select distinct instansi_kode, periode as bulan_laporan, baris as unit_layanan_kode
    from {{ ref('stg_kendali_publik__tahan_tambahan') }}
    where tabel = 'ikm'
),

primer as (
    select
        ikm.*,
        left(periode, 4)                                                   as tahun,
        case when jenis_periode = 'TRIWULANAN' then left(periode, 4) || '-S' || ((right(periode, 1)::int + 1) / 2)
             when jenis_periode = 'SEMESTERAN' then periode end            as semester,
        not {{ sel_kecil('jumlah_responden') }} and jumlah_responden > 0
            and not exists (select 1 from tahan
                            where tahan.instansi_kode = ikm.instansi_kode
                              and tahan.unit_layanan_kode = ikm.unit_layanan_kode
                              and tahan.bulan_laporan = to_char({{ periode_akhir('ikm.periode') }}, 'YYYY-MM'))
                                                                           as is_tampil_sendiri
    from ikm
),

semester as (
    select
        primer.*,
        case when jenis_periode = 'SEMESTERAN'
             then count(*) filter (where jenis_periode = 'TRIWULANAN' and not is_tampil_sendiri)
                      over (partition by instansi_kode, unit_layanan_kode, semester) = 1
             else false end                                                as is_pelengkap_semester
    from primer
),

tahun as (
    select
        semester.*,
        case when jenis_periode = 'TAHUNAN'
             then count(*) filter (where jenis_periode = 'SEMESTERAN' and not (is_tampil_sendiri and not is_pelengkap_semester))
                      over (partition by instansi_kode, unit_layanan_kode, tahun) = 1
             else false end                                                as is_pelengkap_tahun
    from semester
),

final as (
    select
        tahun.instansi_kode::text                                          as instansi_kode,
        coalesce(instansi.instansi_nama, tahun.instansi_kode)::text        as instansi_nama,
        tahun.unit_layanan_kode::text                                      as unit_layanan_kode,
        coalesce(unit.unit_nama, tahun.unit_layanan_kode)::text            as unit_layanan_nama,
        tahun.jenis_periode::text                                          as jenis_periode,
        tahun.periode::text                                                as periode,
        to_char({{ periode_akhir('tahun.periode') }}, 'YYYY-MM')::text     as bulan_laporan,
        (case when tampil then tahun.jumlah_responden end)::integer        as jumlah_responden,
        {%- for u in unsur %}
        (case when tampil then tahun.nrr_{{ u }} end)::numeric(6, 4)       as nrr_{{ u }},
        {%- endfor %}
        (case when tampil then tahun.ikm_konversi end)::numeric(5, 2)      as ikm,
        (case when tampil then tahun.mutu end)::text                       as mutu,
        (case when tampil then tahun.kinerja end)::text                    as kinerja,
        (case when tampil then tahun.is_sampel_memadai end)::boolean       as is_sampel_memadai,
        (not tampil)::boolean                                              as is_disembunyikan
    from tahun
    cross join lateral (
        select tahun.is_tampil_sendiri and not tahun.is_pelengkap_semester and not tahun.is_pelengkap_tahun as tampil
    ) as keputusan
    left join unit on unit.instansi_kode = tahun.instansi_kode and unit.unit_kode = tahun.unit_layanan_kode
    left join instansi on instansi.instansi_kode = tahun.instansi_kode
)

select * from final
