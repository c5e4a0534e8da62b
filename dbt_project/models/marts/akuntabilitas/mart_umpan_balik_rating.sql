{#
  Ratings of staff with and without feedback (do staff who get feedback end better?): per
  government and evaluation period, the evaluated people (the evaluation that speaks for each),
  split by whether they received any feedback in the period's months (RHK or behaviour), counted
  per rating hasil kerja and predikat, with each count's share of its group. Governments and
  periods without any feedback delivered are left out. Counts of people.
#}
with evaluasi as (
    select instansi_kode, periode, nip, regime, rating_hasil_kerja, predikat_final
    from {{ ref('fct_evaluasi_kinerja') }}
    where is_penentu and predikat_final is not null
),

umpan_balik as (
    select distinct instansi_kode, bulan, nip from {{ ref('fct_umpan_balik') }}
),

dilaporkan as (
    select distinct instansi_kode, bulan from umpan_balik
),

per_pegawai as (
    select
        evaluasi.*,
        exists (
            select 1 from umpan_balik
            where umpan_balik.instansi_kode = evaluasi.instansi_kode and umpan_balik.nip = evaluasi.nip
              and umpan_balik.bulan between to_char({{ periode_awal('evaluasi.periode') }}, 'YYYY-MM')
                                        and to_char({{ periode_akhir('evaluasi.periode') }}, 'YYYY-MM')
        ) as is_dapat_umpan_balik
    from evaluasi
    where exists (
        select 1 from dilaporkan
        where dilaporkan.instansi_kode = evaluasi.instansi_kode
          and dilaporkan.bulan between to_char({{ periode_awal('evaluasi.periode') }}, 'YYYY-MM')
                                   and to_char({{ periode_akhir('evaluasi.periode') }}, 'YYYY-MM')
    )
),

hitungan as (
    select instansi_kode, periode, regime, is_dapat_umpan_balik, rating_hasil_kerja, predikat_final,
           count(distinct nip) as jumlah_pegawai
    from per_pegawai
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        instansi_kode::text                                                as instansi_kode,
        periode::text                                                      as periode,
        regime::text                                                       as regime,
        is_dapat_umpan_balik::boolean                                      as is_dapat_umpan_balik,
        coalesce(rating_hasil_kerja, '-')::text                            as rating_hasil_kerja,
        predikat_final::text                                               as predikat,
        jumlah_pegawai::integer                                            as jumlah_pegawai,
        round(100.0 * jumlah_pegawai / sum(jumlah_pegawai) over (
            partition by instansi_kode, periode, regime, is_dapat_umpan_balik), 1)::numeric(4, 1)
                                                                           as persen_kelompok
    from hitungan
)

select * from final
