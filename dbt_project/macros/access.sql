{#
  Who may read what (docs/access.md). The roles are created by etl/access.py before dbt runs;
  here dbt keeps what it builds readable by the right ones and no others:

    +grants in dbt_project.yml      select on each table, re-applied at every build
    grant_schema_usage (on-run-end) usage on the schemas of the tables it granted on
    instansi_rls (post-hook)        row-level security on the marts, re-created at every build:
                                    a `table` model is rebuilt and swapped in, and the old
                                    table's policies go with it (../shared/pitfalls.md)
    instansi_schemas (on-run-start) a schema per government's reader role, instansi_<kode>
    instansi_views (post-hook)      in it, a security-barrier view of each marts table holding only
                                    that government's rows: the only way its readers reach row-level
                                    data (they have no privilege on the marts tables themselves), so
                                    the planner's estimates and statistics they can see are those of
                                    their own government's rows (docs/access.md, "Side channels")
#}

{#
  The governments of the agencies file (var `instansi`, their reader roles, set by etl/transform.py):
  roles are the server's, and another warehouse on it may know other governments. Without the var
  (a dbt command run by hand), every instansi_<kode> role.
#}
{% macro instansi_yang_dikenal(column) -%}
    {%- set known = var('instansi', none) -%}
    {%- if known is not none -%}
    and {{ column }} = any(array[{% for role in known %}{{ dbt.string_literal(role) }}{{ ", " if not loop.last }}{% endfor %}]::text[])
    {%- endif -%}
{%- endmacro %}

{#
  on-run-start: schema instansi_<kode> for every government reader role that exists, owned by the
  user dbt runs as (kinerja_owner), usable by that role alone.
#}
{% macro instansi_schemas() %}
    do $instansi_schemas$ declare r record; begin
        for r in select rolname from pg_catalog.pg_roles where starts_with(rolname, 'instansi_')
                 {{ instansi_yang_dikenal('rolname') }} loop
            execute format('create schema if not exists %I', r.rolname);
            execute format('revoke all on schema %I from public', r.rolname);
            execute format('grant usage on schema %I to %I', r.rolname, r.rolname);
        end loop;
    end $instansi_schemas$
{% endmacro %}

{#
  Post-hook of every marts model: instansi_<kode>.<model>, a security_barrier view of the table's
  rows of that government (of every row for the tables in `semua_instansi`, which hold nothing of
  one government), re-created after each build (a rebuilt table takes its dependent views with it),
  readable by instansi_<kode> alone. A marts table without instansi_kode, not listed, gets none.
#}
{% macro instansi_views(semua_instansi=[]) %}
    {%- if execute -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if this.identifier in semua_instansi or 'instansi_kode' in columns -%}
    do $instansi_views$ declare r record; begin
        for r in select n.nspname from pg_catalog.pg_namespace n join pg_catalog.pg_roles o on o.rolname = n.nspname
                 where starts_with(n.nspname, 'instansi_') {{ instansi_yang_dikenal('n.nspname') }} loop
            execute format('drop view if exists %I.%I', r.nspname, {{ dbt.string_literal(this.identifier) }});
            execute format('create view %I.%I with (security_barrier) as select * from {{ this }} %s',
                           r.nspname, {{ dbt.string_literal(this.identifier) }},
                           {% if this.identifier in semua_instansi -%} ''
                           {%- else -%} format('where instansi_kode = %L', upper(substr(r.nspname, 10))) {%- endif %});
            execute format('grant select on %I.%I to %I', r.nspname, {{ dbt.string_literal(this.identifier) }}, r.nspname);
        end loop;
    end $instansi_views$
    {%- else -%}
    select 1
    {%- endif -%}
    {%- endif -%}
{% endmacro %}

{#
  Row-level security on a marts table, inside the model's transaction, so that the table is never
  visible without it. Policies (permissive, for select; any one that holds shows the row):
    kinerja_auditor           auditor sees every row
    kinerja_instansi_sendiri  anybody else sees the rows of the governments whose reader role
                              (instansi_<kode>, etl/access.py) he has the privileges of
    kinerja_semua_instansi    for the tables named in `semua_instansi` (no instansi_kode, nothing
                              of one government in them, e.g. the calendar dim_periode): every
                              instansi reader (kinerja_instansi) sees every row
  A marts table without instansi_kode that is not listed shows instansi readers no row at all.
  The table's owner (the user dbt runs as) is not subject to it: not FORCE.

  The membership test is an uncorrelated subquery: it is evaluated once per query (an InitPlan),
  and the rows are then compared with a short array, so it costs nothing per row and an index on
  instansi_kode stays usable. pg_has_role by name would run for every row and fail outright on
  an instansi_kode whose role does not exist (a government since removed from the agencies file).
#}
{% macro instansi_rls(semua_instansi=[]) %}
    {%- if execute -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    alter table {{ this }} enable row level security;
    drop policy if exists kinerja_auditor on {{ this }};
    drop policy if exists kinerja_instansi_sendiri on {{ this }};
    drop policy if exists kinerja_semua_instansi on {{ this }};
    create policy kinerja_auditor on {{ this }} for select to auditor using (true);
    {%- if this.identifier in semua_instansi %}
    create policy kinerja_semua_instansi on {{ this }} for select to kinerja_instansi using (true);
    {%- elif 'instansi_kode' in columns %}
    create policy kinerja_instansi_sendiri on {{ this }} for select to public using (
        instansi_kode = any (array(
            select upper(substr(r.rolname, 10))
            from pg_catalog.pg_roles r
            where starts_with(r.rolname, 'instansi_')
              and pg_catalog.pg_has_role(current_user, r.oid, 'USAGE')
        ))
    );
    {%- endif %}
    {%- endif -%}
{% endmacro %}

{#
  on-run-end: usage on each schema to every role that a table built in this run granted a
  privilege to (+grants), so the schema-level grant follows the table-level ones. Schemas or roles
  that do not exist (a failed first build, roles not created) are skipped rather than failing the run.
#}
{% macro grant_schema_usage(results) %}
    {%- set usage = {} -%}
    {%- for result in results if result.node is defined and result.node.config is defined -%}
        {%- set grants = result.node.config.get('grants') or {} -%}
        {%- for privilege, grantees in grants.items() -%}
            {%- for grantee in ([grantees] if grantees is string else grantees) -%}
                {%- set schema = result.node.schema -%}
                {%- do usage.setdefault(schema, []) -%}
                {%- if grantee not in usage[schema] -%}{%- do usage[schema].append(grantee) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if usage -%}
    do $grant_schema_usage$ begin
    {%- for schema in usage | sort %}
        {%- for role in usage[schema] | sort %}
        if exists (select from pg_catalog.pg_namespace where nspname = '{{ schema }}')
           and exists (select from pg_catalog.pg_roles where rolname = '{{ role }}') then
            grant usage on schema {{ adapter.quote(schema) }} to {{ adapter.quote(role) }};
        end if;
        {%- endfor %}
    {%- endfor %}
    end $grant_schema_usage$
    {%- else -%}
    select 1
    {%- endif -%}
{% endmacro %}
