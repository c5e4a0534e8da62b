{#
  Raters who rate without ever giving feedback: per government and year, every rater of an
  evaluation of the year (not a rating of oneself, a finding of its own in fct_evaluasi_kinerja)
  who gave no feedback at all in that year, in a government that delivered feedback that year
  (a government whose sources hold none is not judged). With how many people and periods he rated. Incremental by year: a month's run rebuilds its year.
#}
{{ config(materialized='incremental', unique_key='tahun', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns') }}

with evaluasi as (
    select instansi_kode, left(periode, 4)::integer as tahun, periode, nip, penilai_nip
    from {{ ref('fct_evaluasi_kinerja') }}
    where penilai_nip is not null and not is_menilai_diri_sendiri
      {% if is_incremental() %}and {{ pada_tahun_periode_dijalankan('periode') }}{% endif %}
),

pemberi as not materialized (
    -- who gave feedback in the year, from each month's givers (int_umpan_balik__pemberi): a few thousand
    -- rows where the year's feedback lines are a million. Not materialised: read as the table, with its
    -- statistics (a CTE has none, and the planner, taking 200 givers, sorted the year's evaluations for
    -- a merge instead of hashing the givers)
    select instansi_kode, tahun, pemberi_nip from {{ ref('int_umpan_balik__pemberi') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('bulan') }}{% endif %}
),

dilaporkan as (
    select distinct instansi_kode, tahun from pemberi
),

tanpa_umpan_balik as materialized (
    -- the year's evaluations whose rater gave no feedback that year: found first, a hash on the year's
    -- givers, and only then kept where the government delivered feedback. Joined to the governments
    -- first, the planner took the year's evaluations for a thirtieth of them (it cannot know that a
    -- handful of governments covers them all) and sorted every one for a merge: 0.23 s of 0.4 s with
    -- ten months at 20,000 employees, where a few percent are left. Materialised: counted apart
    select evaluasi.*
    from evaluasi
    where not exists (
        select 1 from pemberi
        where pemberi.instansi_kode = evaluasi.instansi_kode and pemberi.tahun = evaluasi.tahun
          and pemberi.pemberi_nip = evaluasi.penilai_nip
    )
),

final as (
    select
        tanpa_umpan_balik.instansi_kode::text                              as instansi_kode,
        tanpa_umpan_balik.tahun::integer                                   as tahun,
        tanpa_umpan_balik.penilai_nip::text                                as penilai_nip,
        count(distinct tanpa_umpan_balik.nip)::integer                     as jumlah_pegawai_dinilai,
        count(distinct tanpa_umpan_balik.periode)::integer                 as jumlah_periode,
        min(tanpa_umpan_balik.periode)::text                               as periode_pertama,
        max(tanpa_umpan_balik.periode)::text                               as periode_terakhir
    from tanpa_umpan_balik
    join dilaporkan
        on dilaporkan.instansi_kode = tanpa_umpan_balik.instansi_kode and dilaporkan.tahun = tanpa_umpan_balik.tahun
    group by 1, 2, 3
)

select * from final
