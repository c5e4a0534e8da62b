"""Who may read what: the project's roles in PostgreSQL, and the grants on raw and audit.

Group roles (NOLOGIN; people and services log in as members, `kinerja warehouse grant-login`):

  kinerja_etl         the pipeline's runtime (extract, validate, load): reads raw and audit, COPYs into the
                      raw partitions the owner made, appends to the ledger; no update, delete or create
  auditor             reads marts, audit, raw, riwayat and aturan; writes nothing
  publik              reads schema publik only
  instansi_<kode>     one per government of the agencies file: reads the marts, but only its own rows
  kinerja_instansi    every instansi_<kode> is a member: what the marts grant to the governments' readers

Logins the pipeline itself uses (made by bootstrap, passwords generated into the password file or
given by the deployment):

  kinerja_owner       owns the schemas and tables: migrations (etl.load) and dbt
  kinerja_loader      a member of kinerja_etl: what extract, validate and load connect as

Roles are cluster-wide, grants per database. ensure_roles creates what is missing (safe when
several sessions, e.g. test runs on other databases, do it at once); bootstrap, with an admin's
connection, also revokes what PUBLIC may do (connect to any database, read the statistics views)
and turns on the statement log of every reader's login; etl.load grants on raw and audit, which
the owner makes; dbt grants on what it builds (`+grants` in dbt_project.yml, schema usage
in the on-run-end hook) and re-creates the marts' row-level security after every build (macro
instansi_rls in dbt_project/macros/access.sql). docs/access.md has the table.
"""

from __future__ import annotations

import contextlib
import random
import re
import time
from collections.abc import Iterable

import psycopg
from psycopg import errors, sql

from etl.config import load_agencies

ETL = "kinerja_etl"
AUDITOR = "auditor"
PUBLIK = "publik"
INSTANSI = "kinerja_instansi"
INSTANSI_PREFIX = "instansi_"  # the marts' row-level security maps instansi_<kode> back to <KODE>
GROUPS = (ETL, AUDITOR, PUBLIK, INSTANSI)
OWNER = "kinerja_owner"    # owns the schemas and tables: migrations and dbt (etl.warehouse.url)
LOADER = "kinerja_loader"  # the runtime's login, a member of kinerja_etl (etl.warehouse.loader_url)
LOGINS = (OWNER, LOADER)
# the readers whose every statement the server logs (`kinerja warehouse access-log`)
READERS = (AUDITOR, PUBLIK, INSTANSI)
# the schemas this package writes (etl.load creates them); dbt grants on its own schemas
ETL_SCHEMAS = ("raw", "audit")
MAX_NAME = 63  # PostgreSQL truncates longer identifiers, and the policy would no longer match

# what each group role is for (COMMENT ON ROLE, when the role is created)
DESCRIPTIONS = {
    ETL: "kinerja: the pipeline's runtime: COPY into raw partitions, appends to the audit ledger",
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
        kodes = [agency.kode for agency in load_agencies()]
    return [instansi_role(k) for k in kodes]


def group_roles(kodes: Iterable[str] | None = None) -> list[str]:
    return [*GROUPS, *instansi_roles(kodes)]


def _connect(conninfo: str) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo, autocommit=True)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise AccessError(f"cannot connect to the warehouse: {first}") from None


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
    existing = {name: (superuser, bypass, login) for name, superuser, bypass, login in conn.execute(
        "select rolname, rolsuper, rolbypassrls, rolcanlogin from pg_roles where rolname = any(%s)",
        ([*GROUPS, *instansi, *LOGINS],)).fetchall()}
    for name, (superuser, bypass, _login) in existing.items():
        if superuser or bypass:  # would read every row whatever the grants and policies say
            raise AccessError(f"role {name} exists and is a superuser or bypasses row-level security; "
                              "the project's roles must not")
    for name in [*GROUPS, *instansi]:
        if name in existing:
            continue
        description = DESCRIPTIONS.get(name, "kinerja: reads the marts rows of one government")
        _do(conn, sql.SQL("create role {} nologin; comment on role {} is {};").format(
            sql.Identifier(name), sql.Identifier(name), sql.Literal(description)))
    for name, description in ((OWNER, "kinerja: owns the schemas and tables; migrations and dbt only"),
                              (LOADER, "kinerja: the pipeline's runtime login (member of kinerja_etl)")):
        if name not in existing:
            _do(conn, sql.SQL("create role {} login; comment on role {} is {};").format(
                sql.Identifier(name), sql.Identifier(name), sql.Literal(description)))
    members = {(row[0], row[1]) for row in conn.execute(
        """select g.rolname, m.rolname from pg_auth_members a join pg_roles g on g.oid = a.roleid
           join pg_roles m on m.oid = a.member where g.rolname = any(%s)""", ([INSTANSI, ETL],)).fetchall()}
    for group, name in [*((INSTANSI, n) for n in instansi), (ETL, LOADER)]:
        if (group, name) not in members:
            _do(conn, sql.SQL("grant {} to {};").format(sql.Identifier(group), sql.Identifier(name)))


def _grant_database(conn: psycopg.Connection) -> None:
    database = conn.execute("select current_database()").fetchone()[0]
    conn.execute(sql.SQL("grant connect on database {} to {}").format(
        sql.Identifier(database), sql.SQL(", ").join(map(sql.Identifier, (*GROUPS, *LOGINS)))))
    if conn.info.server_version < 150000:
        # what PostgreSQL 15 made the default: nobody but the owner creates in schema public,
        # else an auditor or publik login could write tables there
        conn.execute("revoke create on schema public from public")


def ensure_roles(conninfo: str, kodes: Iterable[str] | None = None) -> list[str]:
    """Create the group roles that are missing, one reader per government (`kodes`, default the
    agencies file), and the pipeline's two logins, and let them connect to the database `conninfo`
    names (the admin's where there is one, else the owner's: etl.warehouse.roles_url). Idempotent.
    Returns the group roles. Where a DBA created the roles beforehand, nothing needs CREATEROLE:
    only what is missing is created."""
    instansi = instansi_roles(kodes)
    with _connect(conninfo) as conn, _refused():
        _retrying(conn, lambda c: _create_roles(c, instansi))
        _retrying(conn, _grant_database)
        try:  # an owner without SET on log_statement (PostgreSQL 15+: GRANT SET ON PARAMETER) leaves it to bootstrap
            _retrying(conn, _log_readers)
        except psycopg.errors.InsufficientPrivilege:
            pass
    return [*GROUPS, *instansi]


# What PUBLIC may no longer do in the warehouse's database: the statistics views and functions tell
# any login how many rows each table (so each government's raw partition) holds and how it is
# read, and pg_class's row and page estimates the same (docs/access.md, "Side channels")
STATISTICS_VIEWS = ("pg_stat_all_tables", "pg_stat_user_tables", "pg_stat_sys_tables", "pg_stat_xact_all_tables",
                    "pg_stat_xact_user_tables", "pg_stat_xact_sys_tables", "pg_statio_all_tables",
                    "pg_statio_user_tables", "pg_statio_sys_tables", "pg_stat_all_indexes", "pg_stat_user_indexes",
                    "pg_stat_sys_indexes", "pg_statio_all_indexes", "pg_statio_user_indexes", "pg_statio_sys_indexes",
                    "pg_statio_all_sequences", "pg_statio_user_sequences", "pg_stat_user_functions",
                    "pg_stat_xact_user_functions", "pg_stats_ext", "pg_stats_ext_exprs")
SIZE_FUNCTIONS = ("pg_relation_size", "pg_table_size", "pg_total_relation_size", "pg_indexes_size")
ESTIMATE_COLUMNS = ("reltuples", "relpages", "relallvisible", "relallfrozen")
OWNER_STATISTICS_FUNCTIONS = ("pg_stat_get_mod_since_analyze", "pg_stat_get_xact_tuples_inserted",
                              "pg_stat_get_xact_tuples_updated", "pg_stat_get_xact_tuples_deleted")


def _revoke_public(conn: psycopg.Connection) -> None:
    """CONNECT on every database of the server, and the statistics of this one, from PUBLIC."""
    for (name,) in conn.execute("select datname from pg_database where datallowconn").fetchall():
        conn.execute(sql.SQL("revoke connect on database {} from public").format(sql.Identifier(name)))
    views = [row[0] for row in conn.execute(
        "select viewname from pg_views where schemaname = 'pg_catalog' and viewname = any(%s)",
        (list(STATISTICS_VIEWS),)).fetchall()]
    for view in views:
        conn.execute(sql.SQL("revoke select on pg_catalog.{} from public").format(sql.Identifier(view)))
    functions = [row[0] for row in conn.execute(
        """select p.oid::regprocedure::text from pg_proc p
           where p.pronamespace = 'pg_catalog'::regnamespace
             and (p.proname = any(%s) or (p.proname like 'pg\_stat\_get\_%%' and p.pronargs = 1
                                          and p.proargtypes[0] = 'oid'::regtype))""",
        (list(SIZE_FUNCTIONS),)).fetchall()]
    for function in functions:
        conn.execute(sql.SQL("revoke execute on function {} from public").format(sql.SQL(function)))
    columns = [row[0] for row in conn.execute(
        "select attname from pg_attribute where attrelid = 'pg_catalog.pg_class'::regclass and attnum > 0 "
        "and not attisdropped").fetchall()]
    shown = [c for c in columns if c not in ESTIMATE_COLUMNS]
    conn.execute("revoke select on pg_catalog.pg_class from public")
    conn.execute(sql.SQL("grant select ({}) on pg_catalog.pg_class to public").format(
        sql.SQL(", ").join(map(sql.Identifier, shown))))
    # the pipeline's own roles keep them (dbt and the loader read no statistics views, but may plan)
    for role in (OWNER, ETL):
        conn.execute(sql.SQL("grant select on pg_catalog.pg_class to {}").format(sql.Identifier(role)))
    # dbt's statistics post-hook decides between a whole and a column ANALYZE by the changes to the table
    # it owns (macros/statistik.sql): those four counters, to the owner alone
    for function in OWNER_STATISTICS_FUNCTIONS:
        conn.execute(sql.SQL("grant execute on function pg_catalog.{}(oid) to {}").format(
            sql.Identifier(function), sql.Identifier(OWNER)))


def reader_logins(conn: psycopg.Connection) -> list[str]:
    """Every login that is (directly or not) a member of a reader role."""
    return [row[0] for row in conn.execute(
        """with recursive readers(oid) as (
               select oid from pg_roles where rolname = any(%s) or rolname like 'instansi\_%%'
               union
               select a.member from pg_auth_members a join readers r on r.oid = a.roleid)
           select r.rolname from pg_roles r join readers using (oid)
           where r.rolcanlogin and not r.rolsuper and r.rolname <> all(%s) order by 1""",
        (list(READERS), list(LOGINS))).fetchall()]


def _log_readers(conn: psycopg.Connection) -> None:
    """Every statement of every reader's login goes to the server's log (log_statement is a
    superuser's setting: the readers cannot turn it off for themselves)."""
    for login in reader_logins(conn):
        conn.execute(sql.SQL("alter role {} set log_statement = 'all'").format(sql.Identifier(login)))


def prepare_database(admin: str) -> None:
    """What only an admin may do on the admin's database, once the roles exist (etl.warehouse.bootstrap
    makes them and the pipeline's logins first): CREATE on the database for the owner (dbt makes its
    schemas), raw and audit made as the owner's, what PUBLIC may do revoked, the readers' statement
    log. Idempotent."""
    with _connect(admin) as conn, _refused():
        def work(c):
            c.execute("select pg_advisory_xact_lock(hashtext('kinerja.bootstrap'))")
            database = c.execute("select current_database()").fetchone()[0]
            c.execute(sql.SQL("grant create, temporary on database {} to {}").format(
                sql.Identifier(database), sql.Identifier(OWNER)))
            for schema in ETL_SCHEMAS:
                c.execute(sql.SQL("create schema if not exists {} authorization {}").format(
                    sql.Identifier(schema), sql.Identifier(OWNER)))
            _adopt(c)
            _revoke_public(c)
            _log_readers(c)
        _retrying(conn, work)


PROJECT_SCHEMAS = ("raw", "audit", "staging", "intermediate", "marts", "publik", "riwayat", "aturan")


def _adopt(conn: psycopg.Connection) -> None:
    """A warehouse made before the owner existed (the pipeline ran as the superuser): its schemas,
    tables, views and functions become kinerja_owner's."""
    owner = sql.Identifier(OWNER)
    for (name,) in conn.execute("select nspname from pg_namespace where (nspname = any(%s) or nspname like "
                                "'instansi\_%%') and nspowner <> to_regrole(%s)", (list(PROJECT_SCHEMAS), OWNER)):
        conn.execute(sql.SQL("alter schema {} owner to {}").format(sql.Identifier(name), owner))
    kinds = {"r": "table", "p": "table", "v": "view", "m": "materialized view", "S": "sequence"}
    for schema, name, kind in conn.execute(
            """select n.nspname, c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where (n.nspname = any(%s) or n.nspname like 'instansi\_%%') and c.relkind = any(%s)
                 and c.relowner <> to_regrole(%s)
                 and not (c.relkind = 'S' and exists (select from pg_depend d where d.objid = c.oid
                                                      and d.deptype in ('a', 'i')))""",
            (list(PROJECT_SCHEMAS), list(kinds), OWNER)).fetchall():
        conn.execute(sql.SQL("alter {} {} owner to {}").format(sql.SQL(kinds[kind]), sql.Identifier(schema, name),
                                                               owner))
    for (function,) in conn.execute(
            """select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = any(%s) and p.proowner <> to_regrole(%s)""", (list(PROJECT_SCHEMAS), OWNER)):
        conn.execute(sql.SQL("alter function {} owner to {}").format(sql.SQL(function), owner))


def check_grant(role: str, login: str) -> None:
    """AccessError unless `role` is one of the project's group roles and `login` can be a login's name
    (asked before anything is made on the server)."""
    groups = group_roles()
    if role not in groups or role == INSTANSI:
        raise AccessError(f"{role} is not one of the project's group roles: "
                          + ", ".join(g for g in groups if g != INSTANSI))
    if login in groups or login in LOGINS or login.startswith(INSTANSI_PREFIX) or len(login.encode()) > MAX_NAME or not login:
        raise AccessError(f"{login!r} cannot be a login: it is a group role's name, starts with "
                          f"{INSTANSI_PREFIX}, or is empty or longer than {MAX_NAME} bytes")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", login):
        raise AccessError(f"{login!r} cannot be a login: a login's name is letters, digits and _, not starting "
                          "with a digit")


def grant_login(role: str, login: str, conninfo: str, password: str | None = None) -> bool:
    """A LOGIN role `login` that is a member of the group role `role` (created if missing, its
    password set when given; only its SCRAM hash reaches the server). A reader's login has every
    statement logged (log_statement). Returns True when created. Needs the admin's connection, or an
    owner's with CREATEROLE (docker-compose.yml: deploy/postgres-init.sh gives it): etl.warehouse.roles_url."""
    check_grant(role, login)
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
        if role != ETL:
            conn.execute(sql.SQL("alter role {} set log_statement = 'all'").format(name))
        if password:
            hashed = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
            conn.execute(sql.SQL("alter role {} password {}").format(name, sql.Literal(hashed.decode())))
    return not found
