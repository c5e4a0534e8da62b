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

pemberi as (
    -- who gave feedback in the year, once each: a few thousand rows where the year's lines are a
    -- million (all the lines' columns, read twice, were written to disk as a CTE: 2 s with 10 months)
    select distinct instansi_kode, tahun, pemberi_nip from {{ ref('fct_umpan_balik') }}
    {% if is_incremental() %}where {{ pada_tahun_dijalankan('bulan') }}{% endif %}
),

dilaporkan as (
    select distinct instansi_kode, tahun from pemberi
),

final as (
    select
        evaluasi.instansi_kode::text                                       as instansi_kode,
        evaluasi.tahun::integer                                            as tahun,
        evaluasi.penilai_nip::text                                         as penilai_nip,
        count(distinct evaluasi.nip)::integer                              as jumlah_pegawai_dinilai,
        count(distinct evaluasi.periode)::integer                          as jumlah_periode,
        min(evaluasi.periode)::text                                        as periode_pertama,
        max(evaluasi.periode)::text                                        as periode_terakhir
    from evaluasi
    join dilaporkan on dilaporkan.instansi_kode = evaluasi.instansi_kode and dilaporkan.tahun = evaluasi.tahun
    left join pemberi
        on pemberi.instansi_kode = evaluasi.instansi_kode and pemberi.tahun = evaluasi.tahun
        and pemberi.pemberi_nip = evaluasi.penilai_nip
    where pemberi.pemberi_nip is null
    group by 1, 2, 3
)

select * from final
