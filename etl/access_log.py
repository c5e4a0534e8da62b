"""Who read what: the statements of the readers' logins, as the warehouse's server logged them.

Every login of a reader role (auditor, publik, instansi_<kode>) has `log_statement = 'all'` set on
it (etl.access: at bootstrap, and by `kinerja warehouse grant-login`), so the server writes each of
its statements, with the login, the database and the time, to its log. log_statement is a
superuser's setting: a reader can neither turn it off for a session nor for his login. The log is
the server's file: the embedded warehouse writes it as CSV under its data directory
(`kinerja_log/`, readable by the server's user only); another server's CSV log is read from the
folder `KINERJA_PG_LOG_DIR` names (csvlog, e.g. a mounted copy of the server's log directory).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from etl import access, warehouse

from etl.settings import environment

ENV_LOG_DIR = "KINERJA_PG_LOG_DIR"
# a login's name as `kinerja warehouse grant-login` makes them (PostgreSQL's names: at most 63 bytes)
LOGIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
# csvlog's columns (PostgreSQL's "Using CSV-Format Log Output"): the first fourteen are the same
# since 9.0
TIME, USER, DATABASE, MESSAGE = 0, 1, 2, 13
_STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.S)

csv.field_size_limit(1 << 30)


class AccessLogError(RuntimeError):
    """The server's log cannot be found or read."""


@dataclass(frozen=True)
class Read:
    at: str
    login: str
    database: str
    statement: str


def log_dir() -> Path:
    """The folder of the server's CSV log."""
    named = environment().pg_log_dir
    if named:
        return Path(named)
    if warehouse.admin_url() is None:
        raise AccessLogError(f"set {ENV_LOG_DIR} to the folder of the warehouse server's CSV log")
    with warehouse.admin_connect() as conn:
        settings = dict(conn.execute(
            "select name, setting from pg_settings where name in ('data_directory', 'log_directory', "
            "'log_destination', 'logging_collector')").fetchall())
    if "csvlog" not in settings.get("log_destination", "") or settings.get("logging_collector") != "on":
        raise AccessLogError("the warehouse's server writes no CSV log (log_destination csvlog, logging_collector on); "
                             f"or set {ENV_LOG_DIR}")
    folder = Path(settings["log_directory"])
    return folder if folder.is_absolute() else Path(settings["data_directory"]) / folder


def reads(since: dt.datetime | None = None, login: str | None = None, readers: list[str] | None = None,
          database: str | None = None) -> list[Read]:
    """The statements of the readers' logins (default: every login of a reader role now), oldest
    first; since a moment (aware, or taken as UTC), of one login, of one database."""
    if readers is None:
        with warehouse.connect() as conn:
            readers = access.reader_logins(conn)
    wanted = {login} if login else set(readers)
    if login and login not in readers:
        raise AccessLogError(f"{login} is not a login of a reader role")
    folder = log_dir()
    try:
        files = sorted(folder.glob("*.csv"), key=lambda p: (p.stat().st_mtime, p.name))
    except OSError as exc:
        raise AccessLogError(f"cannot read the server's log in {folder}: {exc.strerror}") from None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.timezone.utc)
    found = []
    for path in files:
        with open(path, newline="", encoding="utf-8", errors="replace") as fh:
            for row in csv.reader(fh):
                if len(row) <= MESSAGE or row[USER] not in wanted or (database and row[DATABASE] != database):
                    continue
                statement = _STATEMENT.match(row[MESSAGE])
                if not statement:
                    continue
                if since is not None and _time(row[TIME]) < since:
                    continue
                found.append(Read(row[TIME], row[USER], row[DATABASE], statement.group(1)))
    return found


def _time(text: str) -> dt.datetime:
    """csvlog's time, e.g. '2026-12-06 14:40:01.123 UTC'."""
    stamp, _, zone = text.rpartition(" ")
    moment = dt.datetime.fromisoformat(stamp)
    if zone in ("UTC", "GMT"):
        return moment.replace(tzinfo=dt.timezone.utc)
    try:
        return moment.replace(tzinfo=ZoneInfo(zone))
    except (KeyError, ValueError):
        offset = re.fullmatch(r"([+-])(\d{2})(?::?(\d{2}))?", zone)
        if offset:
            sign = 1 if offset[1] == "+" else -1
            delta = dt.timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0))
            return moment.replace(tzinfo=dt.timezone(sign * delta))
        return moment.replace(tzinfo=dt.timezone.utc)
