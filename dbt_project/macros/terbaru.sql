{#
  Each government's latest month of a delivered entity that is loaded and in force, from `batch`,
  a relation of the batch ledger (stg_audit__batch).
#}
{% macro bulan_terbaru(batch, entity) -%}
    select instansi_kode, max(periode) as bulan
    from {{ batch }}
    where entity = '{{ entity }}' and status = 'loaded' and is_current
    group by 1
{%- endmacro %}

{#
  The rows of `relation` (a staging view over raw with instansi_kode and periode) in each
  government's latest loaded month of `entity` by `batch` (macro bulan_terbaru). The `periode >= ` condition is the earliest of
  those months, a value PostgreSQL knows once the query runs: it skips the partitions of every
  earlier month (raw is partitioned by period), so the cost is the latest months', not the history's.
#}
{% macro baris_bulan_terbaru(relation, batch, entity) -%}
    with terbaru as (
        {{ bulan_terbaru(batch, entity) }}
    )

    select baris.*
    from {{ relation }} as baris
    join terbaru
        on terbaru.instansi_kode = baris.instansi_kode
        and terbaru.bulan = baris.periode
    where baris.periode >= (select min(bulan) from terbaru)
{%- endmacro %}
