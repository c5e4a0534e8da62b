{# Each government's latest loaded unit list: the state snapshots/snp_unit_kerja compares. One month per government. #}
with terbaru as (
    select instansi_kode, max(periode) as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = 'unit_kerja' and status = 'loaded' and is_current
    group by 1
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
