{#
  How many employees of each instansi received each predikat in a period, as published.
  Aggregates only; small cells are withheld (macro suppress_small_cells). No NIP, no names.
#}
with evaluasi as (
    select * from {{ ref('fct_evaluasi_kinerja') }}
    where regime = 'PERMEN6_2022' and predikat_dihitung is not null
),

predikat as (
    select * from {{ ref('predikat_pegawai') }}
),

instansi_periode as (
    select distinct instansi_kode, periode from evaluasi
),

counted as (
    select
        instansi_periode.instansi_kode,
        instansi_periode.periode,
        predikat.predikat,
        predikat.urutan,
        count(evaluasi.nip) as jumlah_pegawai
    from instansi_periode
    cross join predikat
    left join evaluasi
        on evaluasi.instansi_kode = instansi_periode.instansi_kode
        and evaluasi.periode = instansi_periode.periode
        and evaluasi.predikat_dihitung = predikat.predikat
    group by 1, 2, 3, 4
),

suppressed as (
    {{ suppress_small_cells('counted', ['instansi_kode', 'periode'], 'urutan', 'jumlah_pegawai') }}
),

final as (
    select
        instansi_kode::text                                         as instansi_kode,
        periode::text                                               as periode,
        predikat::text                                              as predikat,
        jumlah_pegawai_publik::integer                              as jumlah_pegawai,
        case when is_suppressed then null
             else round(100.0 * jumlah_pegawai / nullif(sum(jumlah_pegawai) over (
                 partition by instansi_kode, periode), 0), 1)
        end::numeric(5, 1)                                          as persen_pegawai,
        is_suppressed::boolean                                      as is_disembunyikan
    from suppressed
)

select * from final
