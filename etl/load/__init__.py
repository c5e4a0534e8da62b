"""Loading: COPY validated rows into `raw`, quarantine into `audit`, in one transaction per batch.

Each (agency, entity, period) is replaced as a whole: the rows of the earlier delivery for that
period are deleted and the new ones copied in, together with the batch's audit record, its
quarantine and its validation results, in a single transaction. A crash halfway leaves the
previous state; a rerun of the same delivery (same batch id) leaves identical tables.

The raw tables are partitioned by period (`raw.<entity>__<period>`, made on the first delivery of
a period), and each period by a hash of the government (HASH_PARTITIONS leaves), with no index:
a COPY maintains nothing but the rows, dbt reads a month by pruning to its partition whatever the
history, and replacing one government's period deletes from one leaf, only when an earlier
delivery of it was loaded at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import psycopg
from psycopg import sql

from etl.canonical import ENTITIES, entity as entity_def

COPY_BLOCK = 1 << 20
_PERIOD = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$")

# columns every raw table carries before the entity's own columns (all text but _row)
RAW_META_COLUMNS = ("_batch_id", "_instansi_kode", "_periode", "_row")


RECORD_LOAD = """
create or replace function audit.record_load(p_attempt bigint, p_batch text, p_received bigint, p_loaded bigint,
                                             p_quarantined bigint, p_validate_seconds numeric, p_load_seconds numeric)
returns bigint language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
-- Records a load of a batch and puts it in force: the rows the calling transaction wrote into the
-- period's partition of raw replace the government's earlier rows of that period. Owned by the
-- owner and run with its rights (the runtime may neither delete from raw nor write a loaded attempt),
-- so it checks everything it is told against what it finds: the batch is in the ledger, the attempt
-- is new, the partition is raw's and attached, exactly p_loaded rows of this batch (and no other
-- row) were written by this transaction, exactly p_quarantined quarantine rows of this attempt, and
-- received = loaded + quarantined. Returns how many earlier rows it removed.
declare
    d audit.batch_delivery;
    parent regclass;
    part regclass;
    mine bigint;
    stray bigint;
    held bigint;
    removed bigint := 0;
    extractions integer;
begin
    select * into d from audit.batch_delivery where batch_id = p_batch;
    if not found then
        raise exception 'batch % is not in the ledger', p_batch;
    end if;
    if p_attempt is null or p_received is null or p_loaded is null or p_quarantined is null or p_loaded < 0
       or p_quarantined < 0 or p_received <> p_loaded + p_quarantined then
        raise exception 'batch %: received % is not loaded % + quarantined %', p_batch, p_received, p_loaded, p_quarantined;
    end if;
    if exists (select from audit.batch_attempt where id = p_attempt) then
        raise exception 'attempt % is recorded already', p_attempt;
    end if;
    if exists (select from audit.batch_attempt where batch_id = p_batch and status = 'loaded'
               and rows_received <> p_received) then
        -- the same delivery (its id is its content's) always holds as many records
        raise exception 'batch % was loaded with another number of rows received than %', p_batch, p_received;
    end if;
    if d.entity !~ '^[a-z][a-z_]*$' or d.periode !~ '^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$' then
        raise exception 'batch % names no raw table (%, %)', p_batch, d.entity, d.periode;
    end if;
    parent := to_regclass(format('raw.%I', d.entity));
    part := to_regclass(format('raw.%I', d.entity || '__' || lower(replace(d.periode, '-', '_'))));
    if parent is null or part is null
       or not exists (select from pg_inherits where inhrelid = part and inhparent = parent)
       or (select relowner from pg_class where oid = part) <> (select relowner from pg_class where oid = parent) then
        raise exception 'batch %: raw.% has no attached partition of the owner for %', p_batch, d.entity, d.periode;
    end if;
    execute format('select count(*) filter (where _batch_id = $1 and _periode = $2),
                           count(*) filter (where _batch_id is distinct from $1 or _periode is distinct from $2)
                    from %s where _instansi_kode = $3 and xmin = pg_current_xact_id()::xid', part)
        into mine, stray using p_batch, d.periode, d.instansi_kode;
    if mine <> p_loaded or stray <> 0 then
        raise exception 'batch %: this transaction wrote % of its rows and % others into %, not the % announced',
            p_batch, mine, stray, part, p_loaded;
    end if;
    select count(*) filter (where batch_id = p_batch), count(*) filter (where batch_id <> p_batch)
        into held, stray from audit.quarantine_row where attempt_id = p_attempt;
    if held <> p_quarantined or stray <> 0 then
        raise exception 'batch %: attempt % holds % quarantined rows of it and % others, not the % announced',
            p_batch, p_attempt, held, stray, p_quarantined;
    end if;
    if exists (select from audit.batch_attempt a join audit.batch_delivery o using (batch_id)
               where a.status = 'loaded' and o.instansi_kode = d.instansi_kode and o.entity = d.entity
                 and o.periode = d.periode) then
        -- the earlier deliveries' rows of this government's period (one hash leaf of the partition)
        execute format('delete from %s where _instansi_kode = $1 and xmin <> pg_current_xact_id()::xid', part)
            using d.instansi_kode;
        get diagnostics removed = row_count;
    end if;
    select count(*) into extractions from audit.batch_extraction where batch_id = p_batch;
    insert into audit.batch_attempt (id, batch_id, attempt, status, rows_received, rows_loaded, rows_quarantined,
                                     validate_seconds, load_seconds)
    values (p_attempt, p_batch, greatest(extractions, 1), 'loaded', p_received, p_loaded, p_quarantined,
            p_validate_seconds, p_load_seconds);
    return removed;
end
$fn$
"""


def ddl() -> list[str]:
    """The owner's DDL of raw and audit, with the grants to the runtime role (kinerja_etl) and the
    auditor. The ledger (audit) is append-only: every table is written by INSERT alone, and what a
    reader knows as audit.batch, audit.quarantine, audit.validation_result and audit.instansi are
    views over it (the current state of each batch, derived from its rows)."""
    statements = [
        "create schema if not exists raw",
        "create schema if not exists audit",
        # one row per delivery (a batch id follows from its content: the same delivery, the same row)
        """
        create table if not exists audit.batch_delivery (
            batch_id          text primary key,
            instansi_kode     text not null,
            entity            text not null,
            periode           text not null,
            source_kind       text not null,
            source_file       text not null,
            landing_path      text not null,
            checksum_sha256   text not null,
            size_bytes        bigint,
            received_at       timestamptz not null default now()
        )
        """,
        "create index if not exists batch_delivery_scope on audit.batch_delivery (instansi_kode, entity, periode)",
        # one row per extraction of a delivery (a rerun extracts it again)
        """
        create table if not exists audit.batch_extraction (
            id                bigint generated by default as identity primary key,
            batch_id          text not null references audit.batch_delivery (batch_id),
            at                timestamptz not null default now(),
            extract_seconds   numeric(12, 3)
        )
        """,
        "create index if not exists batch_extraction_batch on audit.batch_extraction (batch_id)",
        # one row per outcome of validating and loading a delivery: rejected (written by the runtime),
        # loaded (written by audit.record_load, which checks it against what the load wrote)
        """
        create table if not exists audit.batch_attempt (
            id                bigint generated by default as identity primary key,
            batch_id          text not null references audit.batch_delivery (batch_id),
            attempt           integer not null,
            status            text not null check (status in ('loaded', 'rejected')),
            gate              text,
            message           text,
            rows_received     bigint,
            rows_loaded       bigint,
            rows_quarantined  bigint,
            at                timestamptz not null default now(),
            validate_seconds  numeric(12, 3),
            load_seconds      numeric(12, 3),
            constraint attempt_balances check (
                status <> 'loaded' or rows_received = rows_loaded + rows_quarantined
            )
        )
        """,
        "create index if not exists batch_attempt_batch on audit.batch_attempt (batch_id, id)",
        # the rows a load quarantined, and the counts of each rule, per attempt
        """
        create table if not exists audit.quarantine_row (
            attempt_id  bigint not null references audit.batch_attempt (id) deferrable initially deferred,
            batch_id    text not null references audit.batch_delivery (batch_id),
            row_number  bigint not null,
            source_file text not null,
            row_data    jsonb not null,
            reasons     jsonb not null,
            primary key (attempt_id, row_number)
        )
        """,
        """
        create table if not exists audit.validation_result_row (
            attempt_id     bigint not null references audit.batch_attempt (id) deferrable initially deferred,
            batch_id       text not null references audit.batch_delivery (batch_id),
            rule           text not null,
            expectation    text not null,
            column_name    text,
            rows_evaluated bigint not null,
            rows_failed    bigint not null,
            primary key (attempt_id, rule)
        )
        """,
        # the governments as the agencies file described them, a row per change
        """
        create table if not exists audit.instansi_versi (
            id             bigint generated by default as identity primary key,
            instansi_kode  text not null,
            nama           text not null,
            periodicity    text not null,
            source_kinds   text not null,
            at             timestamptz not null default now()
        )
        """,
        # a landed file replaced by its redacted copy once its retention period ended (etl/retention.py)
        """
        create table if not exists audit.redaction (
            id                bigint generated by default as identity primary key,
            batch_id          text not null references audit.batch_delivery (batch_id),
            landing_path      text not null,
            original_sha256   text not null,
            redacted_sha256   text not null,
            fields            text not null,
            retention_days    integer not null,
            at                timestamptz not null default now()
        )
        """,
        # --- the views readers know: each batch's current state
        """
        create or replace view audit.batch as
        with extraction as (
            select batch_id, count(*)::integer as attempts, min(at) as first_received_at, max(at) as extracted_at,
                   (array_agg(extract_seconds order by id desc))[1] as extract_seconds
            from audit.batch_extraction group by batch_id
        ), standing as (
            -- the outcome that stands: the latest load; a later refusal does not undo a load
            select distinct on (batch_id) * from audit.batch_attempt
            order by batch_id, (status = 'loaded') desc, id desc
        ), current_load as (
            select distinct on (d.instansi_kode, d.entity, d.periode) a.batch_id
            from audit.batch_attempt a join audit.batch_delivery d using (batch_id)
            where a.status = 'loaded'
            order by d.instansi_kode, d.entity, d.periode, a.id desc
        )
        select d.batch_id, d.instansi_kode, d.entity, d.periode, d.source_kind, d.source_file, d.landing_path,
               d.checksum_sha256, d.size_bytes, coalesce(s.status, 'received') as status, s.message,
               s.rows_received, s.rows_loaded, s.rows_quarantined, (c.batch_id is not null) as is_current,
               coalesce(e.attempts, 0) as attempts, coalesce(e.first_received_at, d.received_at) as first_received_at,
               e.extracted_at, s.at as validated_at, case when s.status = 'loaded' then s.at end as loaded_at,
               e.extract_seconds, s.validate_seconds, s.load_seconds, s.gate
        from audit.batch_delivery d
        left join extraction e using (batch_id)
        left join standing s using (batch_id)
        left join current_load c using (batch_id)
        """,
        """
        create or replace view audit.quarantine as
        select q.batch_id, q.row_number, q.source_file, q.row_data, q.reasons
        from audit.quarantine_row q
        join (select distinct on (batch_id) id from audit.batch_attempt where status = 'loaded'
              order by batch_id, id desc) s on s.id = q.attempt_id
        """,
        """
        create or replace view audit.validation_result as
        select v.batch_id, v.rule, v.expectation, v.column_name, v.rows_evaluated, v.rows_failed
        from audit.validation_result_row v
        join (select distinct on (batch_id) id from audit.batch_attempt where status = 'loaded'
              order by batch_id, id desc) s on s.id = v.attempt_id
        """,
        """
        create or replace view audit.instansi as
        select distinct on (instansi_kode) instansi_kode, nama, periodicity, source_kinds, at as updated_at
        from audit.instansi_versi order by instansi_kode, id desc
        """,
        # the runtime may record refusals; a load is recorded by audit.record_load alone
        "alter table audit.batch_attempt enable row level security",
        "drop policy if exists kinerja_baca on audit.batch_attempt",
        "create policy kinerja_baca on audit.batch_attempt for select using (true)",
        "drop policy if exists kinerja_etl_menolak on audit.batch_attempt",
        "create policy kinerja_etl_menolak on audit.batch_attempt for insert to kinerja_etl with check (status = 'rejected')",
        RECORD_LOAD,
        "revoke all on function audit.record_load(bigint, text, bigint, bigint, bigint, numeric, numeric) from public",
        "grant execute on function audit.record_load(bigint, text, bigint, bigint, bigint, numeric, numeric) to kinerja_etl",
        # the runtime: read both schemas, COPY into raw, append to the ledger; nothing else
        "revoke all on schema raw, audit from public",
        "grant usage on schema raw, audit to kinerja_etl, auditor",
        "revoke create on schema raw, audit from kinerja_etl",
        "revoke all on all tables in schema raw, audit from kinerja_etl",
        "grant select, insert on all tables in schema raw to kinerja_etl",
        "grant select on all tables in schema audit to kinerja_etl",
        "grant insert on audit.batch_delivery, audit.batch_extraction, audit.batch_attempt, audit.quarantine_row, "
        "audit.validation_result_row, audit.instansi_versi, audit.redaction to kinerja_etl",
        "grant usage on all sequences in schema audit to kinerja_etl",
        "grant select on all tables in schema raw, audit to auditor",
        # the raw partitions the owner makes later get the same
        "alter default privileges in schema raw grant select, insert on tables to kinerja_etl",
        "alter default privileges in schema raw grant select on tables to auditor",
        "alter default privileges in schema audit grant select on tables to kinerja_etl, auditor",
    ]
    for spec in ENTITIES.values():
        table = sql.Identifier("raw", spec.name)
        statements.append(sql.SQL("create table if not exists {} ({}) partition by list (_periode)").format(
            table, _columns_sql(spec)))
        # a warehouse made by an earlier version gains the columns added to the format since
        statements += [sql.SQL("alter table {} add column if not exists {} text").format(table, sql.Identifier(c))
                       for c in spec.optional]
    return statements


def _columns_sql(spec) -> sql.Composable:
    columns = [sql.SQL("{} text").format(sql.Identifier(c)) for c in ("_batch_id", "_instansi_kode", "_periode")]
    columns.append(sql.SQL("_row bigint"))
    columns += [sql.SQL("{} text").format(sql.Identifier(c)) for c in spec.columns]
    return sql.SQL(", ").join(columns)


HASH_PARTITIONS = 16  # leaves per period: a government's period is replaced in 1/16 of the month


def period_partition(entity: str, period: str) -> str:
    """The name of the partition of raw.<entity> that holds a period ('rhk__2026_10', 'rhk__2026_q3')."""
    if not _PERIOD.match(period):
        raise ValueError(f"not a period: {period!r}")
    return f"{entity}__{period.lower().replace('-', '_')}"


class ForeignPartition(RuntimeError):
    """A table where the loader would make a raw partition was not made by the warehouse's owner
    the way etl.load makes them: attaching it could run somebody else's code in every load."""


def ensure_period(conn: psycopg.Connection, entity: str, period: str) -> sql.Identifier:
    """The period's partition of raw.<entity>, made (and committed) when it is the first delivery of
    the period. `conn` is the owner's (the runtime role may create nothing). Made outside the raw
    table, then attached: attaching locks the parent only against other schema changes (SHARE
    UPDATE EXCLUSIVE), never against the loads and reads of other periods; one session at a time
    makes a table's partitions. Before attaching, the table and each of its partitions are checked
    to be the owner's and to carry nothing that runs code or hides rows (triggers, rules, policies,
    defaults, check constraints, indexes): a table somebody else made ahead of time under that name
    is refused (ForeignPartition), never attached."""
    name = period_partition(entity, period)
    if not _attached(conn, name):
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(hashtext('kinerja.raw.' || %s))", (entity,))
            if not _attached(conn, name):
                made = sql.Identifier("raw", name)
                leaves = [sql.Identifier("raw", f"{name}__h{remainder:02d}") for remainder in range(HASH_PARTITIONS)]
                existing = conn.execute("select to_regclass(%s)", (f"raw.{name}",)).fetchone()[0]
                if existing is not None:
                    refuse_unless_ours(conn, f"raw.{name}", entity)
                conn.execute(sql.SQL("create table if not exists {} ({}) partition by hash (_instansi_kode)").format(
                    made, sql.SQL("like {} including defaults").format(sql.Identifier("raw", entity))))
                for remainder, leaf in enumerate(leaves):
                    conn.execute(sql.SQL(
                        "create table if not exists {} partition of {} for values with (modulus {}, remainder {})"
                    ).format(leaf, made, sql.Literal(HASH_PARTITIONS), sql.Literal(remainder)))
                statistics = sql.SQL(", ").join(
                    sql.SQL("alter column {} set statistics {}").format(sql.Identifier(c), sql.Literal(RAW_STATISTICS))
                    for c in raw_columns(entity))
                for table in (made, *leaves):
                    conn.execute(sql.SQL("alter table {} {}").format(table, statistics))
                refuse_unless_ours(conn, f"raw.{name}", entity)
                conn.execute(sql.SQL("alter table {} attach partition {} for values in ({})").format(
                    sql.Identifier("raw", entity), made, sql.Literal(period)))
    return sql.Identifier("raw", name)


def refuse_unless_ours(conn: psycopg.Connection, table: str, entity: str) -> None:
    """Raise ForeignPartition unless `table` and every partition under it belong to raw.<entity>'s
    owner and carry no trigger of their own, rule, policy, row-level security, column default,
    check constraint or index: what etl.load makes carries none of them."""
    found = conn.execute(
        """
        with tree as (select relid from pg_partition_tree(%(t)s::regclass))
        select c.oid::regclass::text,
               pg_get_userbyid(c.relowner),
               c.relowner = (select relowner from pg_class where oid = %(p)s::regclass),
               (select string_agg(t.tgname, ', ') from pg_trigger t where t.tgrelid = c.oid and t.tgparentid = 0
                  and not t.tgisinternal),
               (select string_agg(r.rulename, ', ') from pg_rewrite r where r.ev_class = c.oid),
               (select string_agg(p.polname, ', ') from pg_policy p where p.polrelid = c.oid),
               c.relrowsecurity,
               (select string_agg(a.attname, ', ') from pg_attrdef d
                  join pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum where d.adrelid = c.oid),
               (select string_agg(k.conname, ', ') from pg_constraint k where k.conrelid = c.oid),
               (select string_agg(i.indexrelid::regclass::text, ', ') from pg_index i where i.indrelid = c.oid),
               c.relnamespace = 'raw'::regnamespace
        from tree join pg_class c on c.oid = tree.relid order by 1
        """, {"t": table, "p": f"raw.{entity}"}).fetchall()
    for name, owner, owners, triggers, rules, policies, rls, defaults, checks, indexes, in_raw in found:
        what = [f"owned by {owner}" if not owners else "", f"trigger {triggers}" if triggers else "",
                f"rule {rules}" if rules else "", f"policy {policies}" if policies else "",
                "row-level security" if rls and not policies else "", f"default on {defaults}" if defaults else "",
                f"constraint {checks}" if checks else "", f"index {indexes}" if indexes else "",
                "outside schema raw" if not in_raw else ""]
        what = [w for w in what if w]
        if what:
            raise ForeignPartition(f"refusing to attach {table} as a partition of raw.{entity}: {name} was not made "
                                   f"by the pipeline ({'; '.join(what)})")


# Statistics of a period's raw rows are sampled from this many hundred rows of each table
# (PostgreSQL's default: 100, i.e. 30,000 rows): what the planner needs of raw — row counts, the one
# period, a government's share, the spread of the join keys — shows in a few hundred rows, and
# ANALYZE then reads a few hundred pages of each table instead of all of them
RAW_STATISTICS = 1


def analyze_period(conn: psycopg.Connection, month: str) -> list[str]:
    """ANALYZE the raw partitions of a month's deliveries (the month, and the quarter that ends in
    it), and the statistics of each raw table as a whole, before dbt reads them. Rows just copied
    have no statistics until autovacuum comes by (never, where it is off): the planner then takes a
    month of a million RHK lines for a few hundred, and, without the whole table's spread of its
    join keys, sorts a million rows to merge-join them instead of hashing (3 s against 1 s for
    fct_rhk_capaian's join at 200,000 employees). A partition's statistics are cheap
    (RAW_STATISTICS); the whole table's sample is bounded (ANALYZE ONLY, PostgreSQL 17 and later;
    an older server samples every partition again, so it takes them once, when they are missing).
    Returns what was analysed."""
    from etl.config import quarter_of

    labels = [month] + ([quarter_of(month)] if int(month[5:7]) % 3 == 0 else [])
    only = conn.info.server_version >= 170000
    done = []
    for entity in ENTITIES:
        for label in labels:
            name = period_partition(entity, label)
            if _attached(conn, name):
                conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", name)))
                done.append(name)
        if only:
            conn.execute(sql.SQL("analyze only {}").format(sql.Identifier("raw", entity)))
            done.append(entity)
        elif not conn.execute("select exists (select 1 from pg_stats where schemaname = 'raw' and tablename = %s "
                              "and inherited)", (entity,)).fetchone()[0]:
            conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", entity)))
            done.append(entity)
    return done


def _attached(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute(
        """select exists (select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
                          where c.relname = %s and c.relnamespace = to_regnamespace('raw'))""", (name,)
    ).fetchone()[0]


def _partition_unpartitioned(conn: psycopg.Connection) -> None:
    """A warehouse made before the raw tables were partitioned: each plain raw table becomes the
    partitioned one, its rows moved period by period (inside the schema upgrade's transaction)."""
    for spec in ENTITIES.values():
        kind = conn.execute("select relkind from pg_class where oid = to_regclass(%s)", (f"raw.{spec.name}",)).fetchone()
        if not kind or kind[0] != "r":
            continue
        old = f"{spec.name}__unpartitioned"
        conn.execute(sql.SQL("alter table {} rename to {}").format(sql.Identifier("raw", spec.name), sql.Identifier(old)))
        for index in conn.execute("select indexrelid::regclass::text from pg_index where indrelid = %s::regclass",
                                  (f"raw.{old}",)).fetchall():
            conn.execute(sql.SQL("drop index {}").format(sql.SQL(index[0])))
        conn.execute(sql.SQL("create table {} ({}) partition by list (_periode)").format(
            sql.Identifier("raw", spec.name), _columns_sql(spec)))
        columns = sql.SQL(", ").join(map(sql.Identifier, raw_columns(spec.name)))
        existing = {r[0] for r in conn.execute(
            "select attname from pg_attribute where attrelid = %s::regclass and attnum > 0 and not attisdropped",
            (f"raw.{old}",)).fetchall()}
        selected = sql.SQL(", ").join(sql.Identifier(c) if c in existing else sql.SQL("null::text")
                                      for c in raw_columns(spec.name))
        for (period,) in conn.execute(sql.SQL("select distinct _periode from {}").format(
                sql.Identifier("raw", old))).fetchall():
            partition = ensure_period(conn, spec.name, period)
            conn.execute(sql.SQL("insert into {} ({}) select {} from {} where _periode = %s").format(
                partition, columns, selected, sql.Identifier("raw", old)), (period,))
        conn.execute(sql.SQL("drop table {}").format(sql.Identifier("raw", old)))


OLD_LEDGER = ("batch", "batch_attempt", "quarantine", "validation_result", "instansi")


def _ledger_tables_aside(conn: psycopg.Connection) -> None:
    """A warehouse made before the ledger was append-only: its audit tables (updated in place) are
    renamed aside, to be read into the ledger once it is made (_ledger_from_tables)."""
    for name in OLD_LEDGER:
        conn.execute(sql.SQL("alter table {} rename to {}").format(sql.Identifier("audit", name),
                                                                  sql.Identifier(f"{name}_v1")))


def _ledger_from_tables(conn: psycopg.Connection) -> None:
    """The old audit tables' rows as the ledger's: each delivery, its extractions (as many as its
    attempts), its outcome (the batches in force last, so that they stay current), its quarantine
    and rule counts, each government; then the old tables go (with what depended on them: dbt's
    staging views, which the next build makes again over the ledger's views)."""
    conn.execute("""insert into audit.batch_delivery (batch_id, instansi_kode, entity, periode, source_kind, source_file,
                        landing_path, checksum_sha256, size_bytes, received_at)
                    select batch_id, instansi_kode, entity, periode, source_kind, source_file, landing_path,
                           checksum_sha256, size_bytes, first_received_at from audit.batch_v1""")
    conn.execute("""insert into audit.batch_extraction (batch_id, at, extract_seconds)
                    select batch_id, coalesce(extracted_at, first_received_at), extract_seconds
                    from audit.batch_v1, generate_series(1, greatest(attempts, 1))""")
    conn.execute("""insert into audit.batch_attempt (batch_id, attempt, status, gate, message, rows_received, rows_loaded,
                        rows_quarantined, at, validate_seconds, load_seconds)
                    select batch_id, greatest(attempts, 1), status, gate, message, rows_received, rows_loaded,
                           rows_quarantined, coalesce(loaded_at, validated_at, first_received_at), validate_seconds,
                           load_seconds
                    from audit.batch_v1 where status in ('loaded', 'rejected')
                    order by is_current, coalesce(loaded_at, validated_at, first_received_at)""")
    for table, columns in (("quarantine", "row_number, source_file, row_data, reasons"),
                           ("validation_result", "rule, expectation, column_name, rows_evaluated, rows_failed")):
        conn.execute(sql.SQL("""insert into {} (attempt_id, batch_id, {c})
                                select a.id, o.batch_id, {o} from {} o
                                join audit.batch_attempt a on a.batch_id = o.batch_id and a.status = 'loaded'""").format(
            sql.Identifier("audit", f"{table}_row"), sql.Identifier("audit", f"{table}_v1"), c=sql.SQL(columns),
            o=sql.SQL(", ").join(sql.SQL("o.{}").format(sql.Identifier(c.strip())) for c in columns.split(","))))
    conn.execute("""insert into audit.instansi_versi (instansi_kode, nama, periodicity, source_kinds, at)
                    select instansi_kode, nama, periodicity, source_kinds, updated_at from audit.instansi_v1""")
    for name in ("quarantine", "validation_result", "batch_attempt", "batch", "instansi"):
        conn.execute(sql.SQL("drop table {} cascade").format(sql.Identifier("audit", f"{name}_v1")))


def schema_version(conn: psycopg.Connection) -> str:
    """A fingerprint of the DDL this code wants: the schemas' comment records the one applied."""
    text = "\n".join(s.as_string(conn) if isinstance(s, sql.Composable) else s for s in ddl())
    return "kinerja raw/audit " + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _applied_version(conn: psycopg.Connection) -> str | None:
    return conn.execute("select obj_description(to_regnamespace('raw'), 'pg_namespace')").fetchone()[0]


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create or upgrade raw and audit, once per version of this code. When the warehouse already
    has this version (the schema's comment says so) nothing is locked or altered: an agency's task
    must not take table locks while another agency's load is COPYing (ALTER TABLE and CREATE INDEX
    lock the table even when there is nothing to do, and two such tasks deadlock)."""
    wanted = schema_version(conn)
    if _applied_version(conn) == wanted:
        return
    # one session at a time creates the schema (tasks of several agencies may start together)
    conn.execute("select pg_advisory_xact_lock(hashtext('kinerja.ensure_schema'))")
    if _applied_version(conn) == wanted:
        return
    if conn.execute("select to_regrole('kinerja_etl') is null or to_regrole('auditor') is null").fetchone()[0]:
        from etl import access

        access._create_roles(conn, [])  # the grants below name them (needs CREATEROLE; bootstrap makes them)
    if conn.execute("select to_regnamespace('raw') is not null").fetchone()[0]:
        _partition_unpartitioned(conn)
    old_ledger = conn.execute("select relkind = 'r' from pg_class where oid = to_regclass('audit.batch')").fetchone()
    if old_ledger and old_ledger[0]:
        _ledger_tables_aside(conn)
    for statement in ddl():
        conn.execute(statement)
    if old_ledger and old_ledger[0]:
        _ledger_from_tables(conn)
    conn.execute(sql.SQL("comment on schema raw is {}").format(sql.Literal(wanted)))


def record_instansi(conn: psycopg.Connection, agency) -> None:
    """The government as the agencies file describes it (its name and cycle), for dim_instansi: a
    new row in the ledger when that changed (audit.instansi shows the latest)."""
    values = (agency.kode, agency.nama, agency.periodicity, ",".join(dict.fromkeys(s.kind for s in agency.sources)))
    conn.execute(
        """insert into audit.instansi_versi (instansi_kode, nama, periodicity, source_kinds)
           select %s, %s, %s, %s
           where not exists (select from audit.instansi i where i.instansi_kode = %s
                             and (i.nama, i.periodicity, i.source_kinds) = (%s, %s, %s))""",
        (*values, values[0], *values[1:]),
    )


def copy_file(conn: psycopg.Connection, table: sql.Composable, columns: list[str], path: Path) -> int:
    """Stream a CSV file (header row first) into `table` with COPY; returns rows copied."""
    statement = sql.SQL("copy {} ({}) from stdin with (format csv, header true)").format(
        table, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur:
        with cur.copy(statement) as copy, open(path, "rb") as fh:
            while block := fh.read(COPY_BLOCK):
                copy.write(block)
        return cur.rowcount


def write_copy_csv(table, out, header: bool) -> None:
    """Rows as the CSV that COPY reads fastest, built by Arrow's vectorised kernels: a value is quoted
    only where CSV needs it (a comma, a quote, a line break, or the empty text, which COPY would
    otherwise read as NULL) — PostgreSQL parses a quoted field a quarter slower —, a missing value
    is an empty field (NULL), numbers as they are. Leading columns of one value (dictionary arrays
    of one entry, such as raw's batch, government and period) are written as one prefix."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if header:
        out.write((",".join(table.column_names) + "\n").encode())
    if table.num_rows == 0:
        return
    text = pa.large_string()

    def constant(value: str):
        return pa.scalar(value, text)

    prefix, fields = [], []
    for column in table.columns:
        if not fields and pa.types.is_dictionary(column.type) and _one_value(column) is not None:
            prefix.append(_csv_field(_one_value(column)))
            continue
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if column.type != text:
            column = pc.cast(column, text)
        if _structural_bytes(column):
            needs = pc.or_(pc.match_substring_regex(column, '[,"\r\n]'), pc.equal(column, constant("")))
        else:  # the usual column: no value holds a comma, quote or line break, only "" needs quotes
            needs = pc.equal(column, constant(""))
        if pc.any(needs).as_py():
            quoted = pc.binary_join_element_wise(constant('"'), pc.replace_substring(column, '"', '""'),
                                                 constant('"'), constant(""))
            column = pc.if_else(needs, quoted, column)
        fields.append(column)
    lines = pc.binary_join_element_wise(
        constant("".join(value + "," for value in prefix)),
        pc.binary_join_element_wise(*fields, constant(","), null_handling="replace", null_replacement=""),
        constant("\n"), constant(""))
    for chunk in (lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]):
        if len(chunk):
            offsets, data = chunk.buffers()[1], chunk.buffers()[2]
            ends = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
            out.write(memoryview(data)[ends[0]:ends[-1]])


def _one_value(column) -> str | None:
    """The value of a dictionary column whose every row is its one dictionary entry, else None."""
    chunks = column.chunks if hasattr(column, "chunks") else [column]
    values = {tuple(c.dictionary.to_pylist()) for c in chunks}
    if len(values) != 1 or len(next(iter(values))) != 1 or column.null_count:
        return None
    value = next(iter(values))[0]
    return value if isinstance(value, str) else None


def _csv_field(value: str) -> str:
    if value == "" or any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


_STRUCTURAL = (b",", b'"', b"\r", b"\n")


def _structural_bytes(column) -> bool:
    """Whether any value of a large_string column holds a comma, quote or line break: one look at
    the bytes of its values (a regex per value costs three times as much)."""
    for chunk in (column.chunks if hasattr(column, "chunks") else [column]):
        if len(chunk) == 0:
            continue
        offsets, data = chunk.buffers()[1], chunk.buffers()[2]
        ends = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
        if data is not None and ends[-1] > ends[0]:
            values = data.slice(int(ends[0]), int(ends[-1] - ends[0])).to_pybytes()
            if any(byte in values for byte in _STRUCTURAL):  # memchr each
                return True
    return False


def raw_columns(entity: str) -> list[str]:
    return [*RAW_META_COLUMNS, *entity_def(entity).columns]


def uniqueness_rule(entity: str) -> tuple[str, bool]:
    """The suite's rule that the entity's natural key is unique within a delivery, and whether it
    is a single-column rule (which, as in GX, leaves empty keys out)."""
    from etl.validate import load_suite_spec

    key = list(entity_def(entity).natural_key)
    for expectation in load_suite_spec(entity)["expectations"]:
        kwargs = expectation["kwargs"]
        if expectation["type"] == "expect_column_values_to_be_unique" and [kwargs.get("column")] == key \
                and not kwargs.get("row_condition"):
            return expectation["meta"]["rule"], True
        if expectation["type"] == "expect_compound_columns_to_be_unique" and list(kwargs.get("column_list")) == key:
            return expectation["meta"]["rule"], False
    return f"{' + '.join(key)} must be unique within a delivery", len(key) == 1


# the temporary tables of one load (the runtime's own, dropped at commit): the rows of a delivery
# checked in several chunks, and the quarantine of every delivery, before they reach raw and audit
GOOD = sql.Identifier("kinerja_good")
QUARANTINE = sql.Identifier("kinerja_quarantine")


def stage_quarantine(conn: psycopg.Connection, path: Path) -> int:
    """The batch's quarantine file into a temporary table of this transaction."""
    conn.execute(sql.SQL("create temp table {} (batch_id text, row_number bigint, source_file text, row_data jsonb, "
                         "reasons jsonb) on commit drop").format(QUARANTINE))
    return copy_file(conn, QUARANTINE, ["batch_id", "row_number", "source_file", "row_data", "reasons"], path)


def stage_good(conn: psycopg.Connection, entity: str, path: Path) -> int:
    """The batch's good rows into a temporary table of this transaction (like raw.<entity>)."""
    conn.execute(sql.SQL("create temp table {} (like {}) on commit drop").format(GOOD, sql.Identifier("raw", entity)))
    return copy_file(conn, GOOD, raw_columns(entity), path)


def quarantine_duplicates(conn: psycopg.Connection, entity: str, batch_id: str, source_file: str) -> tuple[int, int]:
    """The suite checks that the natural key is unique within each chunk; this makes it hold for the
    whole delivery, in one set-based statement, as if the file were one chunk: a key that occurs
    more than once among all the rows received (good or quarantined) sends its good rows to
    quarantine and adds the rule to its quarantined ones. Works on the load's temporary tables
    (stage_good, stage_quarantine), before anything reaches raw or the ledger, which are only ever
    appended to. Returns (rows moved, rows of the delivery that break the rule)."""
    spec = entity_def(entity)
    rule, single = uniqueness_rule(entity)
    keys = [sql.Identifier(c) for c in spec.natural_key]
    key_list = sql.SQL(", ").join(keys)
    from_json = sql.SQL(", ").join(sql.SQL("q.row_data ->> {}").format(sql.Literal(c)) for c in spec.natural_key)
    not_empty = sql.SQL(" and ").join(sql.SQL("{} is not null").format(k) for k in keys) if single else sql.SQL("true")
    same = lambda alias: sql.SQL(" and ").join(  # noqa: E731
        sql.SQL("d.{k} is not distinct from {a}").format(k=k, a=alias(c)) for k, c in zip(keys, spec.natural_key))
    payload = sql.SQL(", ").join(sql.SQL("{}, r.{}").format(sql.Literal(c), sql.Identifier(c)) for c in spec.columns)
    statement = sql.SQL(
        """
        with received as (
            select {key_list} from {good}
            union all
            select {from_json} from {quarantine} q
        ), dup as (
            select {key_list} from received where {not_empty} group by {key_list} having count(*) > 1
        ), flagged as (
            update {quarantine} q set reasons = q.reasons || jsonb_build_array(%(rule)s::text)
            where not q.reasons ? %(rule)s and exists (select 1 from dup d where {same_q})
            returning 1
        ), moved as (
            delete from {good} r where exists (select 1 from dup d where {same_r})
            returning r.*
        )
        insert into {quarantine} (batch_id, row_number, source_file, row_data, reasons)
        select %(batch)s, r._row, %(source)s, jsonb_build_object({payload}), jsonb_build_array(%(rule)s::text)
        from moved r
        """
    ).format(good=GOOD, quarantine=QUARANTINE, key_list=key_list, from_json=from_json, not_empty=not_empty,
             payload=payload, same_q=same(lambda c: sql.SQL("q.row_data ->> {}").format(sql.Literal(c))),
             same_r=same(lambda c: sql.SQL("r.{}").format(sql.Identifier(c))))
    with conn.cursor() as cur:
        cur.execute(statement, {"batch": batch_id, "source": source_file, "rule": rule})
        moved = cur.rowcount
    failed = conn.execute(sql.SQL("select count(*) from {} where reasons ? %s").format(QUARANTINE), (rule,)).fetchone()[0]
    return moved, failed


def with_uniqueness_count(entity: str, results: list[dict], received: int, failed: int) -> list[dict]:
    """The rule counts with the uniqueness rule's taken over the whole delivery."""
    spec = entity_def(entity)
    rule, single = uniqueness_rule(entity)
    whole = {"rule": rule, "expectation": "expect_column_values_to_be_unique" if single
             else "expect_compound_columns_to_be_unique", "column_name": ",".join(spec.natural_key),
             "rows_evaluated": received, "rows_failed": failed}
    if any(r["rule"] == rule for r in results):
        return [r | {"rows_failed": failed} if r["rule"] == rule else r for r in results]
    return [*results, whole]


def save_validation_results(conn: psycopg.Connection, attempt_id: int, batch_id: str, results: list[dict]) -> None:
    conn.execute(
        """
        insert into audit.validation_result_row
            (attempt_id, batch_id, rule, expectation, column_name, rows_evaluated, rows_failed)
        select %s, %s, rule, expectation, column_name, rows_evaluated, rows_failed
        from jsonb_to_recordset(%s::jsonb) as r(
            rule text, expectation text, column_name text, rows_evaluated bigint, rows_failed bigint)
        """,
        (attempt_id, batch_id, json.dumps(results)),
    )


def previous_volumes(conn: psycopg.Connection, batches: list) -> dict[str, int]:
    """Per entity, the rows received by the loaded delivery of the period before (the volume
    gate's yardstick): one query for an agency's month."""
    from etl.config import previous_period

    scopes = [(b.entity, previous_period(b.period)) for b in batches]
    rows = conn.execute(
        """select entity, rows_received from audit.batch
           where instansi_kode = %s and (entity, periode) in (select * from unnest(%s::text[], %s::text[]))
           and is_current and status = 'loaded'""",
        (batches[0].agency, [e for e, _ in scopes], [p for _, p in scopes]),
    ).fetchall()
    return {entity: received for entity, received in rows}
