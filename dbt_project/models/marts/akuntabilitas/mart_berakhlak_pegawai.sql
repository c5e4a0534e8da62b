{#
  The BerAKHLAK values beside the overall perilaku rating, per employee and evaluation period: how
  many of the seven values were rated Di Atas, Sesuai and Di Bawah Ekspektasi, the rating most
  values got, and the overall perilaku kerja rating of his evaluation for the same SKP. PermenPANRB
  6/2022 rates perilaku "against" the values but gives no formula from their ratings to the overall
  one (domain.md §1.2, §1.7), so nothing here is a finding: is_sama_dengan_terbanyak only sets the
  two side by side. Personal (NIP): auditors and the government's own readers. Incremental by evaluation period
  (the periods the run consolidates).
#}
{{ config(materialized='incremental', unique_key='periode', meta={'kolom_periode': 'periode'}, incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', indexes=[{'columns': ['periode']}]) }}

with nilai as (
    select * from {{ ref('stg_canonical__perilaku_kerja') }}
    {% if is_incremental() %}where {{ pada_bulan_dijalankan('periode_pengiriman') }} and {{ pada_periode_dijalankan('periode') }}{% endif %}
),

evaluasi as (
    select instansi_kode, periode, nip, skp_id, rating_perilaku_kerja
    from {{ ref('fct_evaluasi_kinerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

per_pegawai as (
    select
        instansi_kode, periode, nip, skp_id,
        count(*)                                                           as jumlah_nilai,
        count(*) filter (where rating = 'DIATAS')                          as jumlah_diatas,
        count(*) filter (where rating = 'SESUAI')                          as jumlah_sesuai,
        count(*) filter (where rating = 'DIBAWAH')                         as jumlah_dibawah,
        count(*) filter (where ekspektasi is not null)                     as jumlah_ekspektasi
    from nilai
    group by 1, 2, 3, 4
),

terbanyak as (
    select
        per_pegawai.*,
        case
            when jumlah_diatas + jumlah_sesuai + jumlah_dibawah = 0 then null
            when jumlah_diatas > jumlah_sesuai and jumlah_diatas > jumlah_dibawah then 'DIATAS'
            when jumlah_dibawah > jumlah_sesuai and jumlah_dibawah > jumlah_diatas then 'DIBAWAH'
            else 'SESUAI'
        end as rating_terbanyak
    from per_pegawai
),

final as (
    select
        p.instansi_kode::text                                              as instansi_kode,
        p.periode::text                                                    as periode,
        p.nip::text                                                        as nip,
        p.skp_id::text                                                     as skp_id,
        p.jumlah_nilai::integer                                            as jumlah_nilai,
        p.jumlah_ekspektasi::integer                                       as jumlah_ekspektasi,
        p.jumlah_diatas::integer                                           as jumlah_diatas,
        p.jumlah_sesuai::integer                                           as jumlah_sesuai,
        p.jumlah_dibawah::integer                                          as jumlah_dibawah,
        p.rating_terbanyak::text                                           as rating_terbanyak,
        evaluasi.rating_perilaku_kerja::text                               as rating_perilaku_kerja,
        (evaluasi.rating_perilaku_kerja = p.rating_terbanyak)::boolean     as is_sama_dengan_terbanyak
    from terbanyak as p
    left join evaluasi
        on evaluasi.instansi_kode = p.instansi_kode and evaluasi.periode = p.periode
        and evaluasi.nip = p.nip and evaluasi.skp_id = p.skp_id
)

select * from final
