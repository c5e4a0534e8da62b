{# Organisation units with their history (snapshot snp_unit_kerja): one row per version. #}
with versi as (
    select * from {{ ref('snp_unit_kerja') }}
),

final as (
    select
        unit_kunci || ':' || bulan                                         as unit_versi_kunci,
        instansi_kode,
        unit_kode,
        unit_nama,
        induk_unit_kode,
        is_unit_layanan,
        bulan                                                              as berlaku_dari_bulan,
        (lead(bulan) over riwayat_unit)                                    as berlaku_hingga_sebelum_bulan,
        dbt_valid_to is null                                               as is_terkini,
        dbt_valid_from                                                     as dicatat_pada,
        dbt_valid_to                                                       as diganti_pada
    from versi
    window riwayat_unit as (partition by instansi_kode, unit_kode order by dbt_valid_from)
)

select * from final
