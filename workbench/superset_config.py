"""Apache Superset's configuration for the auditors' workbench (`kinerja workbench`, and the compose
service `superset`): read by Superset's own process through SUPERSET_CONFIG_PATH, never imported by
the `etl` package.

Who sees what is the warehouse's business (docs/workbench.md): each Superset database connection
names one of the warehouse's reader roles (`auditor`, `publik`, `instansi_<kode>`) as its user, a
group role that cannot log in. DB_CONNECTION_MUTATOR below opens every connection as the person's
own warehouse login (a workbench login, `kinerja warehouse grant-login ROLE LOGIN --workbench`, whose
generated password only the workbench's password file holds) and sets the connection's reader role
for the session (`-c role=...`): PostgreSQL refuses a login that is not a member of that role, and
its grants and row-level security decide every row. Superset's roles only choose which connection a
person may use. Each statement is so in the server's log under the person's login (`kinerja
warehouse access-log`). Nothing is cached: every chart and query is the warehouse's answer now.

The settings come from the environment `kinerja workbench` (or compose) gives Superset's process:
  WORKBENCH_HOME          the workbench's folder (metadata, secret key, password file)
  SUPERSET_SECRET_KEY     the key Superset signs sessions and encrypts connections with; default:
                          the file `secret_key` in WORKBENCH_HOME (generated there, mode 0600)
  SUPERSET_METADATA_URL   Superset's own metadata database; default SQLite in WORKBENCH_HOME
  WORKBENCH_DOCS_URL      where `kinerja docs` serves the dbt catalog (linked from the menu)
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

HOME = Path(os.environ.get("WORKBENCH_HOME") or Path(__file__).resolve().parent.parent / ".kinerja" / "workbench")
PASSFILE = HOME / "pgpass"  # host:port:database:login:password of the workbench logins, 0600
INSTANSI_PREFIX = "instansi_"
READER = re.compile(r"(auditor|publik|instansi_[a-z0-9_]+)")
LOGIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def _secret_key() -> str:
    given = os.environ.get("SUPERSET_SECRET_KEY", "").strip()
    if given:
        return given
    try:
        return (HOME / "secret_key").read_text(encoding="utf-8").strip()
    except OSError:
        raise RuntimeError(f"set SUPERSET_SECRET_KEY, or generate {HOME / 'secret_key'} (kinerja workbench does)") from None


SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URL") or f"sqlite:///{HOME / 'superset.db'}"
SQLALCHEMY_TRACK_MODIFICATIONS = False
# Superset's permissions are written by `superset init` alone (kinerja workbench and the compose service
# run it whenever the pins change), not again by every process that starts the app (Flask-AppBuilder's
# default): `kinerja workbench` boots the server's workers while setup_superset.py writes the metadata,
# and SQLite takes one writer at a time
FAB_UPDATE_PERMS = False

# nothing cached: an answer is the warehouse's, under the asking person's login, every time
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
CACHE_DEFAULT_TIMEOUT = 0

FEATURE_FLAGS = {
    "DASHBOARD_RBAC": False,  # a dashboard is visible to whoever may use its connection
    "ENABLE_TEMPLATE_PROCESSING": False,
    "ALERT_REPORTS": False,
    "THUMBNAILS": False,
}
# SQL Lab reads; it never writes, creates tables or uploads files (the connections say so too)
SQLLAB_TIMEOUT = 120
SQL_MAX_ROW = 100_000
DISPLAY_MAX_ROW = 10_000
PREVENT_UNSAFE_DB_CONNECTIONS = True
WTF_CSRF_TIME_LIMIT = int(timedelta(hours=12).total_seconds())
TALISMAN_ENABLED = os.environ.get("TALISMAN_ENABLED", "false").lower() in ("1", "true", "yes")
SESSION_COOKIE_SAMESITE = "Lax"
APP_NAME = "Kinerja ASN — meja kerja auditor"
BABEL_DEFAULT_LOCALE = "en"

# the dbt catalog (`kinerja docs`), linked from the menu bar (Superset's documentation link)
DOCUMENTATION_URL = os.environ.get("WORKBENCH_DOCS_URL") or "http://localhost:8081"
DOCUMENTATION_TEXT = "Katalog data (dbt docs)"


def _workbench_logins() -> set[str]:
    """The logins the workbench's password file holds a password for (its fourth field)."""
    try:
        lines = PASSFILE.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {line.split(":")[3] for line in lines if line.count(":") >= 4}


def DB_CONNECTION_MUTATOR(uri, params, username, security_manager, source):  # noqa: N802 (Superset's name)
    """Open a warehouse connection as the person's own workbench login, in the connection's reader
    role. A connection without a person (or a person without a workbench login) keeps the URI's user,
    the group role, which cannot log in: it fails rather than read as somebody else."""
    if not uri.drivername.startswith("postgresql") or not READER.fullmatch(uri.username or ""):
        return uri, params
    role = uri.username
    connect_args = params.setdefault("connect_args", {})
    connect_args["options"] = f"-c role={role}"
    connect_args["application_name"] = "kinerja-workbench"
    if username and LOGIN.fullmatch(username) and username in _workbench_logins():
        uri = uri.set(username=username, password=None)
        connect_args["passfile"] = str(PASSFILE)
    return uri, params


def _own_schema(database) -> str | None:
    """instansi_<kode> for a connection of a government's readers, else None."""
    try:
        user = database.url_object.username or ""
    except Exception:  # noqa: BLE001 - a connection Superset cannot parse is not ours
        return None
    return user if user.startswith(INSTANSI_PREFIX) and READER.fullmatch(user) else None


def SQL_QUERY_MUTATOR(sql: str, **kwargs) -> str:  # noqa: N802 (Superset's name)
    """On a government's connection, `marts.<table>` means that government's own view of it,
    `instansi_<kode>.<table>` (its readers have no privilege on the marts tables themselves: they
    read their views, docs/access.md). Only table names are changed; what a query may read is still
    decided by PostgreSQL, which refuses anything else."""
    schema = _own_schema(kwargs.get("database"))
    if schema is None or "marts" not in sql.lower():
        return sql
    import sqlglot
    from sqlglot import exp

    try:
        statements = sqlglot.parse(sql, dialect="postgres")
    except sqlglot.errors.ParseError:
        return sql  # PostgreSQL will say what is wrong with it
    rewritten = []
    for statement in statements:
        if statement is None:
            continue
        for table in statement.find_all(exp.Table):
            if (table.db or "").lower() == "marts" and not table.catalog:
                table.set("db", exp.to_identifier(schema))
        rewritten.append(statement.sql(dialect="postgres"))
    return ";\n".join(rewritten) if rewritten else sql
