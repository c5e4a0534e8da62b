"""Who may read what: the project's roles in PostgreSQL, and the grants on raw and audit.

Group roles (NOLOGIN; people and services log in as members, `kinerja warehouse grant-login`):

  kinerja_etl         writes rows into raw and audit (select, insert, update, delete); reads nothing else
  auditor             reads marts, audit, raw, riwayat and aturan; writes nothing
  publik              reads schema publik only
  instansi_<kode>     one per government of the agencies file: reads the marts, but only its own rows
  kinerja_instansi    every instansi_<kode> is a member: what the marts grant to the governments' readers

Roles are cluster-wide, grants per database. ensure_roles creates what is missing (safe when
several sessions, e.g. test runs on other databases, do it at once) and grants on raw and audit,
which this package writes; dbt grants on what it builds (`+grants` in dbt_project.yml, schema usage
in the on-run-end hook) and re-creates the marts' row-level security after every build (macro
instansi_rls in dbt_project/macros/access.sql). docs/access.md has the table.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterable

import psycopg
from psycopg import errors, sql

ETL = "kinerja_etl"
AUDITOR = "auditor"
PUBLIK = "publik"
INSTANSI = "kinerja_instansi"
INSTANSI_PREFIX = "instansi_"  # the marts' row-level security maps instansi_<kode> back to <KODE>
GROUPS = (ETL, AUDITOR, PUBLIK, INSTANSI)
# the schemas this package writes (etl.load creates them); dbt grants on its own schemas
ETL_SCHEMAS = ("raw", "audit")
MAX_NAME = 63  # PostgreSQL truncates longer identifiers, and the policy would no longer match

# what each group role is for (COMMENT ON ROLE, when the role is created)
DESCRIPTIONS = {
    ETL: "kinerja: writes rows into raw and audit",
    AUDITOR: "kinerja: reads marts, audit, raw, riwayat, aturan; writes nothing",
    PUBLIK: "kinerja: reads schema publik only",
    INSTANSI: "kinerja: every instansi_<kode> reader; marts grant select to it, row-level security keeps each to its rows",
}


class AccessError(RuntimeError):
    """A role cannot be created or granted as asked."""


def instansi_role(kode: str) -> str:
    """The reader role of a government: instansi_<kode in lower case>."""
    name = INSTANSI_PREFIX + kode.lower()
    # the marts' policy compares upper(<what follows the prefix>) with instansi_kode
    if name[len(INSTANSI_PREFIX):].upper() != kode or len(name.encode()) > MAX_NAME:
        raise AccessError(f"instansi kode {kode!r} cannot name a role (upper case, at most "
                          f"{MAX_NAME - len(INSTANSI_PREFIX)} bytes)")
    return name


def instansi_roles(kodes: Iterable[str] | None = None) -> list[str]:
    """The reader roles of the given governments (default: every one in the agencies file)."""
    if kodes is None:
        from etl.config import load_agencies

        kodes = [agency.kode for agency in load_agencies()]
    return [instansi_role(k) for k in kodes]


def group_roles(kodes: Iterable[str] | None = None) -> list[str]:
    return [*GROUPS, *instansi_roles(kodes)]


def _connect(conninfo: str | None) -> psycopg.Connection:
    from etl import warehouse

    try:
        return psycopg.connect(conninfo or warehouse.url(), autocommit=True)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise warehouse.WarehouseError(f"cannot connect to the warehouse: {first}") from None


@contextlib.contextmanager
def _refused():
    """The server refusing (no CREATEROLE, not the owner) as one sentence."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        first = str(exc).strip().splitlines()[0]
        raise AccessError(f"the warehouse's user may not manage the project's roles and grants: {first}") from None


def _do(conn: psycopg.Connection, body: sql.Composable) -> None:
    """Run a PL/pgSQL block; a concurrent session doing the same first is not an error."""
    text = body.as_string(conn)
    conn.execute(
        "do $kinerja$ begin " + text + " exception when duplicate_object or unique_violation then null; end $kinerja$"
    )


# errors another session creating or granting the same role at the same moment may cause
_RACES = (errors.UniqueViolation, errors.DuplicateObject, errors.InternalError_, errors.SerializationFailure,
          errors.DeadlockDetected)


def _retrying(conn: psycopg.Connection, work) -> None:
    for attempt in range(6):
        try:
            with conn.transaction():
                work(conn)
            return
        except _RACES:
            if attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1) + random.random() * 0.1)


def _create_roles(conn: psycopg.Connection, instansi: list[str]) -> None:
    existing = {name: (superuser, bypass) for name, superuser, bypass in conn.execute(
        "select rolname, rolsuper, rolbypassrls from pg_roles where rolname = any(%s)",
        ([*GROUPS, *instansi],)).fetchall()}
    for name, (superuser, bypass) in existing.items():
        if superuser or bypass:  # would read every row whatever the grants and policies say
            raise AccessError(f"role {name} exists and is a superuser or bypasses row-level security; "
                              "the project's group roles must not")
    for name in [*GROUPS, *instansi]:
        if name in existing:
            continue
        description = DESCRIPTIONS.get(name, "kinerja: reads the marts rows of one government")
        _do(conn, sql.SQL("create role {} nologin; comment on role {} is {};").format(
            sql.Identifier(name), sql.Identifier(name), sql.Literal(description)))
    members = {row[0] for row in conn.execute(
        """select m.rolname from pg_auth_members a join pg_roles g on g.oid = a.roleid
           join pg_roles m on m.oid = a.member where g.rolname = %s""", (INSTANSI,)).fetchall()}
    for name in instansi:
        if name not in members:
            _do(conn, sql.SQL("grant {} to {};").format(sql.Identifier(INSTANSI), sql.Identifier(name)))


def _grant_schemas(conn: psycopg.Connection) -> None:
    # the same lock as etl.load.ensure_schema: not while a load creates the tables
    conn.execute("select pg_advisory_xact_lock(hashtext('kinerja.ensure_schema'))")
    database = conn.execute("select current_database()").fetchone()[0]
    conn.execute(sql.SQL("grant connect on database {} to {}").format(
        sql.Identifier(database), sql.SQL(", ").join(map(sql.Identifier, GROUPS))))
    present = {row[0] for row in conn.execute(
        "select nspname from pg_namespace where nspname = any(%s)", (list(ETL_SCHEMAS),)).fetchall()}
    etl, auditor = sql.Identifier(ETL), sql.Identifier(AUDITOR)
    for name in ETL_SCHEMAS:
        if name not in present:
            continue  # etl.load creates it; the next call (every dbt run) grants on it
        schema = sql.Identifier(name)
        for statement in (
            "grant usage, create on schema {s} to {etl}",
            "grant usage on schema {s} to {auditor}",
            "grant select, insert, update, delete on all tables in schema {s} to {etl}",
            "grant usage, select on all sequences in schema {s} to {etl}",
            "grant select on all tables in schema {s} to {auditor}",
            # tables the warehouse's user creates there later (new entities) get the same
            "alter default privileges in schema {s} grant select, insert, update, delete on tables to {etl}",
            "alter default privileges in schema {s} grant usage, select on sequences to {etl}",
            "alter default privileges in schema {s} grant select on tables to {auditor}",
        ):
            conn.execute(sql.SQL(statement).format(s=schema, etl=etl, auditor=auditor))
    if conn.info.server_version < 150000:
        # what PostgreSQL 15 made the default: nobody but the owner creates in schema public,
        # else an auditor or publik login could write tables there
        conn.execute("revoke create on schema public from public")


def ensure_roles(conninfo: str | None = None, kodes: Iterable[str] | None = None) -> list[str]:
    """Create the group roles that are missing, one reader per government (`kodes`, default the
    agencies file), and grant on raw and audit of the database `conninfo` names (default the
    warehouse). Idempotent. Returns the group roles. Where a DBA created the roles beforehand,
    the warehouse's user needs no CREATEROLE: only what is missing is created."""
    instansi = instansi_roles(kodes)
    with _connect(conninfo) as conn, _refused():
        _retrying(conn, lambda c: _create_roles(c, instansi))
        _retrying(conn, _grant_schemas)
    return [*GROUPS, *instansi]


def grant_login(role: str, login: str, password: str | None = None, conninfo: str | None = None) -> bool:
    """A LOGIN role `login` that is a member of the group role `role` (created if missing, its
    password set when given; only its SCRAM hash reaches the server). Returns True when created."""
    groups = group_roles()
    if role not in groups or role == INSTANSI:
        raise AccessError(f"{role} is not one of the project's group roles: "
                          + ", ".join(g for g in groups if g != INSTANSI))
    if login in groups or login.startswith(INSTANSI_PREFIX) or len(login.encode()) > MAX_NAME or not login:
        raise AccessError(f"{login!r} cannot be a login: it is a group role's name, starts with "
                          f"{INSTANSI_PREFIX}, or is empty or longer than {MAX_NAME} bytes")
    with _connect(conninfo) as conn, _refused(), conn.transaction():
        found = conn.execute("select rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = %s",
                             (login,)).fetchone()
        if found and (found[0] or found[1]):
            raise AccessError(f"{login} is a superuser or bypasses row-level security: not a reader's login")
        name = sql.Identifier(login)
        if not found:
            conn.execute(sql.SQL("create role {} login").format(name))
        elif not found[2]:
            raise AccessError(f"role {login} exists and is not a login")
        member = conn.execute("select pg_has_role(%s, %s, 'member')", (login, role)).fetchone()[0]
        if not member:
            conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(role), name))
        if password:
            hashed = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
            conn.execute(sql.SQL("alter role {} password {}").format(name, sql.Literal(hashed.decode())))
    return not found
