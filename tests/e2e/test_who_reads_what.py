"""Who may read what (docs/access.md), on the consolidated demo world, logged in as each role.

A publik login reads the public tables and nothing else; an instansi reader sees only its own
government's rows of the marts (through its views instansi_<kode>.<model>: it may not read the
marts tables themselves), as many as there are; the auditor reads marts, audit, raw, riwayat and
aturan whole and can write nothing; the ETL role appends to raw and audit and changes nothing
there. And all of it still holds after dbt has rebuilt the marts (a rebuilt table loses its
policies and its dependent views: pitfalls.md). Every statement the readers ran is in
`kinerja warehouse access-log`.

Roles are cluster-wide: the logins made here have names of this session's own and are dropped."""

import os
import secrets

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

pytestmark = pytest.mark.e2e

SUFFIX = f"{os.getpid()}_{secrets.token_hex(3)}"
PASSWORD = secrets.token_urlsafe(18)  # where the server asks for one (a KINERJA_WAREHOUSE_URL with passwords)
# login -> the group roles it is a member of
LOGINS = {
    "publik": ["publik"],
    "auditor": ["auditor"],
    "etl": ["kinerja_etl"],
    "pauh": ["instansi_pauh"],
    "pauh_jambi": ["instansi_pauh", "instansi_jambi"],
}
INSTANSI_MARTS = ("marts.fct_evaluasi_kinerja", "marts.mart_kurva_distribusi")
NOT_PUBLIC = ("marts", "raw", "audit", "staging", "intermediate", "riwayat", "aturan")
AUDITED = ("marts", "audit", "raw", "riwayat", "aturan")


@pytest.fixture(scope="module")
def logins(first_run, warehouse_url):
    """name -> conninfo of a login of this session that is a member of LOGINS[name]."""
    from etl import access

    made = {}
    try:
        for name, roles in LOGINS.items():
            login = f"uji_{name}_{SUFFIX}"
            for role in roles:
                access.grant_login(role, login, password=PASSWORD, conninfo=warehouse_url)
            made[name] = login
        yield {name: make_conninfo(warehouse_url, user=login, password=PASSWORD) for name, login in made.items()}
    finally:
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            for login in made.values():
                conn.execute(f'drop role if exists "{login}"')


@pytest.fixture
def connect(logins):
    opened = []

    def open_as(name):
        conn = psycopg.connect(logins[name], autocommit=True)
        opened.append(conn)
        return conn

    yield open_as
    for conn in opened:
        conn.close()


def _relations(db, schema, partitions=None):
    """The schema's tables and views; with partitions=True only the partitions of its partitioned tables
    (in marts a partisi_periode model's months, macros/partisi_periode.sql, which nobody but the owner
    reads), with partitions=False none of them."""
    return [row[0] for row in db.execute(
        """select quote_ident(n.nspname) || '.' || quote_ident(c.relname) from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = %s and c.relkind in ('r', 'v', 'm', 'p')
             and c.relispartition = coalesce(%s, c.relispartition) order by 1""",
        (schema, partitions)).fetchall()]


def _with_instansi_kode(db, relation):
    return db.execute("select exists (select from pg_attribute where attrelid = %s::regclass "
                      "and attname = 'instansi_kode' and not attisdropped)", (relation,)).fetchone()[0]


def _count(conn, relation, where="true", args=()):
    return conn.execute(f"select count(*) from {relation} where {where}", args).fetchone()[0]


def _denied(conn, statement):
    """The statement is refused; were it not, what it wrote is rolled back (later tests read these tables)."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction(force_rollback=True):
        conn.execute(statement)


def check_publik(db, connect):
    publik = connect("publik")
    tables = _relations(db, "publik")
    assert tables, "no public table to read"
    for relation in tables:
        assert _count(publik, relation) == _count(db, relation), relation
    assert _count(db, "publik.pub_distribusi_predikat") > 0
    for schema in NOT_PUBLIC:
        relations = _relations(db, schema)
        assert relations or schema in ("staging", "intermediate"), schema
        for relation in relations:
            _denied(publik, f"select 1 from {relation} limit 1")


def _own(relation, kode):
    """The government's view of a marts table: instansi_<kode>.<table>."""
    return f"instansi_{kode}.{relation.split('.', 1)[1]}"


def check_instansi(db, connect):
    pauh, both = connect("pauh"), connect("pauh_jambi")
    for relation in INSTANSI_MARTS:
        own = _count(db, relation, "instansi_kode = 'PAUH'")
        assert own > 0, relation
        assert _count(db, relation, "instansi_kode <> 'PAUH'") > 0, relation  # there is something to hide
        assert _count(pauh, _own(relation, "pauh")) == own, relation
        assert _count(pauh, _own(relation, "pauh"), "instansi_kode <> 'PAUH'") == 0, relation
        # a login in two governments' roles sees both, and only them
        jambi = _count(db, relation, "instansi_kode = 'JAMBI'")
        assert jambi > 0, relation
        assert _count(both, _own(relation, "pauh")) + _count(both, _own(relation, "jambi")) == own + jambi, relation
        _denied(pauh, f"select 1 from {_own(relation, 'jambi')} limit 1")  # not another government's view
        _denied(pauh, f"select 1 from {relation} limit 1")  # nor the table itself
    for relation in _relations(db, "marts", partitions=True)[:3]:
        _denied(pauh, f"select 1 from {relation} limit 1")  # nor a month of a partitioned one
    # every marts table: its PAUH rows exactly, or, without instansi_kode, the calendar whole and nothing else
    for relation in _relations(db, "marts", partitions=False):
        own = _own(relation, "pauh")
        exists = db.execute("select to_regclass(%s) is not null", (own,)).fetchone()[0]
        if _with_instansi_kode(db, relation):
            assert _count(pauh, own) == _count(db, relation, "instansi_kode = 'PAUH'"), relation
            kodes = {row[0] for row in pauh.execute(f"select distinct instansi_kode from {own}").fetchall()}
            assert kodes <= {"PAUH"}, relation
        elif relation == "marts.dim_periode":
            assert _count(pauh, own) == _count(db, relation) > 0
        else:
            assert not exists, relation
    for schema in ("raw", "audit", "publik", "staging", "riwayat"):
        for relation in _relations(db, schema)[:3]:
            _denied(pauh, f"select 1 from {relation} limit 1")


def check_auditor(db, connect):
    auditor = connect("auditor")
    for schema in AUDITED:
        relations = _relations(db, schema, partitions=False if schema == "marts" else None)
        assert relations, schema
        for relation in relations:
            assert _count(auditor, relation) == _count(db, relation), relation  # every row, marts too
    for relation in _relations(db, "marts", partitions=True)[:3]:
        _denied(auditor, f"select 1 from {relation} limit 1")  # through the table only, as everybody
    assert _count(auditor, "marts.fct_evaluasi_kinerja") > _count(db, "marts.fct_evaluasi_kinerja",
                                                                  "instansi_kode = 'PAUH'")
    for statement in (
        "insert into raw.pegawai (_batch_id) values ('uji')",
        "update raw.pegawai set nip = nip where false",
        "delete from audit.batch_attempt where false",
        "insert into audit.quarantine_row select * from audit.quarantine_row where false",
        "truncate raw.rhk",
        "update marts.fct_evaluasi_kinerja set instansi_kode = instansi_kode where false",
        "delete from marts.mart_kurva_distribusi where false",
        "insert into publik.pub_distribusi_predikat select * from publik.pub_distribusi_predikat where false",
        "delete from aturan.kurva_distribusi where false",
        "delete from riwayat.snp_pegawai where false",
        "create table marts.uji_auditor (x int)",
        "create table raw.uji_auditor (x int)",
        "create table audit.uji_auditor (x int)",
        "create table public.uji_auditor (x int)",
        "create schema uji_auditor",
    ):
        _denied(auditor, statement)


def check_etl(db, connect):
    etl = connect("etl")
    with etl.transaction(force_rollback=True):
        etl.execute("""insert into raw.pegawai (_batch_id, _instansi_kode, _periode, _row)
                       values ('uji-etl', 'PAUH', '2026-10', 1)""")
        assert _count(etl, "raw.pegawai", "_batch_id = 'uji-etl'") == 1
    assert _count(db, "raw.pegawai", "_batch_id = 'uji-etl'") == 0
    # the ledger and raw are appended to, never changed (issue 17): the loader updates and deletes nothing
    for statement in ("update audit.batch_attempt set message = message where false",
                      "delete from audit.quarantine_row where false",
                      "update raw.pegawai set nip = nip where false",
                      "delete from raw.pegawai where false",
                      "create table raw.uji_etl (x int)"):
        _denied(etl, statement)
    for relation in ("marts.fct_evaluasi_kinerja", "publik.pub_distribusi_predikat"):
        _denied(etl, f"select 1 from {relation} limit 1")


def check_policies(db):
    """Every marts table has row-level security on, not forced (its owner, dbt, builds it), with the
    auditor's policy; those with instansi_kode the instansi readers' policy too."""
    for relation in _relations(db, "marts", partitions=False):
        enabled, forced = db.execute("select relrowsecurity, relforcerowsecurity from pg_class where oid = %s::regclass",
                                     (relation,)).fetchone()
        assert (enabled, forced) == (True, False), relation
        policies = {row[0] for row in db.execute("select polname from pg_policy where polrelid = %s::regclass",
                                                 (relation,)).fetchall()}
        assert "kinerja_auditor" in policies, relation
        if _with_instansi_kode(db, relation):
            assert "kinerja_instansi_sendiri" in policies, relation
    # a partitioned table's months: row-level security on and no privilege for anyone but the owner, so
    # the table's grants and policies are the only way to their rows
    partitions = _relations(db, "marts", partitions=True)
    assert "marts.fct_rhk_capaian__2026_10" in partitions, partitions
    for relation in partitions:
        enabled, acl = db.execute("select relrowsecurity, relacl::text from pg_class where oid = %s::regclass",
                                  (relation,)).fetchone()
        assert enabled and acl is None, (relation, enabled, acl)


def test_publik_reads_the_public_tables_and_nothing_else(db, connect):
    check_publik(db, connect)


def test_an_instansi_reader_sees_only_its_own_rows(db, connect):
    check_instansi(db, connect)


def test_the_auditor_reads_marts_audit_and_raw_and_writes_nothing(db, connect):
    check_auditor(db, connect)


def test_the_etl_role_writes_raw_and_audit(db, connect):
    check_etl(db, connect)


def test_every_mart_has_row_level_security(db):
    check_policies(db)


def test_the_access_log_shows_what_each_reader_ran(db, connect, logins):
    """Each reader's statements of this module are in `kinerja warehouse access-log`, with its login,
    and nothing of a login that is no reader's (the ETL's)."""
    from typer.testing import CliRunner

    from etl import access_log
    from etl.cli import app

    marker = f"uji_akses_{SUFFIX}"
    for name in ("publik", "auditor", "pauh"):
        connect(name).execute(f"select '{marker}_{name}' as tanda")
    connect("etl").execute(f"select '{marker}_etl' as tanda")
    runner = CliRunner()
    for name in ("publik", "auditor", "pauh"):
        login = f"uji_{name}_{SUFFIX}"
        shown = runner.invoke(app, ["warehouse", "access-log", "--login", login], terminal_width=10_000)
        assert shown.exit_code == 0, shown.output
        lines = [line.split("\t") for line in shown.output.splitlines() if line.count("\t") >= 3]
        assert any(f"{marker}_{name}" in line[3] for line in lines), shown.output[-2000:]
        assert {line[1] for line in lines} == {login}
    # what the earlier tests of this module ran as the readers is there too
    assert any("instansi_pauh.fct_evaluasi_kinerja" in r.statement
               for r in access_log.reads(login=f"uji_pauh_{SUFFIX}"))
    assert any("publik.pub_distribusi_predikat" in r.statement for r in access_log.reads(login=f"uji_publik_{SUFFIX}"))
    everything = access_log.reads()
    assert not any(f"{marker}_etl" in r.statement for r in everything)  # the loader is no reader
    refused = runner.invoke(app, ["warehouse", "access-log", "--login", f"uji_etl_{SUFFIX}"])
    assert refused.exit_code == 1 and "not a login of a reader role" in refused.output
    # nor can a reader stop it
    for name in ("publik", "pauh", "auditor"):
        reader = connect(name)
        _denied(reader, "set log_statement = 'none'")
        _denied(reader, f"alter role uji_{name}_{SUFFIX} set log_statement = 'none'")


def test_it_all_still_holds_after_dbt_rebuilds_the_marts(db, connect):
    from etl import pipeline

    def oids():
        return dict(db.execute("""select c.relname, c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                  where n.nspname in ('marts', 'publik') and c.relkind = 'r'""").fetchall())

    before = oids()
    pipeline.build("2026-10")
    after = oids()
    # the `table` models were built anew and swapped in: their old policies went with the old tables
    rebuilt = {name for name in before if after.get(name) != before[name]}
    assert {"dim_pegawai", "dim_unit_kerja", "dim_instansi", "mart_rekonsiliasi"} <= rebuilt, rebuilt
    check_policies(db)
    check_instansi(db, connect)
    check_publik(db, connect)
    check_auditor(db, connect)
