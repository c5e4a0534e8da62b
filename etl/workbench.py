"""The auditors' workbench: Apache Superset over the warehouse (`kinerja workbench`, docs/workbench.md).

Superset lives in a virtual environment of its own under `<KINERJA_HOME>/workbench/venv`, installed
on first use from `workbench/requirements.txt` (its pins never meet the pipeline's), with its metadata
in SQLite beside it, its secret key and its admin's password generated there (mode 0600), never in
the repository. Superset's own process reads `workbench/superset_config.py`; what it is told to set
up (connections, roles, dashboards, users) it does with `workbench/setup_superset.py`, run in its
environment with a specification on standard input. This module only drives those processes: it
imports nothing of Superset.

Access is the warehouse's: one Superset connection per reader role (`auditor`, `publik`,
`instansi_<kode>`), each a Superset role of the same name, and each workbench user a warehouse login
of his own in that reader role (`grant_user`), whose generated password only the workbench's
password file holds; the connection logs in as him (superset_config.DB_CONNECTION_MUTATOR).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from uv import find_uv_bin

from etl import access, warehouse
from etl.settings import PROJECT_DIR, home, workbench_dir

FOLDER = PROJECT_DIR / "workbench"
REQUIREMENTS = FOLDER / "requirements.txt"
CONFIG = FOLDER / "superset_config.py"
SETUP = FOLDER / "setup_superset.py"
BUNDLE = FOLDER / "dashboards"
ADMIN = "workbench_admin"  # Superset's own administrator: no warehouse login, so it reads no data
DEFAULT_PORT = 8088
INSTALL_TIMEOUT = 1800
SETUP_TIMEOUT = 900


class WorkbenchError(RuntimeError):
    """The workbench cannot be installed, set up or started."""


@dataclass(frozen=True)
class Connection:
    role: str  # a warehouse reader role: auditor, publik, instansi_<kode>
    uri: str   # Superset's SQLAlchemy URI: the role as user (it cannot log in), no password


def folder() -> Path:
    """The workbench's state: Superset's metadata, its secret key, the admin's password, the logins'
    password file, its logs (KINERJA_WORKBENCH_DIR)."""
    return workbench_dir()


def venv() -> Path:
    """Superset's own virtual environment (one per checkout, whichever workbench folder uses it)."""
    return home() / "workbench" / "venv"


def superset_bin() -> Path:
    return venv() / "bin" / "superset"


def python_bin() -> Path:
    return venv() / "bin" / "python"


def passfile() -> Path:
    """The workbench logins' passwords (libpq's password file, mode 0600): Superset's alone."""
    return folder() / "pgpass"


def _requirements_digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def installed() -> bool:
    stamp = venv() / ".installed"
    return superset_bin().exists() and stamp.exists() and stamp.read_text().strip() == _requirements_digest()


def uv_bin() -> str | None:
    """uv's binary (the pipeline's dependency `uv`), or None where it cannot be found."""
    try:
        return find_uv_bin()
    except FileNotFoundError:  # the package without its binary
        return None


def install_steps(uv: str | None, target: Path, requirements: Path) -> list[list[str]]:
    """The commands that make the virtual environment `target` from the pipeline's base interpreter
    (Python 3.11: the one the pipeline's venv is made of) and install `requirements` into it: with uv
    where it is there (parallel downloads and installs: Superset's ~150 packages in a fraction of
    pip's time), else with pip."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    if uv:
        return [[uv, "venv", "--quiet", "--clear", "--python", base, str(target)],
                [uv, "pip", "install", "--quiet", "--python", str(target / "bin" / "python"), "-r", str(requirements)]]
    return [[base, "-m", "venv", "--clear", str(target)],
            [str(target / "bin" / "pip"), "install", "--quiet", "--upgrade", "pip"],
            [str(target / "bin" / "pip"), "install", "--quiet", "-r", str(requirements)]]


def install(log: Path | None = None) -> float:
    """Superset in its own virtual environment, from workbench/requirements.txt (with uv, or pip where
    uv is not installed); seconds taken. Nothing is done when it is there with the same pins. The
    installer is named in the install log and in `<venv>/.installer`."""
    if installed():
        return 0.0
    started = time.monotonic()
    venv().parent.mkdir(parents=True, exist_ok=True)
    log = log or venv().parent / "install.log"
    uv = uv_bin()
    installer = "uv" if uv else "pip"
    with open(log, "ab") as out:
        out.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} installing {REQUIREMENTS.name} with {installer}"
                  f"{f' ({uv})' if uv else ''}\n".encode())
        out.flush()
        for step in install_steps(uv, venv(), REQUIREMENTS):
            done = subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT)
            if done.returncode != 0:
                raise WorkbenchError(f"installing Superset failed at `{' '.join(step[:3])}` (see {log})")
        seconds = time.monotonic() - started
        out.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} installed with {installer} in {seconds:.0f} s\n".encode())
    (venv() / ".installer").write_text(installer + "\n")
    (venv() / ".installed").write_text(_requirements_digest() + "\n")
    return seconds


def _secret(name: str) -> str:
    """A generated secret of the workbench (file mode 0600), made on first use."""
    path = folder() / name
    if not path.exists():
        folder().mkdir(parents=True, exist_ok=True)
        folder().chmod(0o700)  # Superset's metadata holds the users' password hashes
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(42) + "\n")
    return path.read_text().strip()


def admin_password() -> str:
    return _secret("admin_password")


def environment(docs_url: str | None = None) -> dict[str, str]:
    """The environment of Superset's processes."""
    _secret("secret_key")  # superset_config reads it from WORKBENCH_HOME
    env = {**os.environ, "SUPERSET_CONFIG_PATH": str(CONFIG), "WORKBENCH_HOME": str(folder()),
           "SUPERSET_HOME": str(folder()), "FLASK_APP": "superset", "PYTHONPATH": "",
           "PATH": os.pathsep.join([str(venv() / "bin"), os.environ.get("PATH", "")])}
    env.pop("VIRTUAL_ENV", None)
    if docs_url:
        env["WORKBENCH_DOCS_URL"] = docs_url
    return env


def _superset(*args: str, log: Path) -> None:
    with open(log, "ab") as out:
        done = subprocess.run([str(superset_bin()), *args], env=environment(), stdout=out,
                              stderr=subprocess.STDOUT, timeout=SETUP_TIMEOUT)
    if done.returncode != 0:
        raise WorkbenchError(f"`superset {' '.join(args)}` failed (see {log})")


def initialise() -> dict[str, float]:
    """Superset's metadata (SQLite under the workbench's folder): its schema (`superset db upgrade`)
    and its built-in roles and permissions (`superset init`), again whenever the pins change; the
    seconds each took (none when it was done)."""
    stamp = folder() / ".initialised"
    if stamp.exists() and stamp.read_text().strip() == _requirements_digest():
        return {}
    log = folder() / "setup.log"
    seconds = {}
    for step in (("db", "upgrade"), ("init",)):
        started = time.monotonic()
        _superset(*step, log=log)
        seconds[" ".join(step)] = time.monotonic() - started
    stamp.write_text(_requirements_digest() + "\n")
    return seconds


def connections() -> list[Connection]:
    """One Superset connection per reader role of the warehouse: the auditors', the public's and each
    government's of the agencies file."""
    p = warehouse.params(warehouse.url())
    query = {"host": p["host"]} if p.get("host", "").startswith("/") else {}
    host = "" if query else p.get("host", "localhost")
    port = "" if query or not p.get("port") else f":{p['port']}"
    if query and p.get("port"):
        query["port"] = p["port"]
    for key in ("sslmode", "sslrootcert"):
        if p.get(key):
            query[key] = p[key]
    suffix = f"?{urlencode(query)}" if query else ""
    roles = [access.AUDITOR, access.PUBLIK, *access.instansi_roles()]
    return [Connection(role, f"postgresql+psycopg2://{role}@{host}{port}/{quote(p.get('dbname', 'postgres'))}{suffix}")
            for role in roles]


def _run_setup(command: str, spec: dict) -> dict:
    log = folder() / "setup.log"
    with open(log, "ab") as out:
        done = subprocess.run([str(python_bin()), str(SETUP), command], input=json.dumps(spec).encode(),
                              env=environment(), stdout=subprocess.PIPE, stderr=out, timeout=SETUP_TIMEOUT)
    if done.returncode != 0:
        raise WorkbenchError(f"setting up Superset ({command}) failed (see {log})")
    lines = done.stdout.decode().strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def setup() -> list[str]:
    """The admin, a connection and a Superset role per reader role, the repository's dashboards
    imported (a government's copies over its own connection); the dashboards' slugs."""
    spec = {"admin": {"username": ADMIN, "password": admin_password()}, "bundle": str(BUNDLE),
            "connections": [{"role": c.role, "uri": c.uri} for c in connections()]}
    return _run_setup("setup", spec)["dashboards"]


def prepare() -> tuple[float, list[str]]:
    """Everything before serving: installed (seconds it took, 0 when it was there), metadata
    initialised, set up; (install seconds, dashboards)."""
    seconds = install()
    initialise()
    return seconds, setup()


def grant_user(role: str, login: str, password: str) -> bool:
    """A workbench user: the warehouse login `login` in the reader role `role`, with a generated
    password kept in the workbench's password file (its statements logged like every reader's), and
    the Superset user of the same name, `password` his password there, in the Superset role that
    chooses the connection of `role`. True when the Superset user was created."""
    access.check_grant(role, login)
    if role not in (access.AUDITOR, access.PUBLIK) and not role.startswith(access.INSTANSI_PREFIX):
        raise WorkbenchError(f"{role} is not a reader role: a workbench user is an auditor, publik or instansi_<kode>")
    if not (installed() and (folder() / ".initialised").exists()):
        raise WorkbenchError("the workbench is not set up yet: start it once with `kinerja workbench` (make workbench)")
    conninfo = warehouse.roles_url()
    access.ensure_roles(conninfo)
    generated = secrets.token_urlsafe(24)
    access.grant_login(role, login, conninfo, password=generated)
    warehouse.write_password(passfile(), login, generated)
    return bool(_run_setup("user", {"login": login, "role": role, "password": password})["created"])


def serve_command(port: int) -> list[str]:
    """Superset's web server on localhost (gunicorn, as Superset's own images run it)."""
    return [str(venv() / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
            "--worker-class", "gthread", "--threads", "8", "--timeout", "120", "--limit-request-line", "0",
            "--limit-request-field_size", "0", "--access-logfile", str(folder() / "access.log"),
            "--error-logfile", str(folder() / "server.log"), "superset.app:create_app()"]


def port_taken(port: int) -> bool:
    """Whether something answers on 127.0.0.1:port already (a workbench started before)."""
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(port: int, timeout: float = 180.0) -> float:
    """Seconds until Superset's /health answers on the port."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    raise WorkbenchError(f"Superset did not answer on port {port} within {timeout:.0f} s "
                         f"(see {folder() / 'server.log'})")
