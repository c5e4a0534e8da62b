"""Airflow for this checkout: its home, metadata and DAG folder, and in-process runs.

The embedded default keeps Airflow's metadata in SQLite under `.kinerja/airflow/` beside the
embedded warehouse. `AIRFLOW_HOME` or `AIRFLOW__DATABASE__SQL_ALCHEMY_CONN` set by the user
win. Environment is prepared before Airflow is imported, because Airflow reads its
configuration at import time.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pendulum

from etl.settings import PROJECT_DIR, ConfigError, airflow_home, check_period, environment

DAG_ID = "kinerja_bulanan"
PUBLISH_DAG_ID = "kinerja_publikasi"
# the Airflow Asset kinerja_bulanan's transform updates, with the month in the event's extra;
# kinerja_publikasi is scheduled on it (both DAG files take it from etl.dag_common)
MARTS_ASSET_NAME = "kinerja_marts"
MARTS_ASSET_URI = "kinerja://warehouse/marts"
JAKARTA = "Asia/Jakarta"


def prepare_environment() -> dict[str, str]:
    """Set (without overriding the user's) the Airflow settings this project needs."""
    ah = airflow_home()
    ah.mkdir(parents=True, exist_ok=True)
    defaults = {
        "AIRFLOW_HOME": str(ah),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{ah / 'airflow.db'}",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": "Asia/Jakarta",
        # local UI: every user of this machine's UI is an admin (no password to hunt for)
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        "AIRFLOW__API__PORT": str(environment().airflow_port),
        "GX_ANALYTICS_ENABLED": "False",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])),
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    return {k: os.environ[k] for k in defaults}


def chosen_period(params: dict | None) -> str | None:
    """The `period` param of a run, checked (ConfigError: not a month), or None when not given."""
    chosen = (params or {}).get("period")
    return check_period(str(chosen)) if chosen else None


def month_to_consolidate(params: dict | None, data_interval_start=None, run_after=None) -> str:
    """kinerja_bulanan's month: the `period` param, else the month of the data interval, else (an
    asset-triggered or manual run without interval) the month before the run."""
    chosen = chosen_period(params)
    if chosen:
        return chosen
    start = data_interval_start
    if start is None:
        start = pendulum.instance(run_after).subtract(months=1)
    return pendulum.instance(start).in_timezone(JAKARTA).format("YYYY-MM")


def months_of_events(triggering_asset_events: dict | None, params: dict | None) -> list[str]:
    """kinerja_publikasi's months: those of the triggering Asset events and the `period` param."""
    months = {(event.extra or {}).get("period")
              for events in (triggering_asset_events or {}).values() for event in events}
    months = (months | {chosen_period(params)}) - {None}
    if not months:
        raise ConfigError("no month to publish: neither an Asset event with a period nor the `period` param")
    return sorted(months)


def airflow_bin() -> str:
    return str(Path(sys.executable).with_name("airflow"))


def ensure_metadata() -> None:
    """Create or upgrade Airflow's metadata database (once per Airflow version)."""
    prepare_environment()
    import airflow

    marker = airflow_home() / f".migrated-{airflow.__version__}"
    if marker.exists():
        return
    done = subprocess.run([airflow_bin(), "db", "migrate"], capture_output=True, text=True)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"airflow db migrate failed: {tail[0]}")
    marker.write_text("ok\n")


def load_dag(dag_id: str = DAG_ID):
    """A DAG object of this project, imported from the DAG folder as the scheduler would."""
    prepare_environment()
    path = Path(os.environ["AIRFLOW__CORE__DAGS_FOLDER"]) / f"{dag_id}.py"
    spec = importlib.util.spec_from_file_location(f"_kinerja_dag_{dag_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def run_period(period: str, publish: bool = True):
    """Run kinerja_bulanan for one month in-process (dag.test), then, as the scheduler would on
    its Asset event, kinerja_publikasi for that month. Returns kinerja_bulanan's DagRun, with the
    publishing run as its attribute `publication` (None when not run: publish=False, or the
    marts were not updated)."""
    ensure_metadata()
    from airflow import settings

    if settings.Session is None:
        settings.configure_orm()
    dag = load_dag()
    # the logical date the scheduler gives that month's run (start of its data interval)
    logical = pendulum.datetime(int(period[:4]), int(period[5:]), 1, 2, tz="Asia/Jakarta")
    dag_run = dag.test(logical_date=logical, run_conf={"period": period})
    dag_run.publication = None
    if publish and marts_updated(dag_run):
        dag_run.publication = load_dag(PUBLISH_DAG_ID).test(run_conf={"period": period})
    return dag_run


YEARLY_DAG_ID = "kinerja_tahunan"


def run_year(year: str):
    """Run kinerja_tahunan for one year in-process (dag.test): its annual evaluations, marts and package."""
    ensure_metadata()
    from airflow import settings

    if settings.Session is None:
        settings.configure_orm()
    dag = load_dag(YEARLY_DAG_ID)
    # the logical date the scheduler gives that year's run (start of its data interval: 5 January)
    logical = pendulum.datetime(int(year), 1, 5, 3, tz="Asia/Jakarta")
    return dag.test(logical_date=logical, run_conf={"year": year})


def marts_updated(dag_run) -> list[str]:
    """The months whose marts a run updated: the periods of its events on the marts Asset."""
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        events = (
            session.query(AssetEvent)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .filter(AssetModel.name == MARTS_ASSET_NAME, AssetEvent.source_dag_id == dag_run.dag_id,
                    AssetEvent.source_run_id == dag_run.run_id)
            .all()
        )
        return sorted({(event.extra or {}).get("period") for event in events} - {None})


def failed_tasks(dag_run) -> list[tuple[str, str]]:
    """(task id with its agency, state) for each failed or upstream-failed task of a run.

    A mapped task's agency is the element of `configured_agencies`' list at its map index: the
    list the mapping expanded over (a task that failed before rendering its name has none)."""
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstance)
            .filter(TaskInstance.dag_id == dag_run.dag_id, TaskInstance.run_id == dag_run.run_id)
            .all()
        )
        expanded = session.scalars(XComModel.get_many(run_id=dag_run.run_id, dag_ids=dag_run.dag_id,
                                                      task_ids="configured_agencies", key="return_value")).first()
        agencies = (XComModel.deserialize_value(expanded) if expanded is not None else None) or []
        failed = []
        for ti in rows:
            state = str(ti.state.value if hasattr(ti.state, "value") else ti.state)
            if state in ("failed", "upstream_failed"):
                name = agencies[ti.map_index] if 0 <= ti.map_index < len(agencies) else ti.map_index
                failed.append((ti.task_id + (f"[{name}]" if ti.map_index >= 0 else ""), state))
    return sorted(failed)
