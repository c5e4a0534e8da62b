"""kinerja_bulanan end to end: the real DAG, in-process, against a real PostgreSQL.

Checks the counts in raw, audit, marts and publik and the open-data file, then runs the same
month again and checks that every table is identical."""

import csv
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PERIOD = "2026-10"
# every table's rows; for the reconciliation mart its balance, not the run's own bookkeeping
# (attempts, timings), which a rerun rightly updates
TABLES = {
    "raw.unit_kerja": "t", "raw.pegawai": "t", "raw.evaluasi_periodik": "t", "audit.quarantine": "t",
    "audit.validation_result": "t", "marts.fct_evaluasi_kinerja": "t",
    "marts.mart_rekonsiliasi": "(t.batch_id, t.status, t.is_current, t.rows_received, t.rows_loaded, "
                               "t.rows_quarantined, t.checksum_sha256)",
    "publik.pub_distribusi_predikat": "t",
}


def _digests(db):
    return {table: db.execute(f"select count(*), md5(coalesce(string_agg({row}::text, '|' order by {row}::text), "
                              f"'')) from {table} t").fetchone() for table, row in TABLES.items()}


@pytest.fixture(scope="module")
def first_run(warehouse_url, demo_world):
    from etl import orchestration

    dag_run = orchestration.run_period(PERIOD)
    return dag_run, orchestration.failed_tasks(dag_run)


def test_the_run_succeeds(first_run):
    dag_run, failed = first_run
    assert str(dag_run.state) == "success"
    assert failed == []


def test_counts_in_raw_audit_marts_and_publik(first_run, db, demo_world):
    _, manifest = demo_world
    planted = manifest["agencies"]["PAUH"][PERIOD]
    evaluations = planted["evaluasi_periodik"]
    expected_loaded = evaluations["rows"] - evaluations["rows_quarantined"]

    raw = db.execute("select count(*) from raw.evaluasi_periodik where _periode = %s", (PERIOD,)).fetchone()[0]
    assert raw == expected_loaded
    assert db.execute("select count(*) from raw.pegawai where _periode = %s", (PERIOD,)).fetchone()[0] \
        == planted["pegawai"]["rows"]

    batches = db.execute(
        """select entity, rows_received, rows_loaded, rows_quarantined from audit.batch
           where periode = %s and is_current and status = 'loaded'""", (PERIOD,)).fetchall()
    assert {b[0] for b in batches} == {"unit_kerja", "pegawai", "evaluasi_periodik"}
    for entity, received, loaded, quarantined in batches:
        assert received == loaded + quarantined == planted[entity]["rows"]
        assert quarantined == planted[entity]["rows_quarantined"]

    fct, mismatched = db.execute(
        "select count(*), count(*) filter (where is_predikat_tidak_sesuai) from marts.fct_evaluasi_kinerja "
        "where periode = %s", (PERIOD,)).fetchone()
    assert fct == expected_loaded
    assert mismatched == evaluations["findings"]["predikat_tidak_sesuai_matriks"]

    unbalanced = db.execute("select count(*) from marts.mart_rekonsiliasi where status = 'loaded' "
                            "and not is_seimbang").fetchone()[0]
    assert unbalanced == 0

    published = db.execute(
        "select predikat, jumlah_pegawai, is_disembunyikan from publik.pub_distribusi_predikat where periode = %s",
        (PERIOD,)).fetchall()
    assert len(published) == 5
    shown = sum(n for _, n, hidden in published if not hidden)
    assert 0 < shown <= expected_loaded
    assert all(n is None or n >= 5 for _, n, _ in published)


def test_open_data_file_is_written_without_personal_data(first_run, db):
    path = Path(os.environ["KINERJA_OPEN_DATA_DIR"]) / PERIOD / "distribusi_predikat.csv"
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5
    assert set(rows[0]) == {"instansi_kode", "periode", "predikat", "jumlah_pegawai", "persen_pegawai",
                            "is_disembunyikan"}
    nips = {r[0] for r in db.execute("select nip from raw.pegawai").fetchall()}
    text = path.read_text(encoding="utf-8")
    assert not any(nip in text for nip in nips)


def test_a_second_run_leaves_identical_tables(first_run, db):
    from etl import orchestration

    before = _digests(db)
    dag_run = orchestration.run_period(PERIOD)
    assert str(dag_run.state) == "success"
    assert _digests(db) == before
