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

    monkeypatch.setattr("etl.load.save_validation_results", boom)
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

    from etl import load as loader

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

    from etl import load as loader
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

    from etl.load import write_copy_csv

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
