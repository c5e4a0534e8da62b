"""kinerja_bulanan on Airflow's CeleryExecutor, deployed as docker-compose.yml deploys it, on loopback.

The commands of docker-compose.yml's services run as processes of their own: the api-server (whose
Execution API the workers run tasks through), the scheduler, the dag-processor and two Celery
workers, each with x-airflow-common's settings. Only what differs between a container and this
machine is replaced: host names become 127.0.0.1 and free ports, the image's paths this checkout's
and the test's folders, FAB's auth manager Airflow's simple one (the UI is not under test; FAB is
in the image, not in this virtualenv). Airflow's metadata is a database of the test's own on the
PostgreSQL at 127.0.0.1:5432 (or, when that server is not there, on the test session's warehouse
server); the broker is the Redis at 127.0.0.1:6379, with a queue of the test's own; the warehouse is
a database of the test's own. The tasks share nothing local: each worker has its own dbt folder,
and what travels between tasks goes through the landing store and the warehouse.

The month is triggered as a person would (`airflow dags trigger` with the `period` param) and must
succeed: every batch balanced and equal to the demo world's manifest, tasks run by both workers, a
large delivery validated in several chunks by the forked pool inside a Celery worker, and the marts'
Asset updated with the month."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy.engine import URL

import compose_file

pytestmark = [pytest.mark.celery, pytest.mark.e2e]

ROOT = compose_file.ROOT
REDIS = ("127.0.0.1", 6379)
METADATA_SERVER = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
MONTH = "2026-09"  # a quarter's last month: LAMPUNG's quarterly deliveries are due too
QUARTER = "2026-Q3"
WORKERS = ("kinerja-worker-1", "kinerja-worker-2")
DAG_ID = "kinerja_bulanan"
RUN_ID = f"celery_{MONTH}"
STARTUP_SECONDS = 180
RUN_SECONDS = 420
AIRFLOW = str(Path(sys.executable).with_name("airflow"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _sqlalchemy_url(conninfo: str, database: str) -> str:
    """Airflow's form (psycopg2, as in docker-compose.yml) of a libpq URL or conninfo, for another database."""
    p = {k: str(v) for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    host = p.get("host", "localhost")
    socket_dir = host.startswith("/")
    port = int(p["port"]) if p.get("port") and not socket_dir else None
    url = URL.create("postgresql+psycopg2", username=p.get("user"), password=p.get("password") or None,
                     host=None if socket_dir else host, port=port, database=database,
                     query={"host": host} if socket_dir else {})
    return url.render_as_string(hide_password=False)


def _database_of_our_own(server: str, name: str):
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    return make_conninfo(server, dbname=name)


def _drop(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="module")
def broker():
    """The Redis at 127.0.0.1:6379 and a queue of this test's own; skips when Redis is not there."""
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS[0]}:{REDIS[1]} ({exc}); the Celery executor needs it as its broker")
    queue = f"kinerja_test_{os.getpid()}"
    yield f"redis://{REDIS[0]}:{REDIS[1]}/0", queue
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="module")
def metadata_db(warehouse_url):
    """Airflow's metadata database, of this test's own: (SQLAlchemy URL, libpq conninfo)."""
    try:
        psycopg.connect(METADATA_SERVER).close()
        server = METADATA_SERVER
    except psycopg.OperationalError:
        server = warehouse_url  # no PostgreSQL at 127.0.0.1:5432: the session's warehouse server
    name = f"kinerja_airflow_{os.getpid()}"
    conninfo = _database_of_our_own(server, name)
    yield _sqlalchemy_url(server, name), conninfo
    _drop(server, name)


@pytest.fixture(scope="module")
def warehouse(warehouse_url):
    """A warehouse of this test's own on the session's server (the end-to-end tests keep theirs)."""
    name = f"kinerja_celery_{os.getpid()}"
    conninfo = _database_of_our_own(warehouse_url, name)
    yield conninfo
    _drop(warehouse_url, name)


class Cluster:
    """The processes of one Airflow deployment on loopback, each logging to a file of its own."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env, self.processes = folder, env, {}

    def run(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run([AIRFLOW, *args], env=self.env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"airflow {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    def start(self, name: str, args: list[str], **extra_env: str) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        self.processes[name] = subprocess.Popen([AIRFLOW, *args], env={**self.env, **extra_env}, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}:\n{self.log(name)[-4000:]}")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait(what: str, ready, cluster: Cluster, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        cluster.check_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not ready after {seconds:.0f} s; logs in {cluster.folder}")
        time.sleep(1)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _one(conninfo: str, query: str, *args):
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return conn.execute(query, args).fetchone()


@pytest.fixture(scope="module")
def celery_run(broker, demo_world, metadata_db, warehouse, tmp_path_factory):
    """kinerja_bulanan for MONTH, run by the cluster; yields (cluster, metadata conninfo, seconds per phase)."""
    folder = tmp_path_factory.mktemp("celery")
    broker_url, queue = broker
    metadata_url, metadata_conninfo = metadata_db
    api_port = _free_port()
    # what .env holds in a deployment: .env.example with its secrets filled in and Celery chosen
    dotenv = {**compose_file.env_example(), "COMPOSE_PROFILES": "celery", "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
              "POSTGRES_SUPERUSER_PASSWORD": secrets.token_hex(16), "KINERJA_OWNER_PASSWORD": secrets.token_hex(16),
              "KINERJA_LOADER_PASSWORD": secrets.token_hex(16), "REDIS_PASSWORD": secrets.token_hex(16),
              "FLOWER_BASIC_AUTH": "flower:" + secrets.token_hex(8), "AIRFLOW_DB_PASSWORD": secrets.token_hex(16),
              "AIRFLOW__CORE__FERNET_KEY": "", "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(32),
              "AIRFLOW__API__SECRET_KEY": secrets.token_hex(32), "_AIRFLOW_WWW_USER_PASSWORD": secrets.token_hex(8)}
    import base64

    dotenv["AIRFLOW__CORE__FERNET_KEY"] = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings = compose_file.common_environment(dotenv)
    here = {
        # hosts and ports: loopback instead of the compose network's service names
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{metadata_url}",
        "AIRFLOW__CELERY__BROKER_URL": broker_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(_free_port()),
        "KINERJA_WAREHOUSE_URL": warehouse,
        # the image's paths: this checkout and the test's folders
        "AIRFLOW_HOME": str(folder / "airflow"),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "KINERJA_AGENCIES": str(ROOT / "config" / "agencies.yml"),
        "KINERJA_OPEN_DATA_CONFIG": str(ROOT / "config" / "open_data.yml"),
        "KINERJA_SOURCES_DIR": os.environ["KINERJA_SOURCES_DIR"],
        "KINERJA_LANDING_DIR": str(folder / "landing"),
        "KINERJA_OPEN_DATA_DIR": str(folder / "open-data"),
        "KINERJA_HOME": str(folder / "home"),
        # the demo world's agencies: the session's simulator and JAMBI's application databases
        "KINERJA_SIASN_ORIGIN": os.environ["KINERJA_SIASN_ORIGIN"],
        "KINERJA_JAMBI_EKINERJA_URL": os.environ["KINERJA_JAMBI_EKINERJA_URL"],
        "KINERJA_JAMBI_SKM_URL": os.environ["KINERJA_JAMBI_SKM_URL"],
        # FAB's auth manager is in the image, not here; the UI's login is not what is tested
        "AIRFLOW__CORE__AUTH_MANAGER": "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
        # the test's own: its queue on the shared Redis; only the triggered run (no catchup from
        # the DAG's start date); a failure at once; large deliveries in several chunks, so the
        # validating task's forked pool runs inside a Celery worker
        "AIRFLOW__OPERATORS__DEFAULT_QUEUE": queue,
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        "KINERJA_TASK_RETRIES": "0",
        "KINERJA_CHUNK_ROWS": "200",
    }
    missing = set(compose_file.CLUSTER_SETTINGS) - set(settings)
    assert not missing, f"docker-compose.yml's x-airflow-common lacks {sorted(missing)}"
    env = {**os.environ, **settings, **here}
    # the warehouse here is the test server's superuser (an admin's URL): the pipeline derives its
    # owner's and loader's logins from it, as on a developer's machine, instead of compose's
    env.pop("KINERJA_LOADER_URL")
    cluster = Cluster(folder, env)
    phases = {}
    started = time.monotonic()
    try:
        cluster.run("db", "migrate")
        phases["db migrate"] = time.monotonic() - started
        cluster.start("api-server", [*compose_file.command("airflow-apiserver"), "--workers", "1"])
        cluster.start("scheduler", compose_file.command("airflow-scheduler"))
        cluster.start("dag-processor", compose_file.command("airflow-dag-processor"))
        for worker in WORKERS:
            cluster.start(worker, [*compose_file.command("airflow-worker"), "--celery-hostname", f"{worker}@%h",
                                   "--queues", queue],
                          KINERJA_DBT_TARGET_DIR=str(folder / f"dbt-{worker}"),  # container-local in compose
                          AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(_free_port()))
        _wait("the api-server's Execution API", lambda: _answers(f"http://127.0.0.1:{api_port}/execution/health"),
              cluster, STARTUP_SECONDS)
        _wait("the DAG, parsed by the dag-processor",
              lambda: _one(metadata_conninfo, "select 1 from serialized_dag where dag_id = %s", DAG_ID), cluster,
              STARTUP_SECONDS)
        for worker in WORKERS:
            _wait(worker, lambda: f"{worker}@" in cluster.log(worker) and " ready." in cluster.log(worker),
                  cluster, STARTUP_SECONDS)
        phases["cluster ready"] = time.monotonic() - started
        cluster.run("dags", "unpause", DAG_ID)
        cluster.run("dags", "trigger", DAG_ID, "--run-id", RUN_ID, "--conf", json.dumps({"period": MONTH}))
        triggered = time.monotonic()

        def finished():
            row = _one(metadata_conninfo, "select state from dag_run where dag_id = %s and run_id = %s", DAG_ID, RUN_ID)
            return row is not None and row[0] in ("success", "failed")

        _wait(f"{DAG_ID} for {MONTH}", finished, cluster, RUN_SECONDS)
        phases["the month's run"] = time.monotonic() - triggered
        yield cluster, metadata_conninfo, phases
    finally:
        cluster.stop()
    print(f"celery test phases (s): { {k: round(v, 1) for k, v in phases.items()} }", file=sys.stderr)


def _task_states(conninfo: str) -> dict[str, list[str]]:
    with psycopg.connect(conninfo) as conn:
        rows = conn.execute("select task_id, map_index, state from task_instance where dag_id = %s and run_id = %s",
                            (DAG_ID, RUN_ID)).fetchall()
    states: dict[str, list[str]] = {}
    for task_id, _, state in sorted(rows):
        states.setdefault(task_id, []).append(state)
    return states


def _failure_logs(cluster: Cluster, conninfo: str) -> str:
    """The error lines of each failed task's log, for the assertion's message."""
    with psycopg.connect(conninfo) as conn:
        failed = conn.execute("select task_id, map_index, try_number from task_instance where dag_id = %s "
                              "and run_id = %s and state = 'failed'", (DAG_ID, RUN_ID)).fetchall()
    run = cluster.folder / "airflow" / "logs" / f"dag_id={DAG_ID}" / f"run_id={RUN_ID}"
    found = []
    for task_id, map_index, attempt in failed:
        folder = run / f"task_id={task_id}" / (f"map_index={map_index}" if map_index >= 0 else "")
        log = folder / f"attempt={attempt}.log"
        lines = log.read_text(errors="replace").splitlines() if log.exists() else [f'"level":"error" (no log at {log})']
        errors = [line for line in lines if '"level":"error"' in line]
        found.append(f"--- {task_id}[{map_index}]\n" + "\n".join(line[:1500] for line in errors[:3]))
    return "\n".join(found)


def test_the_month_succeeds_on_celery_workers(celery_run):
    cluster, metadata, _ = celery_run
    state = _one(metadata, "select state from dag_run where dag_id = %s and run_id = %s", DAG_ID, RUN_ID)[0]
    states = _task_states(metadata)
    assert state == "success", f"{states}\n{_failure_logs(cluster, metadata)}"
    agencies = len(json.loads(_one(metadata, "select value::text from xcom where dag_id = %s and run_id = %s "
                                             "and task_id = 'configured_agencies'", DAG_ID, RUN_ID)[0]))
    assert agencies == 5
    for task in ("agency.extract", "agency.validate", "agency.load"):
        assert states[task] == ["success"] * agencies, (task, states[task])
    for task in ("resolve_period", "configured_agencies", "transform", "validation_report"):
        assert states[task] == ["success"], (task, states[task])
    assert states["every_agency_loaded"] == ["skipped"]


def test_both_workers_ran_tasks(celery_run):
    cluster, _, _ = celery_run
    ran = {worker: cluster.log(worker).count("Executing workload in Celery") for worker in WORKERS}
    assert all(ran.values()), ran
    assert sum(ran.values()) >= 18, ran  # every task instance of the run went through a worker


def test_every_batch_balances_and_agrees_with_the_manifest(celery_run, warehouse, demo_world):
    _, manifest = demo_world
    due = {(agency, label, entity): cell
           for agency, periods in manifest["agencies"].items()
           for label, entities in periods.items() if label in (MONTH, QUARTER)
           for entity, cell in entities.items()}
    with psycopg.connect(warehouse) as conn:
        batches = conn.execute(
            """select instansi_kode, periode, entity, rows_received, rows_loaded, rows_quarantined from audit.batch
               where is_current and status = 'loaded'""").fetchall()
        evaluations = conn.execute("select count(*) from marts.fct_evaluasi_kinerja").fetchone()[0]
    found = {(a, p, e): (r, l, q) for a, p, e, r, l, q in batches}
    assert set(found) == set(due), set(found) ^ set(due)
    for key, (received, loaded, quarantined) in found.items():
        assert received == loaded + quarantined, key
        assert (received, quarantined) == (due[key]["rows"], due[key]["rows_quarantined"]), key
    assert evaluations > 0


def test_large_deliveries_were_validated_in_chunks_inside_a_worker(celery_run):
    _, metadata, _ = celery_run
    with psycopg.connect(metadata) as conn:
        values = [row[0] for row in conn.execute(
            "select value::text from xcom where dag_id = %s and run_id = %s and task_id = 'agency.validate'",
            (DAG_ID, RUN_ID))]
    chunks = [batch.get("chunks", 0) for value in values for batch in json.loads(value)]
    assert max(chunks) >= 2, chunks


def test_the_marts_asset_is_updated_with_the_month(celery_run):
    _, metadata, _ = celery_run
    row = _one(metadata, """select e.extra::text from asset_event e join asset a on a.id = e.asset_id
                             where a.name = 'kinerja_marts' and e.source_dag_id = %s and e.source_run_id = %s""",
               DAG_ID, RUN_ID)
    assert row is not None and json.loads(row[0]) == {"period": MONTH}
