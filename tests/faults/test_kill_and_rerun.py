"""SIGKILL at four moments of a month's run, each time followed by the next run, until one
completes: the warehouse then equals an uninterrupted run's, table for table (faultkit.VOLATILE
says which bookkeeping columns are compared only by whether they are set), the landing store holds
the same deliveries, and the open-data package is byte-identical; at no moment is a half-written
batch visible in the warehouse or a half-written file where readers of open data look.

The runs are `kinerja run --period` in a process of its own, killed from outside at moments seen
from outside: the first delivery appearing in the landing store (extraction); a load caught in
pg_stat_activity with rows of its COPY written (held by a trigger of the test's own, faultkit.
LoadProbe); dbt's statements on the marts schema; the publication waiting to read its third public
table (faultkit.PublikLocks), after Airflow's metadata shows dbt's task done. The steps run in
order on one warehouse, so each kill meets the work of the killed runs before it: a run killed
during its COPY follows one killed during extraction, and so on. A killed re-publication and a
delivery that lost its checksum file to a kill end the module.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime, timezone

import pytest
from faultkit import (
    PERIOD,
    KinerjaProcess,
    LoadProbe,
    PublikLocks,
    active_query,
    assert_consistent,
    assert_same_warehouse,
    database_name,
    landing_files,
    package_files,
    sidecars,
    visible_open_data,
    wait_for_no_sessions,
)

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def kills(places, demo_world, clean_run):
    """The warehouse that is killed again and again (the clean run is made first, so that no run of
    it competes with these for the machine)."""
    return places("kills")


def _month_run(place) -> KinerjaProcess:
    return KinerjaProcess(place, "run", "--period", PERIOD)


def _settled(place, besides: tuple[int, ...] = ()) -> None:
    """Wait until the server has ended every session of the killed run (a session blocked in a
    statement notices its client is gone when the statement ends), but the test's own `besides`."""
    with place.connect() as conn:
        wait_for_no_sessions(conn, database_name(place.url), besides)


def _staged(place) -> list:
    staging = place.open_data / ".staging"
    return sorted(staging.glob(f"{PERIOD}-*")) if staging.exists() else []


def _delivered(place) -> bool:
    """A delivery in its place in the landing store (not a file still being copied in)."""
    if not place.landing.exists():
        return False
    return any(p.is_file() and not p.name.startswith(".") and "_work" not in p.parts
               for p in place.landing.rglob("*"))


def test_killed_during_extraction(kills, clean_run):
    run = _month_run(kills)
    try:
        run.wait_until("a delivery in the landing store", lambda: _delivered(kills))
    finally:
        run.kill()
    _settled(kills)
    landed = landing_files(kills)
    assert landed and len(landed) < len(clean_run.landing), "the kill came before or after the extraction"
    # what was landed is whole: the very bytes the clean run landed at the same place
    assert {path: clean_run.landing.get(path) for path in landed} == landed
    assert_consistent(kills)
    assert visible_open_data(kills) == []


def test_killed_during_copy(kills):
    run = _month_run(kills)
    probe = LoadProbe(kills)
    try:
        run.wait_until("the warehouse's raw tables", probe.tables_exist, every=0.05)
        probe.arm()
        held = run.wait_until("a load writing rows into raw", probe.holding, every=0.01)
        run.kill()
    finally:
        run.kill()
        probe.release()
    _settled(kills, besides=(probe.pid,))
    probe.disarm()
    assert re.match(r"\s*(copy|insert)\b.*\braw\b", held, re.IGNORECASE | re.DOTALL), held  # writing into raw
    # the batch whose COPY was cut is not in raw at all; the ones committed before it are whole
    assert_consistent(kills)
    assert visible_open_data(kills) == []


def test_killed_during_dbt(kills):
    run = _month_run(kills)
    database = database_name(kills.url)
    with kills.connect() as watch:
        try:
            statement = run.wait_until("dbt building the marts",
                                       lambda: active_query(watch, database, r'"marts"\s*\.'), every=0.02)
        finally:
            run.kill()
    _settled(kills)
    assert "marts" in statement
    assert_consistent(kills)
    assert visible_open_data(kills) == []  # nothing was published from half-built marts


def _transform_done(run: KinerjaProcess) -> bool:
    """Airflow's metadata shows kinerja_bulanan's dbt task succeeded in this run (a try that
    started after the process did)."""
    since = datetime.fromtimestamp(run.started, timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    path = os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].removeprefix("sqlite:///")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.2) as metadata:
            row = metadata.execute(
                """select 1 from task_instance where dag_id = 'kinerja_bulanan' and task_id = 'transform'
                   and state = 'success' and start_date >= ?""", (since,)).fetchone()
    except sqlite3.OperationalError:  # being written
        return False
    return row is not None


def _kill_at_third_table(run: KinerjaProcess, locks: PublikLocks) -> None:
    """Let the publication read two public tables (their files are written to its staging
    folder), kill it while it waits for the third."""
    let_through = []

    def third_read():
        for table in locks.waited_for():
            if len(let_through) == 2:
                return True
            locks.let_through(table)
            let_through.append(table)
        return False

    run.wait_until("the publication reading its third public table", third_read, every=0.01)
    run.kill()


def test_killed_while_publishing(kills, clean_run):
    run = _month_run(kills)
    locks = None
    try:
        run.wait_until("kinerja_bulanan's dbt task to succeed", lambda: _transform_done(run), every=0.01)
        locks = PublikLocks(kills)
        _kill_at_third_table(run, locks)
        staged = _staged(kills)
    finally:
        run.kill()
        if locks is not None:
            locks.release()
    _settled(kills)
    # caught with part of its package written, in the staging folder only
    assert len(staged) == 1 and any(staged[0].iterdir()) and not (staged[0] / "SHA256SUMS").exists(), staged
    assert visible_open_data(kills) == []  # readers find no package rather than half of one
    assert package_files(kills, PERIOD) is None
    # dbt had finished: the warehouse is already the clean run's
    assert_consistent(kills)
    assert_same_warehouse(kills, clean_run.state)


def test_rerunning_the_publication_ends_exactly_as_an_uninterrupted_run(kills, clean_run):
    """The run killed while publishing had built the marts; its rerun is the publication's
    (kinerja_publikasi, `kinerja publish`)."""
    run = KinerjaProcess(kills, "publish", "--period", PERIOD)
    assert run.finish() == 0, run.tail()
    assert package_files(kills, PERIOD) == clean_run.package  # byte for byte
    assert visible_open_data(kills) == [PERIOD]
    assert _staged(kills) == []  # what the killed publication left is gone
    assert_consistent(kills)
    assert_same_warehouse(kills, clean_run.state)
    assert landing_files(kills) == clean_run.landing  # the same deliveries, each whole


def test_a_killed_republication_leaves_the_published_package_whole(kills, clean_run):
    locks = PublikLocks(kills)
    run = KinerjaProcess(kills, "publish", "--period", PERIOD)
    try:
        _kill_at_third_table(run, locks)
    finally:
        run.kill()
        locks.release()
    _settled(kills)
    assert len(_staged(kills)) == 1
    assert package_files(kills, PERIOD) == clean_run.package  # readers still have the whole earlier package

    again = KinerjaProcess(kills, "publish", "--period", PERIOD)
    assert again.finish() == 0, again.tail()
    assert package_files(kills, PERIOD) == clean_run.package
    assert _staged(kills) == []
    versions = sorted(p.name for p in (kills.open_data / ".versions").iterdir())
    assert len(versions) == 1 and versions[0].startswith(PERIOD), versions


def test_a_delivery_that_lost_its_checksum_file_to_a_kill_gets_it_back(kills):
    """A kill between a delivery's rename into the landing store and the writing of its .sha256
    leaves the file without its checksum file (or with an empty one); the next extraction must
    write it. The state is made by hand, as that kill leaves it: the window is a few microseconds."""
    from etl import pipeline

    before = sidecars(kills)
    pauh = sorted(path for path in before if path.startswith("PAUH/"))
    lost, cut = pauh[0], pauh[1]
    (kills.landing / (lost + ".sha256")).unlink()
    (kills.landing / (cut + ".sha256")).write_text("", encoding="utf-8")
    with kills.active():
        pipeline.extract("PAUH", PERIOD)
    assert sidecars(kills) == before
