{#
  Materialization partisi_periode (PostgreSQL): a fact table partitioned by LIST on its period
  column, whose build makes each period's partition beside the table and swaps it in.

  A month's build of an `incremental` model with `delete+insert` deletes the month's rows from the
  table and inserts them again, maintaining the table's indexes row by row, and its uniqueness test
  then groups all of the month's rows once more: at national size fct_rhk_capaian (22 million RHK
  lines a month) took 175 s to build and 110 s for its two uniqueness tests (docs/performance.md).
  Here a build

    1. writes the model's rows once, into a new table (`<model>__baru`): the contract is enforced
       there (columns and types asserted, NOT NULL constraints in its DDL), as for a `table` model;
    2. for each period in those rows: the new table becomes that period's partition (renamed when
       the build holds one period; otherwise the period's rows are copied into a table of their own),
       gets the grain as a UNIQUE constraint — its index is built once, in bulk, and the uniqueness of
       the month's rows is checked by it, no test needed — and row-level security with no policy (no
       one but the owner reads a partition directly; readers go through the table, its grants and its
       policies, post-hook instansi_rls);
    3. in the model's one transaction, detaches and drops the period's old partition, if there is one,
       and attaches the new one; readers see the old month or the new one, never a mix;
    4. analyses the new partitions, and, on PostgreSQL 17+, the table itself with ANALYZE ONLY when
       its partitions' rows differ from the count of its last analysis by more than var
       statistik_ambang_perubahan (0.1) of it, plus 50 (autovacuum's rule; macros/statistik.sql):
       that analysis samples every partition, a quarter to three quarters of a second per fact with
       24 months behind it, for statistics a month moves by a twenty-fourth. On older servers ANALYZE
       of a partitioned table walks every partition, so the table-wide statistics are refreshed only
       when it is built whole.

  The first build, a --full-refresh, or a table that is not yet partitioned (a warehouse from before)
  builds the whole table anew in the same transaction: the old table goes, the partitioned one takes
  its name. Periods the build has no rows for are left as they are (as delete+insert on the period
  would). New contract columns are added to the table (on_schema_change append_new_columns);
  a column the table has and the build no longer does stops the build with what to do.

  Config: kolom_partisi (the period column, default 'periode'), kunci_unik (the grain's columns,
  which must include the period column). Models read `is_incremental()` as usual (macro below).
#}
{% materialization partisi_periode, adapter='postgres' %}
    {%- set kolom = config.get('kolom_partisi', 'periode') -%}
    {%- set kunci = config.get('kunci_unik') -%}
    {%- if not kunci or kolom not in kunci -%}
        {{ exceptions.raise_compiler_error("partisi_periode: config kunci_unik (the grain) must list the period column '" ~ kolom ~ "'") }}
    {%- endif -%}
    {%- set target = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set baru = make_intermediate_relation(target, suffix='__baru') -%}
    {%- set sudah_partisi = existing is not none and partisi_relkind(existing) == 'p' -%}
    {%- set utuh = should_full_refresh() or not sudah_partisi -%}
    {%- set grant_config = config.get('grants') -%}

    {% do run_query("drop table if exists " ~ baru) %}
    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {% call statement('main') -%}
        {{ get_create_table_as_sql(False, baru, sql) }}
    {%- endcall %}

    {%- set periode = run_query('select distinct ' ~ adapter.quote(kolom) ~ ' from ' ~ baru ~ ' order by 1').columns[0].values() -%}

    {%- if utuh -%}
        {%- if existing is not none -%}
            {% do run_query('drop ' ~ ('view' if existing.is_view else 'table') ~ ' ' ~ existing ~ ' cascade') %}
        {%- endif -%}
        {% do run_query('create table ' ~ target ~ ' (like ' ~ baru ~ ' including all) partition by list (' ~ adapter.quote(kolom) ~ ')') %}
        {% do run_query('alter table ' ~ target ~ ' add constraint ' ~ adapter.quote(target.identifier ~ '__kunci') ~ ' unique (' ~ kunci | map('string') | join(', ') ~ ')') %}
    {%- else -%}
        {{ partisi_kolom_baru(baru, target) }}
    {%- endif -%}

    {%- for p in periode -%}
        {%- set bagian = target.incorporate(path={'identifier': partisi_nama(target.identifier, p)}) -%}
        {#- built under a name of its own, so that the period's old partition (and its index) can stay until the swap -#}
        {%- if periode | length == 1 -%}
            {%- set dibangun = baru -%}
        {%- else -%}
            {%- set dibangun = partisi_nama_sementara(bagian) -%}
            {% do run_query('drop table if exists ' ~ dibangun) %}
            {% do run_query('create table ' ~ dibangun ~ ' (like ' ~ baru ~ ' including all); insert into ' ~ dibangun ~ ' select * from ' ~ baru ~ ' where ' ~ adapter.quote(kolom) ~ ' = ' ~ dbt.string_literal(p)) %}
        {%- endif -%}
        {% do run_query('alter table ' ~ dibangun ~ ' add constraint ' ~ adapter.quote(dibangun.identifier ~ '__kunci') ~ ' unique (' ~ kunci | join(', ') ~ '); alter table ' ~ dibangun ~ ' enable row level security') %}
        {%- if not utuh -%}
            {% do run_query(partisi_lepas_lama(target, p)) %}
        {%- endif -%}
        {% do run_query('alter table ' ~ dibangun ~ ' rename constraint ' ~ adapter.quote(dibangun.identifier ~ '__kunci') ~ ' to ' ~ adapter.quote(bagian.identifier ~ '__kunci')
                        ~ '; alter table ' ~ dibangun ~ ' rename to ' ~ adapter.quote(bagian.identifier)) %}
        {% do run_query('alter table ' ~ target ~ ' attach partition ' ~ bagian ~ ' for values in (' ~ dbt.string_literal(p) ~ ')') %}
        {% do run_query('analyze ' ~ bagian) %}
    {%- endfor -%}
    {%- if periode | length != 1 -%}
        {% do run_query('drop table if exists ' ~ baru) %}
    {%- endif -%}
    {%- if utuh -%}
        {% do run_query('analyze ' ~ target) %}
    {%- elif partisi_server_num() >= 170000 and partisi_statistik_usang(target) -%}
        {% do run_query('analyze only ' ~ target) %}
    {%- endif -%}

    {% do apply_grants(target, grant_config, should_revoke=should_revoke(existing, utuh)) %}
    {% do persist_docs(target, model) %}
    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {% do adapter.commit() %}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target]}) }}
{% endmaterialization %}

{# 'p' for a partitioned table, 'r' for a plain one, none when it is not there. #}
{% macro partisi_relkind(relation) -%}
    {%- set found = run_query("select relkind::text from pg_catalog.pg_class where oid = to_regclass(" ~ dbt.string_literal(relation | string) ~ ")") -%}
    {{ return(found.columns[0].values()[0] if found.rows | length > 0 else none) }}
{%- endmacro %}

{# Whether a partitioned table's own statistics are stale: never gathered, or its partitions' rows (their
   own analyses) differ from what its last analysis counted by more than autovacuum's threshold. #}
{% macro partisi_statistik_usang(target) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set ambang = var('statistik_ambang_perubahan') | float -%}
    {%- set baris = run_query("select c.reltuples::float8, coalesce((select sum(greatest(b.reltuples, 0)) from pg_catalog.pg_inherits i"
        ~ " join pg_catalog.pg_class b on b.oid = i.inhrelid where i.inhparent = c.oid), 0)::float8"
        ~ " from pg_catalog.pg_class c where c.oid = to_regclass(" ~ dbt.string_literal(target | string) ~ ")").rows[0] -%}
    {%- set lalu, sekarang = baris[0] | float, baris[1] | float -%}
    {{ return(lalu < 0 or (sekarang - lalu) | abs > 50 + ambang * lalu) }}
{%- endmacro %}

{% macro partisi_server_num() -%}
    {{ return(run_query("select current_setting('server_version_num')::int").columns[0].values()[0]) }}
{%- endmacro %}

{# A period's partition: fct_rhk_capaian__2026_10, fct_rhk_capaian__2026_q3. #}
{% macro partisi_nama(identifier, periode) -%}
    {{ return(identifier ~ '__' ~ modules.re.sub('[^a-z0-9]+', '_', periode | string | lower)) }}
{%- endmacro %}

{% macro partisi_nama_sementara(bagian) -%}
    {{ return(bagian.incorporate(path={'identifier': bagian.identifier ~ '__baru'})) }}
{%- endmacro %}

{# SQL: detach and drop the partition that holds `periode` now, whatever its name. #}
{% macro partisi_lepas_lama(target, periode) -%}
    do $partisi$ declare lama regclass; begin
        select c.oid::regclass into lama from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid
        where i.inhparent = {{ dbt.string_literal(target | string) }}::regclass
          and pg_catalog.pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (%L)', {{ dbt.string_literal(periode) }});
        if lama is not null then
            execute format('alter table %s detach partition %s', {{ dbt.string_literal(target | string) }}, lama);
            execute format('drop table %s', lama);
        end if;
    end $partisi$
{%- endmacro %}

{# Contract columns the table lacks are added to it (and so to its partitions); one it has that the build lacks stops the build. #}
{% macro partisi_kolom_baru(baru, target) -%}
    {%- set lama = adapter.get_columns_in_relation(target) -%}
    {%- set sekarang = adapter.get_columns_in_relation(baru) -%}
    {%- set nama_lama = lama | map(attribute='name') | list -%}
    {%- set nama_baru = sekarang | map(attribute='name') | list -%}
    {%- for c in lama if c.name not in nama_baru -%}
        {{ exceptions.raise_compiler_error("partisi_periode: " ~ target ~ " has column " ~ c.name ~ " that the model no longer builds: rebuild it whole with `dbt build --full-refresh --select " ~ target.identifier ~ "`") }}
    {%- endfor -%}
    {%- for c in sekarang if c.name not in nama_lama -%}
        {% do run_query('alter table ' ~ target ~ ' add column ' ~ adapter.quote(c.name) ~ ' ' ~ c.data_type) %}
    {%- endfor -%}
{%- endmacro %}

{#
  dbt's is_incremental(), true also for a partisi_periode model whose table is there (partitioned)
  and is not being rebuilt whole: such a model selects the run's periods only, as an incremental one
  does. This project's macro takes the place of dbt's own of the same name.
#}
{% macro is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(this.database, this.schema, this.table) -%}
    {%- if relation is none or relation.type != 'table' or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if model.config.materialized == 'incremental' -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(model.config.materialized == 'partisi_periode' and partisi_relkind(relation) == 'p') }}
{% endmacro %}
