"""Shared fixtures. Tests talk to a real PostgreSQL: the one named by KINERJA_WAREHOUSE_URL, or
the embedded default. Each test session works in a database of its own on that server, and in
temporary folders for sources, landing, open data and Airflow's metadata."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

SESSION_DIR = Path(tempfile.mkdtemp(prefix="kinerja-tests-"))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # pytest's temporary folders in this session's own folder: under /tmp/pytest-of-<user> every
    # session of the same user (other checkouts' test runs on a shared machine) prunes all but the
    # newest three, and took a running test's PostgreSQL data folder away with them
    if not config.option.basetemp:
        config.option.basetemp = str(SESSION_DIR / "pytest")
    # before anything imports Airflow, which reads its configuration at import time
    for name, sub in {
        "KINERJA_SOURCES_DIR": "sources",
        "KINERJA_LANDING_DIR": "landing",
        "KINERJA_OPEN_DATA_DIR": "open-data",
        "KINERJA_DBT_TARGET_DIR": "dbt-target",
        "AIRFLOW_HOME": "airflow",
        "HYPOTHESIS_STORAGE_DIRECTORY": "hypothesis",  # examples and patches of failing cases, not in the checkout
    }.items():
        os.environ[name] = str(SESSION_DIR / sub)
    os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{SESSION_DIR / 'airflow' / 'airflow.db'}"
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    # GX judges every batch of the demo world (in production a share of the small ones): its defects
    # are where the compiled checks and GX could disagree
    os.environ.setdefault("KINERJA_JUDGE_ALWAYS_ROWS", "0")
    # Airflow's settings for this checkout (its DAG folder above all) before any test imports Airflow,
    # whichever test comes first (the API connector imports it to look for a connection)
    from etl.orchestration import prepare_environment

    prepare_environment()


@pytest.fixture(scope="session")
def warehouse_url():
    """A fresh database on the warehouse server, used as KINERJA_WAREHOUSE_URL for the session."""
    from etl import warehouse

    base = warehouse.admin_url()  # the server's superuser: it makes the databases (and the roles)
    name = f"kinerja_test_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = make_conninfo(base, dbname=name)
    previous = os.environ.get("KINERJA_WAREHOUSE_URL")
    os.environ["KINERJA_WAREHOUSE_URL"] = url
    yield url
    if previous is None:
        os.environ.pop("KINERJA_WAREHOUSE_URL", None)
    else:
        os.environ["KINERJA_WAREHOUSE_URL"] = previous
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


@contextlib.contextmanager
def warehouse_of_its_own(warehouse_url: str, suffix: str):
    """A database of its own beside the session's (`<session db>_<suffix>`, made empty), the pipeline
    pointed at it (KINERJA_WAREHOUSE_URL) while the block runs; its URL. Dropped afterwards."""
    name = f"{psycopg.conninfo.conninfo_to_dict(warehouse_url)['dbname']}_{suffix}"
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = make_conninfo(warehouse_url, dbname=name)
    saved = os.environ["KINERJA_WAREHOUSE_URL"]
    os.environ["KINERJA_WAREHOUSE_URL"] = url
    try:
        yield url
    finally:
        os.environ["KINERJA_WAREHOUSE_URL"] = saved
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def own_warehouse(warehouse_url):
    """own_warehouse(suffix): warehouse_of_its_own on the session's server, as a `with` block."""
    return lambda suffix: warehouse_of_its_own(warehouse_url, suffix)


@pytest.fixture
def db(warehouse_url):
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="session")
def app_databases(warehouse_url):
    """JAMBI's application databases for this session, on the warehouse's server."""
    from etl.sources.app_db import server_url

    names = {"KINERJA_JAMBI_EKINERJA_URL": f"jambi_ekinerja_{os.getpid()}",
             "KINERJA_JAMBI_SKM_URL": f"jambi_skm_{os.getpid()}"}
    for variable, name in names.items():
        os.environ[variable] = server_url(name).render_as_string(hide_password=False)
    yield names
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for variable, name in names.items():
            os.environ.pop(variable, None)
            conn.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def demo_sources(app_databases):
    """The demo world for three months, written once per session into the sources folder (JAMBI into
    its application databases): (folder, manifest)."""
    from demo import synth

    out = Path(os.environ["KINERJA_SOURCES_DIR"])
    manifest = synth.generate(synth.Settings(out, ("2026-08", "2026-09", "2026-10"), seed=7, employees=400))
    return out, manifest


@pytest.fixture(scope="session")
def agency_api(demo_sources):
    """The agency simulator serving the demo world's LAMPUNG API on a free port (KINERJA_SIASN_ORIGIN
    points at it); `.inject(**faults)` makes it misbehave for a while."""
    from demo.simulator import start_background

    with start_background(demo_sources[0], port=0) as simulator:
        os.environ["KINERJA_SIASN_ORIGIN"] = simulator.url
        yield simulator
    os.environ.pop("KINERJA_SIASN_ORIGIN", None)


@pytest.fixture(scope="session")
def demo_world(demo_sources, agency_api):
    """The demo world (folder, manifest), with the agency simulator serving its API."""
    return demo_sources


APT_TIMEOUT = 900  # seconds: chromium and its libraries are a few hundred MB


def _apt(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["apt-get", *args], env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                          capture_output=True, text=True, timeout=APT_TIMEOUT)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's chromium, installed with apt-get when missing (as root)."""
    if shutil.which("chromium") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        if _apt("install", "-y", "--no-install-recommends", "chromium").returncode != 0:
            _apt("update")  # the package lists may be missing or stale
            _apt("install", "-y", "--no-install-recommends", "chromium")
    found = shutil.which("chromium")
    if found is None:
        pytest.skip("chromium is not installed and apt-get could not install it (it needs root and apt)")
    return found
