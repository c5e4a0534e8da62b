{# Each unit as the latest unit list that has it says (the state snapshots/snp_unit_kerja.yml compares). #}
with unit as (
    select * from {{ ref('stg_canonical__unit_kerja') }}
),

terkini as (
    select distinct on (instansi_kode, unit_kode)
        instansi_kode,
        unit_kode,
        instansi_kode || ':' || unit_kode   as unit_kunci,
        unit_nama,
        induk_unit_kode,
        is_unit_layanan,
        periode                             as bulan
    from unit
    order by instansi_kode, unit_kode, periode desc
)

select * from terkini
