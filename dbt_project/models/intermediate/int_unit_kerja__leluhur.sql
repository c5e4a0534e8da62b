{#
  Every unit with each of its ancestors (itself at distance 0), per month of the unit list: the
  tree is rebuilt from induk_unit_kode each month, so a reorganisation takes effect in its month.
  Incremental by month: a run computes its own month's tree.
#}
{{ config(materialized='incremental', unique_key='bulan', meta={'kolom_periode': 'bulan'}, incremental_strategy='delete+insert', on_schema_change='sync_all_columns',
          indexes=[{'columns': ['bulan', 'instansi_kode', 'unit_kode']}]) }}

with recursive unit as (
    select instansi_kode, periode as bulan, unit_kode, induk_unit_kode
    from {{ ref('stg_canonical__unit_kerja') }}
    {% if is_incremental() %}where {{ pada_periode_dijalankan('periode') }}{% endif %}
),

pohon (instansi_kode, bulan, unit_kode, leluhur_kode, induk_berikut, jarak) as (
    select instansi_kode, bulan, unit_kode, unit_kode, induk_unit_kode, 0
    from unit
    union all
    select pohon.instansi_kode, pohon.bulan, pohon.unit_kode, unit.unit_kode, unit.induk_unit_kode, pohon.jarak + 1
    from pohon
    join unit
        on unit.instansi_kode = pohon.instansi_kode
        and unit.bulan = pohon.bulan
        and unit.unit_kode = pohon.induk_berikut
    where pohon.jarak < 30  -- a cycle in a delivered tree stops here
)

select instansi_kode, bulan, unit_kode, leluhur_kode, jarak
from pohon
