"""What the fault suite needs to break runs from the outside and to judge what they leave.

- Place: a warehouse of its own (a fresh database on the test server, or any URL) with its own
  landing store, open-data folder, dbt target folder and local state, as environment variables
  for a `kinerja` subprocess or for an in-process run.
- KinerjaProcess: `kinerja …` in a process group of its own, watched from outside and killed with
  SIGKILL at the moment a condition becomes true.
- LoadProbe: holds a load's write to raw at its third row, inside the load's transaction, with a
  trigger of the test's own waiting on an advisory lock the test holds (schema fault_probe, dropped
  afterwards: no product code knows about it).
- PublikLocks: holds every publik table so that a publication waits on its reads, and lets it read
  some of them: it is then caught with part of its package written.
- fingerprint / assert_same_warehouse: a checksum of every table and view, with the bookkeeping
  columns that legitimately differ between two runs compared only by whether they are set
  (VOLATILE, docs/reliability.md).
- assert_consistent: what must hold in a warehouse at any moment, even right after a kill.
- package_files / landing_files: what readers find in open-data/<period>/ and in the landing store.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

PROJECT_DIR = Path(__file__).resolve().parents[2]
# the month the scenarios consolidate: a quarter's last month, so LAMPUNG's API delivers its quarterly
# evaluations and every government, every kind of source, takes part
PERIOD = "2026-09"
KINERJA = str(Path(sys.executable).with_name("kinerja"))

# --------------------------------------------------------------------------- what may differ

# Bookkeeping that records *when* and *how often* something happened, not *what* the warehouse
# holds: two runs that end alike differ here, so these columns are compared only by whether they
# are set (null or not), never by value. Every other column of every table and view is compared
# byte for byte. docs/reliability.md explains each.
VOLATILE: dict[str, tuple[str, ...]] = {
    # the month's re-judge samples the deliveries in force when it runs: a rerun, a killed run or a
    # re-delivery may have re-judged others before (audit.batch_judgement, kind 'rejudge')
    "audit.batch": ("attempts", "first_received_at", "extracted_at", "validated_at", "loaded_at",
                    "extract_seconds", "validate_seconds", "load_seconds", "gx_rejudge_result", "gx_rejudged_at"),
    "audit.batch_judgement": ("id", "attempt_id", "at"),
    # the append-only ledger under audit.batch: the moments, durations and sequence numbers
    "audit.batch_delivery": ("received_at",),
    "audit.batch_extraction": ("id", "at", "extract_seconds"),
    "audit.batch_attempt": ("id", "attempt", "at", "validate_seconds", "load_seconds"),
    "audit.quarantine_row": ("attempt_id",),
    "audit.validation_result_row": ("attempt_id",),
    "audit.instansi_versi": ("id", "at"),
    "audit.redaction": ("id", "at"),
    "audit.instansi": ("updated_at",),
    "staging.stg_audit__batch": ("attempts", "first_received_at", "loaded_at", "extract_seconds",
                                 "validate_seconds", "load_seconds", "gx_rejudge_result", "gx_rejudged_at"),
    "staging.stg_audit__instansi": ("updated_at",),
    "marts.mart_rekonsiliasi": ("attempts", "first_received_at", "loaded_at", "detik_total", "gx_rejudge_result",
                                "gx_rejudged_at"),
    # dbt's snapshot bookkeeping (the times of the runs that saw a version), and the dimensions'
    # copies of it
    "riwayat.snp_pegawai": ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to"),
    "riwayat.snp_unit_kerja": ("dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to"),
    "marts.dim_pegawai": ("dicatat_pada", "diganti_pada"),
    "marts.dim_unit_kerja": ("dicatat_pada", "diganti_pada"),
    # the delivery calendar: each run's record of what was owed, and when deliveries were received
    "audit.delivery_expected": ("id", "at"),
    "staging.stg_audit__delivery_expected": ("catatan_id", "dicatat_pada"),
    "marts.mart_kalender_kiriman": ("diterima_pertama", "diterima_terakhir"),
}
# the ledger gains a row per extraction and per attempt, so a run that was killed and rerun has more
# of them: each batch's last extraction and last attempt are compared
LAST_ATTEMPT_ONLY = {"audit.batch_attempt": ("batch_id", "id"), "audit.batch_extraction": ("batch_id", "id"),
                     # whether GX judged each batch's latest validation (the re-judge's rows: ONLY_ROWS)
                     "audit.batch_judgement": ("batch_id", "id"),
                     # each run records what every government owed: the last record of each is compared
                     "audit.delivery_expected": (("instansi_kode", "entity", "periode"), "id"),
                     "staging.stg_audit__delivery_expected": (("instansi_kode", "entity", "periode"), "catatan_id")}
# the quarantined rows and rule counts of every attempt: those of each batch's load in force are
# compared (what audit.quarantine and audit.validation_result show); a rerun's reload adds a copy
STANDING_ONLY = ("audit.quarantine_row", "audit.validation_result_row")
# rows compared of a relation, the others being the run history's: the re-judge's verdicts depend on
# which deliveries were in force each time it ran (audit.batch's re-judge columns are VOLATILE above)
ONLY_ROWS = {"audit.batch_judgement": "kind = 'validation'"}
# where a warehouse's landing store is: compared relative to it
LANDING_COLUMNS = ("landing_path",)


# --------------------------------------------------------------------------- places

@dataclass
class Place:
    """A warehouse and the folders of its runs."""

    label: str
    url: str
    root: Path
    extra: dict = field(default_factory=dict)

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def open_data(self) -> Path:
        return self.root / "open-data"

    @property
    def home(self) -> Path:
        return self.root / "home"

    def variables(self) -> dict[str, str]:
        return {
            "KINERJA_WAREHOUSE_URL": self.url,
            "KINERJA_LANDING_DIR": str(self.landing),
            "KINERJA_OPEN_DATA_DIR": str(self.open_data),
            "KINERJA_DBT_TARGET_DIR": str(self.root / "dbt-target"),
            "KINERJA_HOME": str(self.home),
            # a failing task fails at once (the tests that want Airflow's retries set them)
            "KINERJA_TASK_RETRIES": "0",
            **self.extra,
        }

    def environ(self) -> dict[str, str]:
        return {**os.environ, **self.variables()}

    @contextlib.contextmanager
    def active(self, **more: str):
        """This place's variables in os.environ (for in-process runs), restored afterwards."""
        wanted = {**self.variables(), **more}
        saved = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)
        try:
            yield self
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)


def database_name(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


# --------------------------------------------------------------------------- processes

class KinerjaProcess:
    """`kinerja <args>` for a place, in a process group of its own (so that SIGKILL takes any
    worker it forked along), with its output in a file under the place's root."""

    def __init__(self, place: Place, *args: str, env: dict | None = None):
        self.place, self.args = place, args
        place.root.mkdir(parents=True, exist_ok=True)
        self.output = place.root / f"kinerja-{'-'.join(args[:1])}-{time.monotonic_ns()}.out"
        self.started = time.time()
        with open(self.output, "wb") as out:
            self.process = subprocess.Popen([KINERJA, *args], env=env or place.environ(), cwd=PROJECT_DIR,
                                            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)

    def tail(self, lines: int = 15) -> str:
        text = self.output.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return "\n".join(text[-lines:])

    def wait_until(self, what: str, condition, timeout: float = 180, every: float = 0.005):
        """Poll `condition` until it returns something true (returned); fail if the process ends or
        the time runs out first."""
        deadline = time.monotonic() + timeout
        while True:
            found = condition()
            if found:
                return found
            if self.process.poll() is not None:
                raise AssertionError(f"`kinerja {' '.join(self.args)}` ended (exit {self.process.returncode}) "
                                     f"before {what}:\n{self.tail()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"`kinerja {' '.join(self.args)}` did not reach {what} within {timeout:.0f} s")
            time.sleep(every)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no handler runs, nothing is cleaned up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def finish(self, timeout: float = 600) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"`kinerja {' '.join(self.args)}` did not end within {timeout:.0f} s") from None


def others(conn: psycopg.Connection, database: str, besides: tuple[int, ...] = ()) -> list[tuple]:
    """(pid, state, wait event, query) of every other session on the database (but `besides`)."""
    return conn.execute(
        """select pid, state, wait_event_type || ':' || wait_event, left(query, 300), application_name
           from pg_stat_activity where datname = %s and pid <> pg_backend_pid() and backend_type = 'client backend'
             and pid <> all(%s)""",
        (database, list(besides))).fetchall()


def wait_for_no_sessions(conn: psycopg.Connection, database: str, besides: tuple[int, ...] = (),
                         timeout: float = 60) -> None:
    """The killed client's sessions end once their server processes notice it is gone."""
    deadline = time.monotonic() + timeout
    while others(conn, database, besides):
        if time.monotonic() > deadline:
            raise AssertionError(f"sessions of a killed run are still open: {others(conn, database, besides)}")
        time.sleep(0.05)


def active_query(conn: psycopg.Connection, database: str, pattern: str) -> str | None:
    """The text of an active statement on the database matching the (case-insensitive) regex."""
    row = conn.execute(
        """select query from pg_stat_activity where datname = %s and pid <> pg_backend_pid()
           and state = 'active' and query ~* %s limit 1""", (database, pattern)).fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- holding a load

class LoadProbe:
    """Holds the first load that writes a third row into a raw table, inside its transaction.

    A trigger of the test's own (schema fault_probe) on every raw table counts the rows its
    transaction inserts and, at the third, waits for a shared advisory lock that this probe holds
    exclusively: the load is then seen in pg_stat_activity as a COPY waiting on an advisory lock,
    with rows already written and not committed."""

    KEY = 880_808

    def __init__(self, place: Place):
        self.place = place
        self.conn = place.connect()
        self.pid = self.conn.info.backend_pid

    def tables_exist(self) -> bool:
        return self.conn.execute("select count(*) from pg_tables where schemaname = 'raw'").fetchone()[0] >= 7

    def arm(self) -> None:
        self.conn.execute(f"select pg_advisory_lock({self.KEY})")
        self.conn.execute("create schema if not exists fault_probe")
        self.conn.execute(f"""
            create or replace function fault_probe.hold() returns trigger language plpgsql as $$
            declare seen integer := coalesce(nullif(current_setting('fault_probe.rows', true), ''), '0')::integer + 1;
            begin
                perform set_config('fault_probe.rows', seen::text, true);
                if seen = 3 then perform pg_advisory_xact_lock_shared({self.KEY}); end if;
                return new;
            end $$""")
        for (table,) in self.conn.execute("select tablename from pg_tables where schemaname = 'raw'").fetchall():
            self.conn.execute(sql.SQL("create trigger fault_probe_hold before insert on {} for each row "
                                      "execute function fault_probe.hold()").format(sql.Identifier("raw", table)))

    def holding(self) -> str | None:
        """The statement held at its third row, if any."""
        row = self.conn.execute(
            """select a.query from pg_stat_activity a join pg_locks l on l.pid = a.pid
               where a.datname = current_database() and l.locktype = 'advisory' and not l.granted
                 and l.objid = %s""", (self.KEY,)).fetchone()
        return row[0] if row else None

    def release(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.conn.execute("select pg_advisory_unlock_all()")

    def disarm(self) -> None:
        self.release()
        self.conn.execute("drop schema if exists fault_probe cascade")
        self.conn.close()


# --------------------------------------------------------------------------- holding a publication

class PublikLocks:
    """Every table of schema publik locked by a transaction of its own, so a publication's reads
    wait; `let_through` ends the lock of the table a reader waits for."""

    def __init__(self, place: Place):
        self.place = place
        self.locks: dict[int, psycopg.Connection] = {}
        with place.connect() as conn:
            tables = conn.execute("select c.oid, n.nspname, c.relname from pg_class c join pg_namespace n "
                                  "on n.oid = c.relnamespace where n.nspname = 'publik' and c.relkind = 'r'").fetchall()
        for oid, schema, name in tables:
            conn = psycopg.connect(place.url)
            conn.execute(sql.SQL("lock table {} in access exclusive mode").format(sql.Identifier(schema, name)))
            self.locks[oid] = conn
        self.watch = place.connect()
        self.pids = (self.watch.info.backend_pid, *(c.info.backend_pid for c in self.locks.values()))

    def waited_for(self) -> list[int]:
        """The locked tables some other session waits for."""
        rows = self.watch.execute("select distinct relation from pg_locks where not granted and relation = any(%s)",
                                  (list(self.locks),)).fetchall()
        return [r[0] for r in rows]

    def let_through(self, oid: int) -> None:
        self.locks.pop(oid).rollback()

    def release(self) -> None:
        for conn in self.locks.values():
            with contextlib.suppress(psycopg.Error):
                conn.close()
        self.locks.clear()
        self.watch.close()


# --------------------------------------------------------------------------- the warehouse's state

def _relations(conn: psycopg.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        """select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where c.relkind in ('r', 'p', 'v', 'm') and n.nspname not in ('pg_catalog', 'information_schema')
             and n.nspname not like 'pg_%%' order by 1, 2""").fetchall()


def _columns(conn: psycopg.Connection, schema: str, name: str) -> list[str]:
    return [r[0] for r in conn.execute(
        """select attname from pg_attribute where attrelid = (quote_ident(%s) || '.' || quote_ident(%s))::regclass
           and attnum > 0 and not attisdropped order by attnum""", (schema, name)).fetchall()]


def fingerprint(place: Place, leave_out_batches: tuple[str, ...] = ()) -> dict[str, tuple[int, str]]:
    """relation -> (rows, checksum of its rows as a multiset), for every table and view; rows of
    the batches `leave_out_batches` (in any relation with a batch_id column) are left out."""
    landing_root = str(place.landing.resolve())
    found = {}
    with place.connect() as conn:
        for schema, name in _relations(conn):
            relation = f"{schema}.{name}"
            volatile = set(VOLATILE.get(relation, ()))
            if schema.startswith("instansi_"):  # a government's view of a marts table copies its columns
                volatile |= set(VOLATILE.get(f"marts.{name}", ()))
            columns = _columns(conn, schema, name)
            parts = []
            for column in columns:
                ident = sql.SQL("t.{}").format(sql.Identifier(column))
                if column in volatile:
                    parts.append(sql.SQL("({} is null)").format(ident))
                elif column in LANDING_COLUMNS:
                    parts.append(sql.SQL("replace({}, {}, '<landing>')").format(ident, sql.Literal(landing_root)))
                else:
                    parts.append(ident)
            source = sql.Identifier(schema, name)
            if "batch_id" in columns and leave_out_batches:
                source = sql.SQL("(select * from {} where batch_id <> all({}))").format(
                    source, sql.Literal(list(leave_out_batches)))
            if relation in ONLY_ROWS:
                source = sql.SQL("(select * from {} s where {})").format(source, sql.SQL(ONLY_ROWS[relation]))
            if relation in STANDING_ONLY:
                source = sql.SQL("(select * from {} s where s.attempt_id in (select distinct on (batch_id) id "
                                 "from audit.batch_attempt where status = 'loaded' order by batch_id, id desc))"
                                 ).format(source)
            if relation in LAST_ATTEMPT_ONLY:
                key, order = LAST_ATTEMPT_ONLY[relation]
                key = sql.SQL(", ").join(map(sql.Identifier, (key,) if isinstance(key, str) else key))
                source = sql.SQL("(select distinct on ({k}) * from {r} s order by {k}, {o} desc)").format(
                    k=key, r=source, o=sql.Identifier(order))
            query = sql.SQL("select count(*), coalesce(md5(string_agg(h, '' order by h)), '') from "
                            "(select md5(row({cols})::text) as h from {source} t) rows").format(
                cols=sql.SQL(", ").join(parts), source=source)
            found[relation] = tuple(conn.execute(query).fetchone())
    return found


def differences(got: dict, want: dict) -> list[str]:
    lines = []
    for relation in sorted(set(got) | set(want)):
        if relation not in got:
            lines.append(f"{relation}: missing")
        elif relation not in want:
            lines.append(f"{relation}: not in the clean run's warehouse")
        elif got[relation] != want[relation]:
            lines.append(f"{relation}: {got[relation][0]} rows, the clean run {want[relation][0]}"
                         + (" (same count, other content)" if got[relation][0] == want[relation][0] else ""))
    return lines


def assert_same_warehouse(place: Place, clean: dict) -> dict:
    got = fingerprint(place)
    diff = differences(got, clean)
    assert not diff, f"{place.label} differs from the clean run in {len(diff)} relation(s):\n" + "\n".join(diff)
    return got


ENTITIES = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi", "skm_responden",
            "skm_populasi", "pengaduan", "transaksi_layanan", "iku", "pelatihan")


def assert_consistent(place: Place) -> None:
    """What holds at any moment, also right after a kill: every loaded batch balances, raw holds
    exactly the rows of the current loaded batch of each (agency, entity, period) — no row of a
    batch that was not committed, none twice — and the quarantine holds the rest."""
    with place.connect() as conn:
        if conn.execute("select to_regclass('audit.batch')").fetchone()[0] is None:
            return  # killed before the warehouse had its schema: nothing written
        unbalanced = conn.execute("""select batch_id from audit.batch where status = 'loaded'
                                     and rows_received <> rows_loaded + rows_quarantined""").fetchall()
        assert not unbalanced, unbalanced
        for entity in ENTITIES:
            table = sql.Identifier("raw", entity)
            if conn.execute("select to_regclass(%s)", (f"raw.{entity}",)).fetchone()[0] is None:
                continue
            rows = conn.execute(sql.SQL(
                """select r._batch_id, r._instansi_kode, r._periode, count(*), count(distinct r._row),
                          b.status, b.is_current, b.rows_loaded, b.entity, b.instansi_kode, b.periode
                   from {} r left join audit.batch b on b.batch_id = r._batch_id
                   group by r._batch_id, r._instansi_kode, r._periode, b.batch_id, b.status, b.is_current, b.rows_loaded,
                            b.entity, b.instansi_kode, b.periode""").format(table)).fetchall()
            scopes = set()
            for batch, agency, period, count, distinct, status, current, loaded, b_entity, b_agency, b_period in rows:
                where = f"raw.{entity} batch {batch} ({agency} {period})"
                assert status == "loaded" and current, f"{where}: rows of a batch that is {status}, current {current}"
                assert (b_entity, b_agency, b_period) == (entity, agency, period), where
                assert count == distinct == loaded, f"{where}: {count} rows ({distinct} distinct), loaded {loaded}"
                assert (agency, period) not in scopes, f"{where}: two batches for one period"
                scopes.add((agency, period))
        missing = conn.execute(
            """select b.batch_id from audit.batch b where b.status = 'loaded' and b.is_current and b.rows_quarantined
               <> (select count(*) from audit.quarantine q where q.batch_id = b.batch_id)""").fetchall()
        assert not missing, f"batches whose quarantine does not hold rows_quarantined rows: {missing}"


# --------------------------------------------------------------------------- files

def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_files(place: Place, period: str) -> dict[str, str] | None:
    """name -> sha256 of what readers find in open-data/<period>/ (None: nothing there), after
    checking that it is a whole package: SHA256SUMS lists every other file, each with its checksum."""
    folder = place.open_data / period
    if not folder.exists():
        return None
    files = {p.name: _sha256(p) for p in folder.iterdir()}
    assert "SHA256SUMS" in files, f"open-data/{period} has no SHA256SUMS: {sorted(files)}"
    listed = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert listed == {n: d for n, d in files.items() if n != "SHA256SUMS"}, \
        f"open-data/{period} is not a whole package: {sorted(set(listed) ^ (set(files) - {'SHA256SUMS'}))}"
    return files


def visible_open_data(place: Place) -> list[str]:
    """Every entry of the open-data folder a reader sees (not the hidden staging and versions)."""
    if not place.open_data.exists():
        return []
    return sorted(p.name for p in place.open_data.iterdir() if not p.name.startswith("."))


def landing_files(place: Place) -> dict[str, str]:
    """relative path -> sha256 of every delivery in the landing store (not the work area, not
    hidden files), each checked against its .sha256 file where it has one."""
    found = {}
    if not place.landing.exists():
        return found
    for path in place.landing.rglob("*"):
        relative = path.relative_to(place.landing)
        if not path.is_file() or relative.parts[0] == "_work" or path.name.startswith("."):
            continue
        if path.name.endswith(".sha256"):
            continue
        digest = _sha256(path)
        sidecar = path.with_name(path.name + ".sha256")
        if sidecar.exists() and sidecar.stat().st_size:
            assert sidecar.read_text(encoding="utf-8").split()[0] == digest, f"{relative} does not match its .sha256"
        found[relative.as_posix()] = digest
    return found


def sidecars(place: Place) -> dict[str, str]:
    """relative path of each delivery -> the content of its .sha256 file ('' when missing)."""
    out = {}
    for relative in landing_files(place):
        sidecar = place.landing / (relative + ".sha256")
        out[relative] = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""
    return out
