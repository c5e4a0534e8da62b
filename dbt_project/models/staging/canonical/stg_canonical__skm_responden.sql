{{ config(meta={'kolom_periode': 'periode_pengiriman'}) }}

{#
  Survey responses, with the respondent kept only in coarse bins (domain.md §5.3): age in groups,
  gender, education, occupation. The free-text saran stays in raw (it may hold names or phone
  numbers) and goes no further.
#}
with source as (
    select * from {{ source('raw', 'skm_responden') }}
),

renamed as (
    select
        _instansi_kode                      as instansi_kode,
        _periode                            as periode_pengiriman,
        responden_id,
        unit_layanan_kode,
        jenis_layanan,
        tanggal::date                       as tanggal,
        case
            when usia is null then null
            when usia::int < 20 then '<20'
            when usia::int < 30 then '20-29'
            when usia::int < 40 then '30-39'
            when usia::int < 50 then '40-49'
            when usia::int < 60 then '50-59'
            else '60+'
        end                                 as kelompok_usia,
        jenis_kelamin,
        pendidikan,
        pekerjaan,
        persyaratan::smallint               as persyaratan,
        prosedur::smallint                  as prosedur,
        waktu::smallint                     as waktu,
        biaya::smallint                     as biaya,
        produk::smallint                    as produk,
        kompetensi::smallint                as kompetensi,
        perilaku::smallint                  as perilaku,
        pengaduan::smallint                 as pengaduan,
        sarana::smallint                    as sarana,
        _batch_id                           as batch_id
    from source
)

select * from renamed
