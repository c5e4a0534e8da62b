{# Each government's latest loaded unit list: the state snapshots/snp_unit_kerja compares. One month per government. #}
with unit as (
    {{ baris_bulan_terbaru(ref('stg_canonical__unit_kerja'), ref('stg_audit__batch'), 'unit_kerja') }}
),

terkini as (
    select
        instansi_kode,
        unit_kode,
        instansi_kode || ':' || unit_kode   as unit_kunci,
        unit_nama,
        induk_unit_kode,
        is_unit_layanan,
        periode                             as bulan
    from unit
)

select * from terkini
