{# Each government's latest loaded unit list: the state snapshots/snp_unit_kerja compares. One month per government. #}
with terbaru as (
    {{ bulan_terbaru('unit_kerja') }}
),

unit as (
    select unit.*
    from {{ ref('stg_canonical__unit_kerja') }} as unit
    join terbaru
        on terbaru.instansi_kode = unit.instansi_kode
        and terbaru.bulan = unit.periode
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
