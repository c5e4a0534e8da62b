"""The project's roles against a real PostgreSQL: ensure_roles creates them once however often and
however many sessions call it at the same time, and grants on raw and audit exactly what
docs/access.md says; `kinerja warehouse grant-login` makes a login of a group.

Roles are cluster-wide: the readers made here have names of this session's own and are dropped."""

import os
import secrets
import threading

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from etl import access

SUFFIX = f"{os.getpid()}{secrets.token_hex(3)}".upper()
KODES = [f"UJIA{SUFFIX}", f"UJIB{SUFFIX}"]


@pytest.fixture
def prepared(warehouse_url):
    from etl import load, warehouse

    with warehouse.transaction() as conn:
        load.ensure_schema(conn)
    yield warehouse_url
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for kode in KODES:
            conn.execute(f'drop role if exists "{access.instansi_role(kode)}"')


def _roles(db, names):
    return {name: (login, superuser) for name, login, superuser in db.execute(
        "select rolname, rolcanlogin, rolsuper from pg_roles where rolname = any(%s)", (names,)).fetchall()}


def test_ensure_roles_is_idempotent_even_when_sessions_race(prepared, db):
    expected = [*access.GROUPS, *(access.instansi_role(k) for k in KODES)]
    start, failures = threading.Barrier(6), []

    def call():
        start.wait()
        try:
            access.ensure_roles(prepared, KODES)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert access.ensure_roles(prepared, KODES) == expected  # and once more, alone
    roles = _roles(db, expected)
    assert set(roles) == set(expected)
    assert all(not login and not superuser for login, superuser in roles.values())  # group roles, NOLOGIN
    memberships = db.execute(
        """select m.rolname, count(*) from pg_auth_members a join pg_roles g on g.oid = a.roleid
           join pg_roles m on m.oid = a.member where g.rolname = %s and m.rolname = any(%s) group by 1""",
        (access.INSTANSI, expected)).fetchall()
    assert dict(memberships) == {access.instansi_role(k): 1 for k in KODES}  # granted once, however often called


# role: {relation: (schema usage, schema create, select, insert, update, delete)}
RAW, LEDGER_VIEW, LEDGER = "raw.pegawai", "audit.batch", "audit.batch_attempt"
PRIVILEGES = {
    # the runtime reads both schemas, COPYs into raw and appends to the ledger: no create, update, delete
    access.ETL: {RAW: (True, False, True, True, False, False), LEDGER_VIEW: (True, False, True, False, False, False),
                 "audit.quarantine": (True, False, True, False, False, False),
                 LEDGER: (True, False, True, True, False, False), "audit.quarantine_row": (True, False, True, True, False, False)},
    access.AUDITOR: {t: (True, False, True, False, False, False)
                     for t in (RAW, LEDGER_VIEW, "audit.quarantine", LEDGER, "audit.quarantine_row")},
    access.PUBLIK: {t: (False, False, False, False, False, False) for t in (RAW, LEDGER_VIEW, LEDGER)},
    access.INSTANSI: {t: (False, False, False, False, False, False) for t in (RAW, LEDGER_VIEW, LEDGER)},
}


def _privileges(db, role, table):
    return db.execute(
        """select has_schema_privilege(%(r)s, %(s)s, 'USAGE'), has_schema_privilege(%(r)s, %(s)s, 'CREATE'),
                  has_table_privilege(%(r)s, %(t)s, 'SELECT'), has_table_privilege(%(r)s, %(t)s, 'INSERT'),
                  has_table_privilege(%(r)s, %(t)s, 'UPDATE'), has_table_privilege(%(r)s, %(t)s, 'DELETE')""",
        {"r": role, "s": table.split(".")[0], "t": table}).fetchone()


def test_raw_and_audit_are_written_by_the_etl_role_and_read_by_the_auditor_only(prepared, db):
    access.ensure_roles(prepared, KODES)
    for role, tables in PRIVILEGES.items():
        for table, expected in tables.items():
            assert _privileges(db, role, table) == expected, (role, table)
    for role in (access.ETL, access.AUDITOR):
        assert not db.execute("select has_table_privilege(%s, 'raw.pegawai', 'TRUNCATE')", (role,)).fetchone()[0]
        assert not db.execute("select has_database_privilege(%s, current_database(), 'CREATE')", (role,)).fetchone()[0]
    # a table the owner adds later (a raw partition, a new entity) gets the same, through default privileges
    from etl import warehouse

    with psycopg.connect(warehouse.url(), autocommit=True) as owner:
        assert owner.execute("select current_user").fetchone()[0] == access.OWNER
        owner.execute("create table raw.uji_entitas_baru (x text)")
        try:
            for role, tables in PRIVILEGES.items():
                assert _privileges(db, role, "raw.uji_entitas_baru") == tables[RAW], role
        finally:
            owner.execute("drop table raw.uji_entitas_baru")


def test_an_instansi_kode_that_cannot_name_a_role_is_refused():
    assert access.instansi_role("PAUH") == "instansi_pauh"
    with pytest.raises(access.AccessError):
        access.instansi_role("x" * 60)
    with pytest.raises(access.AccessError):
        access.instansi_role("Pauh")  # the agencies file upper-cases codes; the policies rely on it


def test_grant_login_makes_a_login_of_a_group_and_refuses_others(warehouse_url, db, monkeypatch):
    from typer.testing import CliRunner

    from etl.cli import app

    login = f"uji_publik_{SUFFIX.lower()}"
    password = secrets.token_urlsafe(16)
    monkeypatch.setenv("KINERJA_LOGIN_PASSWORD", password)
    runner = CliRunner()
    try:
        done = runner.invoke(app, ["warehouse", "grant-login", "publik", login])
        assert done.exit_code == 0, done.output
        assert "created" in done.output
        assert _roles(db, [login]) == {login: (True, False)}
        assert db.execute("select pg_has_role(%s, 'publik', 'USAGE')", (login,)).fetchone()[0]
        assert not db.execute("select pg_has_role(%s, 'auditor', 'MEMBER')", (login,)).fetchone()[0]
        stored = db.execute("select rolpassword from pg_authid where rolname = %s", (login,)).fetchone()[0]
        assert stored.startswith("SCRAM-SHA-256$") and password not in stored
        again = runner.invoke(app, ["warehouse", "grant-login", "publik", login])
        assert again.exit_code == 0 and "exists" in again.output, again.output
        with psycopg.connect(make_conninfo(warehouse_url, user=login, password=password), autocommit=True) as conn:
            assert conn.execute("select current_user").fetchone()[0] == login
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("select count(*) from raw.pegawai")
        for role, name in (("nobody_such", f"uji_x_{SUFFIX.lower()}"), ("publik", "postgres"),
                           ("publik", "auditor"), ("publik", "instansi_pauh"), ("kinerja_instansi", login)):
            refused = runner.invoke(app, ["warehouse", "grant-login", role, name])
            assert refused.exit_code == 1, (role, name, refused.output)
        assert not db.execute("select rolcanlogin from pg_roles where rolname = 'auditor'").fetchone()[0]
    finally:
        db.execute(f'drop role if exists "{login}"')


def test_the_embedded_warehouse_asks_every_connection_for_its_password(monkeypatch):
    """Issue 17: the embedded server no longer trusts local connections. Every one proves a password
    (SCRAM), the generated passwords are in a password file its owner alone reads, and
    `kinerja warehouse url` still connects — as the owner, not the superuser."""
    import stat
    from pathlib import Path

    from psycopg.conninfo import conninfo_to_dict
    from typer.testing import CliRunner

    from etl import warehouse
    from etl.cli import app

    admin = warehouse.admin_url()
    pgdata = Path(warehouse._pgdata())
    given = conninfo_to_dict(admin)
    if given.get("passfile") != str(warehouse.passfile()) or not str(given.get("host", "")).startswith("/"):
        pytest.skip("the tests' warehouse is not the embedded one (KINERJA_WAREHOUSE_URL names another server)")
    hba = [line.split() for line in (pgdata / "pg_hba.conf").read_text().splitlines()
           if line.strip() and not line.startswith("#")]
    assert hba and all(line[-1] == "scram-sha-256" for line in hba), hba
    secret = warehouse.passfile()
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    params = {k: v for k, v in conninfo_to_dict(admin).items() if k in ("host", "port", "dbname")}
    for user in ("postgres", access.OWNER, access.LOADER):
        with pytest.raises(psycopg.OperationalError, match="password"):
            psycopg.connect(make_conninfo("", **params, user=user, passfile="/nonexistent")).close()
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(make_conninfo("", **params, user=user, password="not-the-password")).close()
    monkeypatch.delenv("KINERJA_WAREHOUSE_URL", raising=False)
    shown = CliRunner().invoke(app, ["warehouse", "url"])
    assert shown.exit_code == 0, shown.output
    url = shown.output.strip()
    assert "password" not in conninfo_to_dict(url) and conninfo_to_dict(url)["passfile"] == str(secret)
    with psycopg.connect(url) as conn:
        assert conn.execute("select current_user, rolsuper from pg_roles where rolname = current_user").fetchone() == (
            access.OWNER, False)
