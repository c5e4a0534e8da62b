"""Least privilege in fact (issue 17): each role attacked with its own login, and the landing store's
retention. Every attempt here was an attack that worked before; each must now fail to do harm.

- The runtime role (kinerja_etl, the loader's login) creates nothing, updates and deletes nothing in
  the ledger or raw, cannot become the owner, and cannot turn the owner's swap function against
  history; a partition somebody else made ahead of time (with a trigger that would run in every
  load) is refused before it is attached, and the load says why.
- A government's reader learns nothing of another government's rows from plan estimates, and no
  reader sees table statistics; no login connects to a database it was not given.
- A landed complaint export older than the retention period is replaced by its redacted copy; the
  original's checksum stays in audit.batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from pathlib import Path

import psycopg
import pytest
from faultkit import PERIOD, database_name
from psycopg.conninfo import make_conninfo

pytestmark = pytest.mark.faults

SUFFIX = f"{os.getpid()}_{secrets.token_hex(3)}"
PASSWORD = secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def logins(clean_run):
    """name -> conninfo of a login of this module in the clean run's warehouse."""
    from etl import access

    url = clean_run.place.url
    wanted = {"etl": "kinerja_etl", "pauh": "instansi_pauh", "publik": "publik", "auditor": "auditor"}
    made = {}
    try:
        for name, role in wanted.items():
            login = f"uji_hak_{name}_{SUFFIX}"
            access.grant_login(role, login, password=PASSWORD, conninfo=url)
            made[name] = login
        yield {name: make_conninfo(url, user=login, password=PASSWORD) for name, login in made.items()}
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for login in made.values():
                conn.execute(f'drop owned by "{login}"')
                conn.execute(f'drop role if exists "{login}"')


def _refused(conn, statement, args=()):
    """The statement fails with the server's refusal; were it not, what it did is rolled back."""
    with pytest.raises(psycopg.Error) as caught, conn.transaction(force_rollback=True):
        conn.execute(statement, args)
    return caught.value


# --------------------------------------------------------------------------- the runtime role

def test_the_runtime_role_cannot_rewrite_the_ledger_or_raw_nor_create_anything(clean_run, logins):
    with psycopg.connect(clean_run.place.url, autocommit=True) as db, \
            psycopg.connect(logins["etl"], autocommit=True) as etl:
        batch, message = db.execute("select batch_id, message from audit.batch where status = 'loaded' "
                                    "and rows_quarantined > 0 limit 1").fetchone()
        before = {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("audit.quarantine_row", "audit.validation_result_row", "audit.batch_attempt",
                            "audit.delivery_expected", "audit.batch_judgement", "audit.notification",
                            "raw.evaluasi_periodik")}
        for statement in (
            "update audit.batch_attempt set message = 'ditulis ulang' where batch_id = %s",
            "delete from audit.quarantine_row where batch_id = %s",
            "delete from audit.validation_result_row where batch_id = %s",
            "update audit.batch_delivery set checksum_sha256 = 'x' where batch_id = %s",
            "delete from audit.batch_extraction where batch_id = %s",
            # the delivery calendar's record of what each government owed (etl/delivery_calendar.py)
            "update audit.delivery_expected set ada_kiriman = true where instansi_kode = (select instansi_kode "
            "from audit.batch where batch_id = %s)",
            "delete from audit.delivery_expected where instansi_kode = (select instansi_kode from audit.batch "
            "where batch_id = %s)",
            # whether GX judged a batch, and the monthly re-judge's verdicts (etl/load/sql/005_gx_judged.sql)
            "update audit.batch_judgement set judged = true, result = 'agreed' where batch_id = %s",
            "delete from audit.batch_judgement where batch_id = %s",
            # what was told, so that nothing is told twice (etl/load/sql/006_notification.sql)
            "delete from audit.notification where instansi_kode = (select instansi_kode from audit.batch "
            "where batch_id = %s)",
            "update raw.evaluasi_periodik set rating_hasil_kerja = 'DIATAS' where _batch_id = %s",
            "delete from raw.evaluasi_periodik where _batch_id = %s",
        ):
            error = _refused(etl, statement, (batch,))
            assert isinstance(error, psycopg.errors.InsufficientPrivilege), (statement, error)
        for statement in (
            "update audit.batch set message = 'x'",  # the view: not updatable, and not granted
            "truncate raw.evaluasi_periodik",
            "truncate audit.quarantine_row",
            "truncate audit.delivery_expected",
            "truncate audit.batch_judgement",
            "truncate audit.notification",
            "create table raw.uji_penyusup (x int)",
            "create table audit.uji_penyusup (x int)",
            "create table public.uji_penyusup (x int)",
            "create schema uji_penyusup",
            "create function audit.uji() returns int language sql as 'select 1'",
            "alter table raw.evaluasi_periodik enable row level security",
            "create trigger uji after insert on raw.evaluasi_periodik for each row execute function pg_catalog.now()",
            "set role kinerja_owner",
            "set role auditor",
            "set session authorization kinerja_owner",
            # a loaded attempt is the owner's function's to write, never the runtime's
            "insert into audit.batch_attempt (batch_id, attempt, status, rows_received, rows_loaded, rows_quarantined) "
            "values (%s, 1, 'loaded', 0, 0, 0)",
        ):
            args = (batch,) if "%s" in statement else ()
            _refused(etl, statement, args)
        after = {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in before}
        assert after == before
        assert db.execute("select message from audit.batch where batch_id = %s", (batch,)).fetchone()[0] == message


def test_the_swap_function_refuses_what_was_not_written(clean_run, logins):
    """audit.record_load, the owner's, is the runtime's only way to remove raw rows: it must check
    everything it is told (hostile arguments), and its search_path cannot be turned."""
    with psycopg.connect(clean_run.place.url, autocommit=True) as db, \
            psycopg.connect(logins["etl"], autocommit=True) as etl:
        batch, agency, received, loaded, quarantined = db.execute(
            """select batch_id, instansi_kode, rows_received, rows_loaded, rows_quarantined from audit.batch
               where is_current and entity = 'evaluasi_periodik' and periode = %s and rows_loaded > 0 limit 1""",
            (PERIOD,)).fetchone()
        rows = db.execute("select count(*) from raw.evaluasi_periodik where _periode = %s and _instansi_kode = %s",
                          (PERIOD, agency)).fetchone()[0]
        assert rows == loaded > 0
        call = ("select audit.record_load(%s::bigint, %s::text, %s::bigint, %s::bigint, %s::bigint, null::numeric, "
                "null::numeric)")
        fresh = lambda: etl.execute("select nextval(pg_get_serial_sequence('audit.batch_attempt', 'id'))"  # noqa: E731
                                    ).fetchone()[0]
        used = db.execute("select max(id) from audit.batch_attempt").fetchone()[0]
        attacks = {
            "no such batch": (fresh(), "tidak-ada", 0, 0, 0),
            "the batch replayed empty, to wipe the period": (fresh(), batch, 0, 0, 0),
            "rows announced that were not written": (fresh(), batch, received, loaded, quarantined),
            "received is not loaded + quarantined": (fresh(), batch, received + 1, loaded, quarantined),
            "an attempt already recorded": (used, batch, received, loaded, quarantined),
        }
        for what, args in attacks.items():
            error = _refused(etl, call, args)
            assert isinstance(error, psycopg.errors.RaiseException), (what, error)
        # a batch naming a hostile table: the runtime may append a delivery, the function names no table from it
        with etl.transaction(force_rollback=True):
            etl.execute("""insert into audit.batch_delivery (batch_id, instansi_kode, entity, periode, source_kind,
                               source_file, landing_path, checksum_sha256) values
                           ('uji-jahat', %s, 'evaluasi_periodik; drop table raw.rhk', %s, 'x', 'x', 'x', 'x')""",
                        (agency, PERIOD))
            with pytest.raises(psycopg.errors.RaiseException, match="names no raw table"):
                with etl.transaction():
                    etl.execute(call, (fresh(), "uji-jahat", 0, 0, 0))
        # a temporary table shadowing the ledger's name changes nothing: the function names its schema
        with etl.transaction(force_rollback=True):
            etl.execute("create temp table batch_delivery (batch_id text, instansi_kode text, entity text, "
                        "periode text)")
            etl.execute("insert into batch_delivery values (%s, %s, 'evaluasi_periodik', %s)", (batch, agency, PERIOD))
            with pytest.raises(psycopg.errors.RaiseException):
                with etl.transaction():
                    etl.execute(call, (fresh(), batch, 0, 0, 0))
        assert db.execute("select count(*) from raw.evaluasi_periodik where _periode = %s and _instansi_kode = %s",
                          (PERIOD, agency)).fetchone()[0] == rows
        assert db.execute("select rows_loaded, is_current from audit.batch where batch_id = %s",
                          (batch,)).fetchone() == (loaded, True)
        # nobody but the runtime may call it
        with psycopg.connect(logins["auditor"], autocommit=True) as auditor:
            assert isinstance(_refused(auditor, call, (fresh(), batch, 0, 0, 0)), psycopg.errors.InsufficientPrivilege)


def test_a_partition_made_ahead_of_time_with_a_trigger_is_refused(places, demo_world):
    """The attack of issue 17: a login that could create in raw made next month's partition ahead of
    time, with a trigger that would run as the loading user on every row. The load refuses to
    attach it and says why; the trigger never runs; the month loads once the table is gone."""
    from etl import load, pipeline, warehouse

    place = places("hak_partisi")
    intruder = f"uji_penyusup_{SUFFIX}"
    with place.active():
        with warehouse.transaction() as owner:
            load.ensure_schema(owner)
        with psycopg.connect(place.url, autocommit=True) as db:
            db.execute(f'create role "{intruder}" login password %s'.replace("%s", f"'{PASSWORD}'"))
            # what kinerja_etl had before: create on raw, and reading it (granted here to a login of the test's own)
            db.execute(f'grant connect on database "{database_name(place.url)}" to "{intruder}"')
            db.execute(f'grant usage, create on schema raw to "{intruder}"')
            db.execute(f'grant select on raw.evaluasi_periodik to "{intruder}"')
            db.execute(f'create schema jejak authorization "{intruder}"')
        try:
            with psycopg.connect(make_conninfo(place.url, user=intruder, password=PASSWORD), autocommit=True) as bad:
                bad.execute("create table jejak.dijalankan (siapa text, kapan timestamptz default now())")
                bad.execute("grant insert on jejak.dijalankan to public")
                bad.execute("""create function jejak.tangkap() returns trigger language plpgsql as $$
                               begin insert into jejak.dijalankan (siapa) values (current_user); return new; end $$""")
                bad.execute("""create table raw.evaluasi_periodik__2026_10 (like raw.evaluasi_periodik)
                               partition by hash (_instansi_kode)""")
                for remainder in range(load.HASH_PARTITIONS):
                    bad.execute(f"""create table raw.evaluasi_periodik__2026_10__h{remainder:02d} partition of
                                    raw.evaluasi_periodik__2026_10 for values with (modulus {load.HASH_PARTITIONS},
                                    remainder {remainder})""")
                bad.execute("""create trigger tangkap before insert on raw.evaluasi_periodik__2026_10
                               for each row execute function jejak.tangkap()""")
            with pytest.raises(load.ForeignPartition) as refused:
                pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
            said = str(refused.value)
            assert "refusing to attach raw.evaluasi_periodik__2026_10" in said
            assert "trigger tangkap" in said and f"owned by {intruder}" in said, said
            with psycopg.connect(place.url, autocommit=True) as db:
                assert db.execute("select count(*) from jejak.dijalankan").fetchone()[0] == 0
                assert db.execute("""select count(*) from pg_inherits
                                     where inhrelid = 'raw.evaluasi_periodik__2026_10'::regclass""").fetchone()[0] == 0
                # an owner's table with a trigger of its own is refused all the same
                db.execute("drop table raw.evaluasi_periodik__2026_10")
                db.execute("set role kinerja_owner")
                db.execute("""create table raw.evaluasi_periodik__2026_10 (like raw.evaluasi_periodik)
                              partition by hash (_instansi_kode)""")
                db.execute("""create rule diam as on insert to raw.evaluasi_periodik__2026_10 do instead nothing""")
                db.execute("reset role")
            with pytest.raises(load.ForeignPartition, match="rule diam"):
                pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
            with psycopg.connect(place.url, autocommit=True) as db:
                db.execute("drop table raw.evaluasi_periodik__2026_10")
            loaded = pipeline.load(pipeline.validate(pipeline.extract("PAUH", "2026-10")))
            assert {s["status"] for s in loaded} == {"loaded"}
            with psycopg.connect(place.url, autocommit=True) as db:
                assert db.execute("select count(*) from jejak.dijalankan").fetchone()[0] == 0
                owners = {r[0] for r in db.execute(
                    """select pg_get_userbyid(c.relowner) from pg_partition_tree('raw.evaluasi_periodik') t
                       join pg_class c on c.oid = t.relid""").fetchall()}
                assert owners == {"kinerja_owner"}
        finally:
            with psycopg.connect(place.url, autocommit=True) as db:
                db.execute("drop schema if exists jejak cascade")
                db.execute(f'drop owned by "{intruder}"')
                db.execute(f'drop role if exists "{intruder}"')


# --------------------------------------------------------------------------- the readers

def _estimate(conn, query: str) -> int:
    plan = conn.execute(f"explain (format json) {query}").fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


def test_an_instansi_reader_learns_no_other_governments_count_from_the_planner(clean_run, logins):
    with psycopg.connect(clean_run.place.url, autocommit=True) as db, \
            psycopg.connect(logins["pauh"], autocommit=True) as pauh:
        jambi = db.execute("select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = 'JAMBI'").fetchone()[0]
        own = db.execute("select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = 'PAUH'").fetchone()[0]
        assert jambi > 1 and own > 0
        # what the attack of issue 17 read: the marts table itself is not PAUH's to plan on
        assert isinstance(_refused(pauh, "explain select * from marts.fct_evaluasi_kinerja where instansi_kode = 'JAMBI'"),
                          psycopg.errors.InsufficientPrivilege)
        view = "instansi_pauh.fct_evaluasi_kinerja"
        assert _estimate(pauh, f"select * from {view} where instansi_kode = 'JAMBI'") <= 1 < jambi
        assert pauh.execute(f"select count(*) from {view} where instansi_kode = 'JAMBI'").fetchone()[0] == 0
        # guessing a name of another government: the estimate says no more than for a name nobody has
        name, times = db.execute("""select nama, count(*) from marts.dim_pegawai where instansi_kode = 'JAMBI'
                                    group by 1 order by 2 desc, 1 limit 1""").fetchone()
        guessed = _estimate(pauh, "select * from instansi_pauh.dim_pegawai where nama = %s" % _literal(db, name))
        invented = _estimate(pauh, "select * from instansi_pauh.dim_pegawai where nama = 'Tidak Ada Orangnya Xq'")
        assert guessed == invented, (name, times, guessed, invented)


def _literal(db, value: str) -> str:
    return db.execute("select quote_literal(%s)", (value,)).fetchone()[0]


def test_no_reader_sees_table_statistics_or_sizes(clean_run, logins):
    for name in ("publik", "pauh", "auditor"):
        with psycopg.connect(logins[name], autocommit=True) as reader:
            for statement in ("select relname, n_live_tup, n_tup_ins from pg_stat_user_tables",
                              "select * from pg_stat_all_tables", "select * from pg_statio_user_tables",
                              "select reltuples, relpages from pg_class where relname = 'evaluasi_periodik__2026_09'",
                              "select pg_relation_size('raw.evaluasi_periodik__2026_09__h00'::regclass)",
                              "select pg_total_relation_size('marts.fct_evaluasi_kinerja'::regclass)",
                              "select pg_stat_get_live_tuples('raw.evaluasi_periodik__2026_09__h00'::regclass)",
                              # given back to the owner alone, for dbt's statistics post-hook
                              "select pg_stat_get_mod_since_analyze('raw.evaluasi_periodik__2026_09__h00'::regclass)",
                              "select pg_stat_get_xact_tuples_inserted('marts.fct_evaluasi_kinerja'::regclass)"):
                error = _refused(reader, statement)
                assert isinstance(error, psycopg.errors.InsufficientPrivilege), (name, statement, error)
            # what clients need of the catalog still works
            assert reader.execute("select count(*) from pg_class where relname = 'pub_kepatuhan'").fetchone()[0] >= 1


def test_no_login_connects_to_a_database_it_was_not_given(clean_run, logins):
    """After a bootstrap no database of the server lets PUBLIC connect: a login reaches the databases
    its role was granted (the project's warehouses on this server: the roles are cluster-wide) and no
    other — not postgres, not a government's application database."""
    from etl import warehouse

    warehouse.bootstrap(clean_run.place.url)
    with psycopg.connect(clean_run.place.url, autocommit=True) as db:
        assert db.execute("select datname from pg_database where datallowconn "
                          "and has_database_privilege('public', datname, 'CONNECT')").fetchall() == []
        others = [r[0] for r in db.execute("select datname from pg_database where datallowconn "
                                           "and datname <> current_database()").fetchall()]
        groups = {"publik": "publik", "pauh": "instansi_pauh", "etl": "kinerja_etl", "auditor": "auditor"}
        allowed = {(name, database) for name in groups for database in others if db.execute(
            "select has_database_privilege(%s, %s, 'CONNECT')", (groups[name], database)).fetchone()[0]}
    refused = [d for d in others if not any((n, d) in allowed for n in groups)]
    assert "postgres" in refused and any(d.startswith("jambi_") for d in refused), refused
    for name in groups:
        for database in others:
            if (name, database) in allowed:
                continue
            with pytest.raises(psycopg.OperationalError, match="CONNECT privilege|permission denied"), \
                    _saying(name, database):
                psycopg.connect(make_conninfo(logins[name], dbname=database)).close()


# --------------------------------------------------------------------------- the landing store

def test_a_complaint_export_past_its_retention_is_redacted_and_its_checksum_kept(places, demo_world):
    """WANGGAR's complaint export names each complainant and his telephone, which the mapping never
    reads. Older than the retention period, the landed file becomes its redacted copy: no name, no
    telephone; the same rows read from it; the original's checksum still in audit.batch and its
    .sha256, the copy's beside it; a later extraction keeps the copy."""
    from typer.testing import CliRunner

    from etl import pipeline
    from etl.cli import app
    from etl.config import find_agency
    from etl.sources import json_export

    place = places("simpan")
    with place.active():
        landed = next(b for b in pipeline.extract("WANGGAR", PERIOD) if b["entity"] == "pengaduan")
        path = Path(landed["path"])
        original = path.read_bytes()
        complainants = [r["pelapor"] for r in json.loads(original) if r.get("pelapor")]
        assert complainants and all(p["nama"] and p["telepon"] for p in complainants)
        # readable by the pipeline's user and group only
        assert stat.S_IMODE(path.stat().st_mode) == 0o440
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o750
        agency = find_agency("WANGGAR")
        source = agency.source_for("pengaduan")
        rows_before = [f for f in json_export.read(agency, source, "pengaduan", path)]
        runner = CliRunner()
        young = runner.invoke(app, ["retention"])
        assert young.exit_code == 0 and "0 landed file(s) redacted" in young.output, young.output
        with psycopg.connect(place.url, autocommit=True) as db:  # the delivery landed 91 days ago
            db.execute("update audit.batch_delivery set received_at = received_at - interval '91 days' "
                       "where batch_id = %s", (landed["batch_id"],))
        done = runner.invoke(app, ["retention"])
        assert done.exit_code == 0 and "1 landed file(s) redacted" in done.output, done.output
        redacted = path.read_bytes()
        for person in complainants:
            assert person["nama"].encode() not in redacted and person["telepon"].encode() not in redacted
        assert stat.S_IMODE(path.stat().st_mode) == 0o440
        rows_after = [f for f in json_export.read(agency, source, "pengaduan", path)]
        assert len(rows_after) == len(rows_before)
        assert all(a.equals(b) for a, b in zip(rows_after, rows_before))  # the mapping never read them
        sha = hashlib.sha256(original).hexdigest()
        assert (path.parent / f"{path.name}.sha256").read_text().split()[0] == sha
        note = json.loads((path.parent / f"{path.name}.redacted").read_text())
        assert note["original_sha256"] == sha and note["redacted_sha256"] == hashlib.sha256(redacted).hexdigest()
        with psycopg.connect(place.url, autocommit=True) as db:
            assert db.execute("select checksum_sha256 from audit.batch where batch_id = %s",
                              (landed["batch_id"],)).fetchone()[0] == sha
            recorded = db.execute("select original_sha256, redacted_sha256, fields, retention_days from audit.redaction "
                                  "where batch_id = %s", (landed["batch_id"],)).fetchall()
        assert recorded == [(sha, note["redacted_sha256"], "pelapor.nama,pelapor.telepon", 90)]
        # the next extraction of the same delivery keeps the redacted copy, and redacts nothing twice
        again = next(b for b in pipeline.extract("WANGGAR", PERIOD) if b["entity"] == "pengaduan")
        assert again["batch_id"] == landed["batch_id"] and path.read_bytes() == redacted
        assert runner.invoke(app, ["retention"]).output.strip().endswith("(retention 90 days)")
        with psycopg.connect(place.url, autocommit=True) as db:
            assert db.execute("select count(*) from audit.redaction").fetchone()[0] == 1


class _saying:
    """Names the login and database when the block fails (pytest.raises says only DID NOT RAISE)."""

    def __init__(self, *what):
        self.what = what

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        if kind is None:
            raise AssertionError(f"connected: {self.what}")
        return False
