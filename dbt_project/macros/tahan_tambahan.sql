{#
  The publication's extra holds (docs/open-data.md, "When the audit still finds something"):
  groups of public cells withheld because the disclosure audit (etl/publish/disclosure.py) found a
  number the rules above left a reader could narrow too far. Written by etl/publish/repair.py
  between dbt's build of a month and the rebuild of its public cells; read, through the staging
  view stg_kendali_publik__tahan_tambahan, by the sel_* models and pub_ikm_unit_layanan as primary
  suppression. Created here, before every dbt run, so
  that the models can read it on a fresh warehouse.

    tabel     predikat | kepatuhan | pelatihan | pengaduan | ikm
    grup      the table's group: a regime (predikat), a measure (kepatuhan, pelatihan), '' otherwise
    tingkat   1: every unit's row of the group; 2: the government's row too (the whole group)
    baris     ikm only: the service unit whose periods ending in `periode` are withheld
    alasan    the audit's finding, for the record
#}
{% macro buat_tahan_tambahan() %}
    create schema if not exists intermediate;
    create table if not exists intermediate.tahan_tambahan (
        instansi_kode text not null,
        periode       text not null,
        tabel         text not null,
        grup          text not null default '',
        tingkat       integer not null,
        baris         text,
        alasan        text not null
    );
{% endmacro %}


{#
  The holds of a table, one row per instansi, period and group with its highest level, from
  `holds`, a relation of holds (stg_kendali_publik__tahan_tambahan).
#}
{% macro tahan(holds, tabel) -%}
    select instansi_kode, periode, grup, max(tingkat) as tingkat
    from {{ holds }}
    where tabel = '{{ tabel }}'
    group by 1, 2, 3
{%- endmacro %}


{# SQL: a cell of row `baris` of a group held at level `tingkat` (null: not held). #}
{% macro ditahan(tingkat, baris) -%}
    (coalesce({{ tingkat }}, 0) >= 2 or (coalesce({{ tingkat }}, 0) = 1 and {{ baris }} <> '*'))
{%- endmacro %}
