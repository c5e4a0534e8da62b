"""Loading against a real PostgreSQL: balance, idempotency, replacement and atomicity."""

import shutil

import pytest

from etl import pipeline


def _counts(db, period, agency="PAUH"):
    return db.execute(
        """select entity, status, rows_received, rows_loaded, rows_quarantined from audit.batch
           where periode = %s and instansi_kode = %s and is_current order by entity""",
        (period, agency),
    ).fetchall()


def _table_digest(db, table):
    return db.execute(f"select md5(string_agg(t::text, '|' order by t::text)) from {table} t").fetchone()[0]


def test_batches_balance_and_agree_with_the_manifest(db, demo_world):
    _, manifest = demo_world
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-09")))
    planted = manifest["agencies"]["PAUH"]["2026-09"]
    for entity, status, received, loaded, quarantined in _counts(db, "2026-09"):
        assert status == "loaded"
        assert received == loaded + quarantined
        assert received == planted[entity]["rows"]
        assert quarantined == planted[entity]["rows_quarantined"]
    by_rule = dict(db.execute(
        """select reason, count(*) from audit.quarantine q join audit.batch b using (batch_id),
           jsonb_array_elements_text(q.reasons) reason
           where b.periode = '2026-09' and b.instansi_kode = 'PAUH' and b.entity = 'evaluasi_periodik'
             and b.is_current group by 1"""
    ).fetchall())
    assert by_rule == planted["evaluasi_periodik"]["defects"]


def test_loading_the_same_delivery_twice_changes_nothing(db, demo_world):
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    before = {t: _table_digest(db, t) for t in ("raw.evaluasi_periodik", "raw.pegawai", "audit.quarantine")}
    attempts = "select max(attempts) from audit.batch where periode = '2026-10' and instansi_kode = 'PAUH' and is_current"
    attempts_before = db.execute(attempts).fetchone()[0]
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    after = {t: _table_digest(db, t) for t in before}
    assert before == after
    assert db.execute(attempts).fetchone()[0] == attempts_before + 1


def test_a_corrected_redelivery_replaces_the_period_and_keeps_history(db, demo_world, tmp_path):
    sources, _ = demo_world
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-09")))
    # the agency sends September again, with one employee fewer
    original = sources / "PAUH" / "2026-09" / "evaluasi_periodik.csv"
    backup = tmp_path / "orig.csv"
    shutil.copy(original, backup)
    lines = original.read_text().splitlines(keepends=True)
    original.write_text("".join(lines[:-1]))
    try:
        pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-09")))
        rows = db.execute("select count(*) from raw.evaluasi_periodik where _periode = '2026-09' "
                          "and _instansi_kode = 'PAUH'").fetchone()[0]
        batches = db.execute(
            """select count(*), count(*) filter (where is_current) from audit.batch
               where periode = '2026-09' and instansi_kode = 'PAUH' and entity = 'evaluasi_periodik'"""
        ).fetchone()
        current = _counts(db, "2026-09")
        loaded = next(c for c in current if c[0] == "evaluasi_periodik")[3]
        assert rows == loaded
        assert batches == (2, 1)  # both deliveries in the audit history, one current
    finally:
        shutil.copy(backup, original)


def test_a_failure_inside_the_load_leaves_the_previous_state(db, demo_world, monkeypatch):
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
    before = _table_digest(db, "raw.evaluasi_periodik")
    validated = pipeline.validate(pipeline.extract("PAUH", "2026-10"))

    def boom(*args, **kwargs):
        raise RuntimeError("crash after COPY")

    monkeypatch.setattr("etl.load.ledger.save_validation_results", boom)
    with pytest.raises(RuntimeError, match="crash after COPY"):
        pipeline.load(validated)
    assert _table_digest(db, "raw.evaluasi_periodik") == before


def test_an_unreadable_delivery_is_rejected_with_its_reason_and_loads_nothing(db, demo_world, tmp_path, monkeypatch):
    sources, _ = demo_world
    broken = tmp_path / "broken"
    shutil.copytree(sources / "PAUH" / "2026-10", broken / "PAUH" / "2026-10")
    (broken / "PAUH" / "2026-10" / "pegawai.csv").write_text("nip;nama\n1;2\n")
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(broken))
    validated = pipeline.validate(pipeline.extract("PAUH", "2026-10"))
    with pytest.raises(pipeline.AgencyBatchFailed, match="pegawai: .*header lacks the columns"):
        pipeline.load(validated)
    status, message, loaded = db.execute(
        """select status, message, rows_loaded from audit.batch
           where entity = 'pegawai' and periode = '2026-10' and instansi_kode = 'PAUH' and gate = 'header'"""
    ).fetchone()
    assert (status, loaded) == ("rejected", 0)
    assert "pegawai.csv" in message


def test_an_agencys_extract_takes_no_table_lock_while_another_loads(db, demo_world, warehouse_url):
    """Airflow runs several agencies' tasks at once: one's extract (which makes sure the schema is
    there) must not wait for, nor deadlock with, another's load holding its tables."""
    import psycopg

    from etl.load import schema as loader

    pipeline.extract("PAUH", "2026-09")  # the schema is there, at this version
    with psycopg.connect(warehouse_url) as loading, psycopg.connect(warehouse_url) as extracting:
        loading.execute("lock table raw.rhk, raw.pegawai, audit.batch in share row exclusive mode")  # as a COPY would, more
        extracting.execute("set lock_timeout = '2s'")
        loader.ensure_schema(extracting)  # would wait on ALTER/CREATE INDEX and time out
        extracting.rollback()
        loading.rollback()
    with psycopg.connect(warehouse_url) as conn:
        assert loader._applied_version(conn) == loader.schema_version(conn)


def test_a_warehouse_of_unpartitioned_raw_tables_is_partitioned_with_its_rows(warehouse_url):
    """A warehouse made before raw was partitioned by period: the schema upgrade moves every row
    into its period's partition, and the old table and its index are gone."""
    import os

    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    from etl.load import schema as loader
    from etl.canonical import ENTITIES

    name = f"kinerja_upgrade_{os.getpid()}"
    with psycopg.connect(warehouse_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    try:
        with psycopg.connect(make_conninfo(warehouse_url, dbname=name)) as conn:
            conn.execute("create schema raw")
            for spec in ENTITIES.values():  # the layout of the earlier version
                conn.execute(sql.SQL("create table {} ({})").format(sql.Identifier("raw", spec.name),
                                                                     loader._columns_sql(spec)))
                conn.execute(sql.SQL("create index {} on {} (_periode, _instansi_kode)").format(
                    sql.Identifier(f"{spec.name}_periode"), sql.Identifier("raw", spec.name)))
            conn.execute("comment on schema raw is 'kinerja raw/audit 0000000000000000'")
            conn.execute("""insert into raw.pegawai (_batch_id, _instansi_kode, _periode, _row, nip, nama)
                            values ('b1', 'PAUH', '2026-09', 2, '1', 'A'), ('b1', 'PAUH', '2026-09', 3, '2', 'B'),
                                   ('b2', 'JAMBI', '2026-10', 2, '3', 'C')""")
            before = conn.execute("select t::text from raw.pegawai t order by 1").fetchall()
            loader.ensure_schema(conn)
            conn.commit()
            assert conn.execute("select relkind from pg_class where oid = 'raw.pegawai'::regclass").fetchone()[0] == "p"
            assert conn.execute("select t::text from raw.pegawai t order by 1").fetchall() == before
            assert conn.execute("select count(*) from raw.pegawai__2026_09").fetchone()[0] == 2
            assert conn.execute("select to_regclass('raw.pegawai__unpartitioned'), to_regclass('raw.pegawai_periode')"
                                ).fetchone() == (None, None)
            assert loader._applied_version(conn) == loader.schema_version(conn)
    finally:
        with psycopg.connect(warehouse_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')


def test_the_copy_csv_quotes_only_what_needs_it_and_copy_reads_every_value_back(db):
    """Good rows are written for COPY with a value quoted only where CSV needs it; every value,
    the empty text and NULL included, comes back from COPY as it was."""
    import io

    import pyarrow as pa

    from etl.raw_csv import write_copy_csv

    values = ["plain", "", None, 'a"b', "a,b", "line\nbreak", "cr\rx", "\\.", " sp ", "Ω", "=1+1", "\\N", "NULL",
              "'; drop table raw.rhk; --"]
    rows = pa.table({"_row": pa.array(range(len(values)), pa.int64()), "v": pa.array(values, pa.large_string()),
                     "k": pa.DictionaryArray.from_arrays(pa.array([0] * len(values), pa.int32()), pa.array(["K,1"]))})
    out = io.BytesIO()
    write_copy_csv(pa.concat_tables([rows.slice(0, 5), rows.slice(5)]), out, header=True)
    text = out.getvalue().decode()
    assert text.splitlines()[1:3] == ['0,plain,"K,1"', '1,"","K,1"']  # unquoted unless needed
    with db.transaction():
        db.execute("create temp table copied (_row bigint, v text, k text) on commit drop")
        with db.cursor().copy("copy copied from stdin (format csv, header true)") as copy:
            copy.write(out.getvalue())
        assert db.execute("select v, k from copied order by _row").fetchall() == [(v, "K,1") for v in values]


def test_a_load_cleans_its_work_files_up_and_a_retry_after_that_changes_nothing(db, demo_world):
    """The validated rows' work files go once the agency's batches are all in force (a national year
    of them would fill a disk); the task run again (an Airflow retry) finds its batches loaded."""
    from pathlib import Path

    validated = pipeline.validate(pipeline.extract("PAUH", "2026-10"))
    first = pipeline.load(validated)
    assert not any(Path(item["good_file"]).parent.exists() for item in validated)
    before = _table_digest(db, "raw.evaluasi_periodik")
    assert pipeline.load(validated) == first
    assert _table_digest(db, "raw.evaluasi_periodik") == before


def test_a_warehouse_of_the_old_audit_tables_becomes_the_append_only_ledger(warehouse_url):
    """A warehouse made before the ledger was append-only (audit.batch and the rest updated in place):
    the schema upgrade reads their rows into the ledger, and the views show what the tables held."""
    import os

    import psycopg
    from psycopg.conninfo import make_conninfo

    from etl.load import schema as loader

    name = f"kinerja_ledger_{os.getpid()}"
    with psycopg.connect(warehouse_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    old = """
        create schema audit;
        create table audit.batch (batch_id text primary key, instansi_kode text not null, entity text not null,
            periode text not null, source_kind text not null, source_file text not null, landing_path text not null,
            checksum_sha256 text not null, size_bytes bigint, status text not null, message text, rows_received bigint,
            rows_loaded bigint, rows_quarantined bigint, is_current boolean not null default false,
            attempts integer not null default 1, first_received_at timestamptz not null default now(),
            extracted_at timestamptz, validated_at timestamptz, loaded_at timestamptz, extract_seconds numeric(12, 3),
            validate_seconds numeric(12, 3), load_seconds numeric(12, 3), gate text);
        create table audit.quarantine (batch_id text not null references audit.batch (batch_id), row_number bigint not null,
            source_file text not null, row_data jsonb not null, reasons jsonb not null, primary key (batch_id, row_number));
        create table audit.instansi (instansi_kode text primary key, nama text not null, periodicity text not null,
            source_kinds text not null, updated_at timestamptz not null default now());
        create table audit.batch_attempt (batch_id text not null references audit.batch (batch_id), attempt integer not null,
            status text not null, gate text, message text, rows_received bigint, rows_loaded bigint,
            rows_quarantined bigint, at timestamptz not null default now(), primary key (batch_id, attempt));
        create table audit.validation_result (batch_id text not null references audit.batch (batch_id), rule text not null,
            expectation text not null, column_name text, rows_evaluated bigint not null, rows_failed bigint not null,
            primary key (batch_id, rule));
        insert into audit.batch values
          ('b1', 'PAUH', 'pegawai', '2026-09', 'canonical_csv', 'f1', '/l/f1', 'c1', 10, 'loaded', null, 5, 4, 1, false, 1,
           '2026-10-01', '2026-10-01', '2026-10-01', '2026-10-01 01:00', 1, 1, 1, null),
          ('b2', 'PAUH', 'pegawai', '2026-09', 'canonical_csv', 'f2', '/l/f2', 'c2', 10, 'loaded', null, 6, 6, 0, true, 2,
           '2026-10-02', '2026-10-03', '2026-10-03', '2026-10-03 01:00', 1, 1, 1, null),
          ('b3', 'PAUH', 'rhk', '2026-09', 'canonical_csv', 'f3', '/l/f3', 'c3', 10, 'rejected', 'header', 0, 0, 0, false,
           1, '2026-10-02', '2026-10-02', '2026-10-02', null, 1, 1, null, 'header');
        insert into audit.quarantine values ('b1', 7, 'f1', '{"nip": "1"}', '["rule"]');
        insert into audit.validation_result values ('b1', 'rule', 'expect_x', 'nip', 5, 1);
        insert into audit.instansi values ('PAUH', 'Kota Pauh', 'BULANAN', 'canonical_csv', '2026-10-01');
    """
    columns = ("batch_id, instansi_kode, entity, periode, status, message, rows_received, rows_loaded, rows_quarantined, "
               "is_current, attempts, gate, checksum_sha256")
    try:
        with psycopg.connect(make_conninfo(warehouse_url, dbname=name)) as conn:
            conn.execute(old)
            before = {t: conn.execute(f"select {c} from audit.{t} order by 1, 2").fetchall() for t, c in (
                ("batch", columns), ("quarantine", "batch_id, row_number, reasons"),
                ("validation_result", "batch_id, rule, rows_failed"), ("instansi", "instansi_kode, nama"))}
            loader.ensure_schema(conn)
            conn.commit()
            assert conn.execute("select relkind from pg_class where oid = 'audit.batch'::regclass").fetchone()[0] == "v"
            after = {t: conn.execute(f"select {c} from audit.{t} order by 1, 2").fetchall() for t, c in (
                ("batch", columns), ("quarantine", "batch_id, row_number, reasons"),
                ("validation_result", "batch_id, rule, rows_failed"), ("instansi", "instansi_kode, nama"))}
            assert after == before
            assert conn.execute("select to_regclass('audit.batch_v1')").fetchone()[0] is None
    finally:
        with psycopg.connect(warehouse_url, autocommit=True) as admin:
            admin.execute(f'drop database if exists "{name}" with (force)')
