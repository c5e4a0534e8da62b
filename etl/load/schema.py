"""The warehouse's raw and audit schemas: made and upgraded by the owner, once per version.

What they hold is written in SQL, in the versioned files of etl/load/sql/ applied in the order of
their names (ddl); raw's tables follow the canonical entities. The schema's comment records the
fingerprint of what was applied (schema_version), so a warehouse already at this version is left
alone: nothing is locked. Upgrades from earlier layouts (an unpartitioned raw, the ledger as
tables) happen here too, before the files are applied.

The raw tables are partitioned by period (`raw.<entity>__<period>`, made on the first delivery of
a period), and each period by a hash of the government (HASH_PARTITIONS leaves), with no index:
a COPY maintains nothing but the rows, dbt reads a month by pruning to its partition whatever the
history, and replacing one government's period deletes from one leaf, only when an earlier
delivery of it was loaded at all.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import psycopg
from psycopg import sql

from etl import access
from etl.canonical import ENTITIES
from etl.config import quarter_of
from etl.raw_csv import raw_columns

SQL_DIR = Path(__file__).with_name("sql")  # the schema's versioned files (package data)
_PERIOD = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$")



def ddl() -> list[str]:
    """The owner's DDL of raw and audit, in the order it is applied: the versioned files of
    etl/load/sql/ (001_ledger.sql, 002_record_load.sql, 003_grants.sql ...: each one whole, in the
    order of their names), then raw's tables, one per canonical entity (etl/canonical.py: a table
    follows its entity's columns, so they are made from it, not written twice)."""
    statements: list = [path.read_text(encoding="utf-8") for path in sorted(SQL_DIR.glob("[0-9][0-9][0-9]_*.sql"))]
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


def analyze_period(conn: psycopg.Connection, month: str | None) -> list[str]:
    """ANALYZE the raw partitions of a month's deliveries (the month, and the quarter that ends in
    it), and the statistics of each raw table as a whole, before dbt reads them; with no month (a
    build of every period, as a backfill's), the periods never analysed. Rows just copied
    have no statistics until autovacuum comes by (never, where it is off): the planner then takes a
    month of a million RHK lines for a few hundred, and, without the whole table's spread of its
    join keys, sorts a million rows to merge-join them instead of hashing (3 s against 1 s for
    fct_rhk_capaian's join at 200,000 employees). A partition's statistics are cheap
    (RAW_STATISTICS); the whole table's are gathered again (ANALYZE ONLY, PostgreSQL 17 and later)
    when its periods' rows moved past autovacuum's threshold since they were last gathered
    (_table_statistics_stale): that sample opens every partition of every month, 3.3 s a run for the
    raw tables with 24 months behind them, for statistics a month moves by a twenty-fourth. An older
    server samples every partition again, so it takes them once, when they are missing.
    Returns what was analysed."""
    labels = ([month] + ([quarter_of(month)] if int(month[5:7]) % 3 == 0 else [])) if month else []
    only = conn.info.server_version >= 170000
    done = []
    for entity in ENTITIES:
        if not conn.execute("select to_regclass(%s) is not null", (f"raw.{entity}",)).fetchone()[0]:
            continue  # nothing of it loaded yet in this warehouse
        for label in labels:
            name = period_partition(entity, label)
            if _attached(conn, name):
                conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", name)))
                done.append(name)
        if only:
            # periods loaded without a run of their own (a backfill builds them at once): their counts, once
            for (name,) in conn.execute(
                    """select k.relname from pg_inherits i join pg_class k on k.oid = i.inhrelid
                       where i.inhparent = to_regclass(%s) and k.reltuples < 0 order by 1""",
                    (f"raw.{entity}",)).fetchall():
                conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", name)))
                done.append(name)
            if _table_statistics_stale(conn, entity):
                conn.execute(sql.SQL("analyze only {}").format(sql.Identifier("raw", entity)))
                done.append(entity)
        elif not conn.execute("select exists (select 1 from pg_stats where schemaname = 'raw' and tablename = %s "
                              "and inherited)", (entity,)).fetchone()[0]:
            conn.execute(sql.SQL("analyze {}").format(sql.Identifier("raw", entity)))
            done.append(entity)
    return done


# A table's own statistics are gathered again when its rows moved by more than this share of what they
# counted, plus 50: autovacuum's analyze threshold (scale factor 0.1), the same rule and share as dbt's
# statistics post-hook (var statistik_ambang_perubahan in dbt_project/dbt_project.yml; a test keeps them equal)
STATISTICS_CHANGE_SHARE = 0.1


def _table_statistics_stale(conn: psycopg.Connection, entity: str) -> bool:
    """Whether raw.<entity>'s own statistics (over every period) miss too much: never gathered, or its
    periods' rows (their own analyses: analyze_period analyses a period never analysed first) differ
    from what the table's last analysis counted by more than STATISTICS_CHANGE_SHARE of it, plus 50.
    A delivery replaced by one as large does not count: it moves the table's spread by its share at most."""
    counted, rows = conn.execute(
        """select c.reltuples, coalesce(sum(greatest(k.reltuples, 0)), 0)
           from pg_class c left join pg_inherits i on i.inhparent = c.oid left join pg_class k on k.oid = i.inhrelid
           where c.oid = to_regclass(%s) group by c.reltuples""", (f"raw.{entity}",)).fetchone()
    return counted < 0 or abs(rows - counted) > 50 + STATISTICS_CHANGE_SHARE * counted


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


