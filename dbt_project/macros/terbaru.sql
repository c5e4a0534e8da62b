{# Each government's latest month of a delivered entity that is loaded and in force (from audit.batch). #}
{% macro bulan_terbaru(entity) -%}
    select instansi_kode, max(periode) as bulan
    from {{ ref('stg_audit__batch') }}
    where entity = '{{ entity }}' and status = 'loaded' and is_current
    group by 1
{%- endmacro %}
