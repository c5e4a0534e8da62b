{#
  Employees with their history: one row per version of an employee (snapshot snp_pegawai), valid
  from the month it was first seen to the month before the next version. Answers who was where,
  under whom, in which position, in any month. Internal: holds NIP and name.
#}
with versi as (
    select * from {{ ref('snp_pegawai') }}
),

final as (
    select
        pegawai_kunci || ':' || bulan                                      as pegawai_versi_kunci,
        instansi_kode,
        nip,
        nama,
        status_kepegawaian,
        jenis_kelamin,
        golongan,
        jabatan_nama,
        jabatan_kategori,
        unit_kode,
        atasan_nip,
        aktif,
        bulan                                                              as berlaku_dari_bulan,
        (lead(bulan) over riwayat_pegawai)                                 as berlaku_hingga_sebelum_bulan,
        dbt_valid_to is null                                               as is_terkini,
        dbt_valid_from                                                     as dicatat_pada,
        dbt_valid_to                                                       as diganti_pada
    from versi
    window riwayat_pegawai as (partition by instansi_kode, nip order by dbt_valid_from)
)

select * from final
