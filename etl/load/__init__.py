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


def ddl() -> list[str]:
    statements = [
        "create schema if not exists raw",
        "create schema if not exists audit",
        """
        create table if not exists audit.batch (
            batch_id          text primary key,
            instansi_kode     text not null,
            entity            text not null,
            periode           text not null,
            source_kind       text not null,
            source_file       text not null,
            landing_path      text not null,
            checksum_sha256   text not null,
            size_bytes        bigint,
            status            text not null check (status in ('received', 'loaded', 'rejected')),
            message           text,
            rows_received     bigint,
            rows_loaded       bigint,
            rows_quarantined  bigint,
            is_current        boolean not null default false,
            attempts          integer not null default 1,
            first_received_at timestamptz not null default now(),
            extracted_at      timestamptz,
            validated_at      timestamptz,
            loaded_at         timestamptz,
            extract_seconds   numeric(12, 3),
            validate_seconds  numeric(12, 3),
            load_seconds      numeric(12, 3),
            constraint batch_balances check (
                status <> 'loaded' or rows_received = rows_loaded + rows_quarantined
            )
        )
        """,
        # the batch gate that refused it: unreadable | header | empty | volume | reference | suite
        "alter table audit.batch add column if not exists gate text",
        "create index if not exists batch_scope on audit.batch (instansi_kode, entity, periode)",
        """
        create table if not exists audit.quarantine (
            batch_id    text not null references audit.batch (batch_id),
            row_number  bigint not null,
            source_file text not null,
            row_data    jsonb not null,
            reasons     jsonb not null,
            primary key (batch_id, row_number)
        )
        """,
        """
        create table if not exists audit.instansi (
            instansi_kode  text primary key,
            nama           text not null,
            periodicity    text not null,
            source_kinds   text not null,
            updated_at     timestamptz not null default now()
        )
        """,
        """
        create table if not exists audit.batch_attempt (
            batch_id         text not null references audit.batch (batch_id),
            attempt          integer not null,
            status           text not null check (status in ('loaded', 'rejected')),
            gate             text,
            message          text,
            rows_received    bigint,
            rows_loaded      bigint,
            rows_quarantined bigint,
            at               timestamptz not null default now(),
            primary key (batch_id, attempt)
        )
        """,
        """
        create table if not exists audit.validation_result (
            batch_id       text not null references audit.batch (batch_id),
            rule           text not null,
            expectation    text not null,
            column_name    text,
            rows_evaluated bigint not null,
            rows_failed    bigint not null,
            primary key (batch_id, rule)
        )
        """,
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


def ensure_period(conn: psycopg.Connection, entity: str, period: str) -> sql.Identifier:
    """The period's partition of raw.<entity>, made (and committed) when it is the first delivery of
    the period. Made outside the raw table, then attached: attaching locks the parent only against
    other schema changes (SHARE UPDATE EXCLUSIVE), never against the loads and reads of other
    periods; one session at a time makes a table's partitions."""
    name = period_partition(entity, period)
    if not _attached(conn, name):
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(hashtext('kinerja.raw.' || %s))", (entity,))
            if not _attached(conn, name):
                made = sql.Identifier("raw", name)
                conn.execute(sql.SQL("create table if not exists {} ({}) partition by hash (_instansi_kode)").format(
                    made, sql.SQL("like {} including defaults").format(sql.Identifier("raw", entity))))
                leaves = [sql.Identifier("raw", f"{name}__h{remainder:02d}") for remainder in range(HASH_PARTITIONS)]
                for remainder, leaf in enumerate(leaves):
                    conn.execute(sql.SQL(
                        "create table if not exists {} partition of {} for values with (modulus {}, remainder {})"
                    ).format(leaf, made, sql.Literal(HASH_PARTITIONS), sql.Literal(remainder)))
                statistics = sql.SQL(", ").join(
                    sql.SQL("alter column {} set statistics {}").format(sql.Identifier(c), sql.Literal(RAW_STATISTICS))
                    for c in raw_columns(entity))
                for table in (made, *leaves):
                    conn.execute(sql.SQL("alter table {} {}").format(table, statistics))
                conn.execute(sql.SQL("alter table {} attach partition {} for values in ({})").format(
                    sql.Identifier("raw", entity), made, sql.Literal(period)))
    return sql.Identifier("raw", name)


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
    if conn.execute("select to_regnamespace('raw') is not null").fetchone()[0]:
        _partition_unpartitioned(conn)
    for statement in ddl():
        conn.execute(statement)
    conn.execute(sql.SQL("comment on schema raw is {}").format(sql.Literal(wanted)))


def record_instansi(conn: psycopg.Connection, agency) -> None:
    """The government as the agencies file describes it (its name and cycle), for dim_instansi."""
    conn.execute(
        """insert into audit.instansi (instansi_kode, nama, periodicity, source_kinds) values (%s, %s, %s, %s)
           on conflict (instansi_kode) do update set nama = excluded.nama, periodicity = excluded.periodicity,
               source_kinds = excluded.source_kinds, updated_at = now()
           where (audit.instansi.nama, audit.instansi.periodicity, audit.instansi.source_kinds)
               is distinct from (excluded.nama, excluded.periodicity, excluded.source_kinds)""",
        (agency.kode, agency.nama, agency.periodicity, ",".join(dict.fromkeys(s.kind for s in agency.sources))),
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


def quarantine_duplicates(conn: psycopg.Connection, entity: str, batch_id: str, source_file: str,
                          received: int, agency: str, period: str) -> int:
    """The suite checks that the natural key is unique within each chunk; this makes it hold for the
    whole delivery, in one set-based statement in the database, as if the file were one chunk: a
    key that occurs more than once among all the rows received (loaded or quarantined) sends its
    loaded rows to quarantine and adds the rule to its quarantined ones. Returns the rows moved.
    The batch's rows are found through the (period, agency) index: the cost is the delivery's, not
    the history's."""
    spec = entity_def(entity)
    table = sql.Identifier("raw", entity)
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
            select {key_list} from {table}
            where _periode = %(period)s and _instansi_kode = %(agency)s and _batch_id = %(batch)s
            union all
            select {from_json} from audit.quarantine q where q.batch_id = %(batch)s
        ), dup as (
            select {key_list} from received where {not_empty} group by {key_list} having count(*) > 1
        ), flagged as (
            update audit.quarantine q set reasons = q.reasons || jsonb_build_array(%(rule)s::text)
            where q.batch_id = %(batch)s and not q.reasons ? %(rule)s
              and exists (select 1 from dup d where {same_q})
            returning 1
        ), moved as (
            delete from {table} r
            where r._periode = %(period)s and r._instansi_kode = %(agency)s and r._batch_id = %(batch)s
              and exists (select 1 from dup d where {same_r})
            returning r.*
        )
        insert into audit.quarantine (batch_id, row_number, source_file, row_data, reasons)
        select %(batch)s, r._row, %(source)s, jsonb_build_object({payload}), jsonb_build_array(%(rule)s::text)
        from moved r
        """
    ).format(table=table, key_list=key_list, from_json=from_json, not_empty=not_empty, payload=payload,
             same_q=same(lambda c: sql.SQL("q.row_data ->> {}").format(sql.Literal(c))),
             same_r=same(lambda c: sql.SQL("r.{}").format(sql.Identifier(c))))
    with conn.cursor() as cur:
        cur.execute(statement, {"batch": batch_id, "source": source_file, "rule": rule, "agency": agency,
                                "period": period})
        moved = cur.rowcount
    # the rule's count over the whole delivery
    conn.execute(
        """
        insert into audit.validation_result as v (batch_id, rule, expectation, column_name, rows_evaluated, rows_failed)
        values (%(batch)s, %(rule)s, %(kind)s, %(columns)s, %(received)s,
                (select count(*) from audit.quarantine where batch_id = %(batch)s and reasons ? %(rule)s))
        on conflict (batch_id, rule) do update set rows_failed = excluded.rows_failed
        """,
        {"batch": batch_id, "rule": rule, "received": received, "columns": ",".join(spec.natural_key),
         "kind": "expect_column_values_to_be_unique" if single else "expect_compound_columns_to_be_unique"},
    )
    return moved


def save_validation_results(conn: psycopg.Connection, batch_id: str, results: list[dict]) -> None:
    conn.execute(
        """
        insert into audit.validation_result
            (batch_id, rule, expectation, column_name, rows_evaluated, rows_failed)
        select %s, rule, expectation, column_name, rows_evaluated, rows_failed
        from jsonb_to_recordset(%s::jsonb) as r(
            rule text, expectation text, column_name text, rows_evaluated bigint, rows_failed bigint)
        """,
        (batch_id, json.dumps(results)),
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
