"""`kinerja bench`: the real pipeline on a national-shaped month, against COPY and the plain way.

In one run, on the same files (bench/world.py):
  ours      the pipeline's own stages, a stage's tasks for several governments at once
            (`concurrency` of them, like Airflow's parallel mapped tasks), then the ingest again
            as kinerja_bulanan's task groups run it, each government's chain on its own:
            extract (land each delivery unchanged with its checksum), validate (the suites,
            compiled and judged by GX, on both cores), load (COPY into raw, quarantine, the
            batch's balance), then dbt (the month's incremental build) and publish (the package)
  ceiling   COPY of the same files into unindexed tables: what the machine can ingest
  plain     what a team would write first: pandas.read_csv, GX on the whole DataFrame with the
            same suites, DataFrame.to_sql, and a full-refresh dbt build
Per stage: rows, seconds, rows/s and the peak memory of this process and its children (sampled
every 50 ms; the database server's own memory is not counted). Two ratios: ingest (extract +
validate + load, the task groups' way) rows/s over COPY's, and the plain way's end-to-end time
over ours (ingest, dbt, publish). The month is 2026-10 unless `period` says otherwise; a quarter's
last month carries the quarterly deliveries too (survey populations, IKU).

run_annual: the yearly run at national shape (kinerja_tahunan's stages: the annual evaluations'
ingest, etl.tahunan.build_year, the year's package) against COPY of the annual files, after loading
the year's months of what the annual models read (see its docstring).

Every ingest is checked: each batch balances and each entity's rows received are the rows written
(`balance`; the figures keep its counts). Figures go to the terminal and to
bench/results/<timestamp>.json. Runs in a database of its own on the warehouse's server
(KINERJA_WAREHOUSE_URL, else the embedded one), dropped at the end.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from bench import world as national

PERIOD = "2026-10"
_RUNS = itertools.count(1)


@dataclass
class Stage:
    name: str
    rows: int
    seconds: float
    peak_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class PeakMemory:
    """The largest resident memory of this process and its children while the block runs."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    def _sample(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_info().rss
        return total

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self):
        self.peak = self._sample()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def measure(name: str, rows: int | None, fn) -> tuple[Stage, object]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
    return Stage(name, rows if rows is not None else value, seconds, round(memory.peak / 2**20, 1)), value


@contextlib.contextmanager
def bench_environment(work: Path):
    """A database and folders of the benchmark's own; the settings of the caller come back after."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    from etl import warehouse

    saved = dict(os.environ)
    base = warehouse.admin_url()  # the server's admin makes the database; the pipeline then runs as owner and loader
    if base is None:
        raise warehouse.WarehouseError("the benchmark makes a database of its own: it needs an admin's connection "
                                       "(KINERJA_ADMIN_URL)")
    # a name of its own per run: the roles' grants on a database are made once per process and database
    # (etl.warehouse.bootstrap_once), so a second run in one process must not reuse the first one's name
    name = f"kinerja_bench_{os.getpid()}_{next(_RUNS)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    os.environ.update(KINERJA_WAREHOUSE_URL=make_conninfo(base, dbname=name), KINERJA_SOURCES_DIR=str(work / "sources"),
                      KINERJA_LANDING_DIR=str(work / "landing"), KINERJA_OPEN_DATA_DIR=str(work / "open-data"),
                      KINERJA_DBT_TARGET_DIR=str(work / "dbt-target"), GX_ANALYTICS_ENABLED="False",
                      DBT_QUIET="true")  # dbt prints a line per node otherwise
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def _in_parallel(kind: str, fn, items: list, concurrency: int) -> list:
    """fn over items, `concurrency` at a time (processes for Python's work, threads where the work
    is the database's or the disk's), results in the order of the items."""
    if concurrency <= 1:
        return [fn(item) for item in items]
    if kind == "process":
        pool = ProcessPoolExecutor(max_workers=concurrency, mp_context=multiprocessing.get_context("fork"))
    else:
        pool = ThreadPoolExecutor(max_workers=concurrency)
    with pool:
        return list(pool.map(fn, items))


def _validate(batches: list[dict]) -> list[dict]:
    from etl import pipeline

    return pipeline.validate(batches)


def _validate_all(landed: list[list[dict]], concurrency: int) -> list[list[dict]]:
    from etl.validate import _context

    _context()  # GX imported once (about 5 s), before the processes fork, as a worker would keep it
    return _in_parallel("process", _validate, landed, concurrency)


def _chain(kode_and_period: tuple[str, str]) -> list[dict]:
    """One government's extract -> validate -> load, as its task group in kinerja_bulanan (or
    kinerja_tahunan, for a year): the load's summary of each batch."""
    from etl import pipeline

    kode, period = kode_and_period
    return pipeline.load(pipeline.validate(pipeline.extract(kode, period)))


def balance(summaries: list[dict], world: national.World) -> dict[str, dict[str, int]]:
    """Per entity and period label, the batches, rows received, loaded and quarantined; raises unless
    every batch balances (received = loaded + quarantined) and every entity's rows received are the
    rows the world wrote."""
    entities: dict[str, dict[str, int]] = {}
    for b in summaries:
        if b["received"] != b["loaded"] + b["quarantined"]:
            raise RuntimeError(f"{b['agency']} {b['entity']} {b['period']} does not balance: {b['received']:,} received, "
                               f"{b['loaded']:,} loaded, {b['quarantined']:,} quarantined")
        into = entities.setdefault(f"{b['entity']} {b['period']}",
                                   dict.fromkeys(("batches", "received", "loaded", "quarantined"), 0))
        into["batches"] += 1
        for key in ("received", "loaded", "quarantined"):
            into[key] += b[key]
    for entity in world.entities:
        label = f"{entity} {world.due(entity)}"
        received = entities.get(label, {}).get("received", 0)
        if received != world.rows[entity] or entities[label]["batches"] != len(world.agencies):
            raise RuntimeError(f"{label}: {received:,} rows received of {world.rows[entity]:,} written")
    return entities


def run_ours(world: national.World, concurrency: int) -> tuple[list[Stage], object, dict]:
    """Each stage over every government, `concurrency` governments at a time (one stage's tasks of
    several governments at once), for the figures per stage; then the same deliveries again as
    Airflow runs kinerja_bulanan's task groups — each government's extract -> validate -> load on its
    own, `concurrency` at a time, so one's validation overlaps another's COPY — for the ingest as a
    whole, into a warehouse and landing store that hold nothing of the month yet (`_forget_month`:
    the month's first consolidation, as every month's is; a rerun replaces rows, see
    docs/performance.md); then dbt and publish. Returns the stages, the publication (its audit
    and how much the package tells) and the ingest's rows per entity (bench.balance)."""
    from etl import pipeline
    from etl.publish import publish_with_report

    stages = []
    stage, landed = measure("extract", world.total, lambda: _in_parallel(
        "thread", lambda kode: pipeline.extract(kode, world.period), world.agencies, concurrency))
    stages.append(stage)
    stage, validated = measure("validate", world.total, lambda: _validate_all(landed, concurrency))
    stages.append(stage)
    stage, loaded = measure("load", world.total, lambda: _in_parallel("thread", pipeline.load, validated, concurrency))
    balance([b for batches in loaded for b in batches], world)
    stages.append(stage)

    def overlapped():
        from etl.validate import _context

        _forget_month(world.period)
        _context()
        return [b for batches in _in_parallel("process", _chain, [(k, world.period) for k in world.agencies],
                                              concurrency) for b in batches]
    stage, summaries = measure("ingest", world.total, overlapped)
    stages.append(stage)
    batches = balance(summaries, world)
    import dbt.adapters.postgres  # noqa: F401  dbt imported before its stage, as for the plain way (which runs later)
    from dbt.cli.main import dbtRunner  # noqa: F401

    stage, _ = measure("dbt", world.total, lambda: pipeline.build(world.period))  # dbt, then the disclosure holds
    stages.append(stage)
    stage, publication = measure("publish", world.total, lambda: publish_with_report(world.period))
    stages.append(stage)
    return stages, publication, batches


def _forget_month(period: str) -> None:
    """The warehouse and landing store as before the month's first delivery: its raw partitions (the
    quarter's too in a quarter's last month), its audit records and its landed files gone."""
    from psycopg import sql

    from etl import load as loader, warehouse
    from etl.canonical import ENTITIES
    from etl.config import landing_dir

    labels = [period] + ([national.quarter_of(period)] if len(period) == 7 and national.quarter_of(period) else [])
    with warehouse.connect(autocommit=True) as conn:
        conn.execute("truncate audit.quarantine_row, audit.validation_result_row, audit.batch_attempt, "
                     "audit.batch_extraction, audit.redaction, audit.batch_delivery, audit.batch_judgement")
        for entity in ENTITIES:
            for label in labels:
                conn.execute(sql.SQL("drop table if exists {}").format(
                    sql.Identifier("raw", loader.period_partition(entity, label))))
    shutil.rmtree(landing_dir(), ignore_errors=True)


def slowest_dbt_nodes(top: int = 12) -> list[dict]:
    """dbt's own timing of its last run (run_results.json): where the dbt stage's time goes."""
    from etl.config import dbt_target_dir

    path = dbt_target_dir() / "run_results.json"
    if not path.exists():
        return []
    results = json.loads(path.read_text(encoding="utf-8"))["results"]
    ranked = sorted(results, key=lambda r: r.get("execution_time") or 0, reverse=True)[:top]
    return [{"node": r["unique_id"], "seconds": round(r.get("execution_time") or 0, 2)} for r in ranked]


def run_ceiling(world: national.World) -> Stage:
    """COPY of every delivered file into unindexed text tables (one per entity)."""
    import csv

    from psycopg import sql

    from etl import warehouse
    from etl.load import copy_file

    with warehouse.connect() as conn:
        conn.execute("create schema if not exists bench_copy")
        for entity in world.entities:
            with open(world.path(world.agencies[0], entity), encoding="utf-8") as fh:
                columns = next(csv.reader(fh))
            conn.execute(sql.SQL("create table if not exists {} ({})").format(
                sql.Identifier("bench_copy", entity),
                sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns)))
        conn.commit()

        def copy_all():
            copied = 0
            for kode in world.agencies:
                for entity in world.entities:
                    path = world.path(kode, entity)
                    with open(path, encoding="utf-8") as fh:
                        columns = next(csv.reader(fh))
                    copied += copy_file(conn, sql.Identifier("bench_copy", entity), columns, path)
                conn.commit()
            return copied

        stage, copied = measure("copy", None, copy_all)
    if copied != world.total:
        raise RuntimeError(f"COPY took {copied:,} rows of {world.total:,}")
    return stage


def _months_back(last: str, count: int) -> list[str]:
    year, month = int(last[:4]), int(last[5:])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def run_history(employees: int, months: int = 24, per_instansi: int = 7000, results: Path | None = None,
                echo=print) -> dict:
    """The last month's incremental dbt build in a warehouse of 2 months against the same build in a
    warehouse of `months` (two databases, the same month's files), each also built again (a retry):
    the difference is what the history costs. The world's careers run over the whole calendar (one
    template for every month, the same person under the same NIP every month), so the roster's
    history grows as careers do (transfers, promotions, retirements), not by a new roster every month."""
    from etl import pipeline

    if months < 3:
        raise ValueError("the history benchmark needs at least 3 months (2 to compare with, and the history)")
    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-history-"))
    calendar = _months_back(PERIOD, months)
    figures: dict = {"kind": "history", "employees": employees, "months": months, "period": calendar[-1],
                     "cpus": os.cpu_count(), "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}

    def ingest(folder: Path, month: str) -> int:
        world = national.build(folder / "sources", employees, month, per_instansi, made=made, roster=roster)
        os.environ["KINERJA_AGENCIES"] = str(world.agencies_file(folder / "agencies.yml"))
        for kode in world.agencies:
            pipeline.load(pipeline.validate(pipeline.extract(kode, month)))
        return world.total

    def timed_build(period: str | None) -> float:
        # dbt's partial parse is kept, as in a month's run (the month is a session setting, not a var:
        # tests/integration/test_dbt_parse.py), so what is timed is the build
        started = time.perf_counter()
        pipeline.build(period)
        return time.perf_counter() - started

    try:
        started = time.perf_counter()
        made = national.template(work / "_template", tuple(calendar))
        roster = national.history_roster(made, calendar)
        figures["world_seconds"] = round(time.perf_counter() - started, 1)
        with bench_environment(work / "two"):
            ingest(work / "two", calendar[-2])
            timed_build(calendar[-2])  # creates every table
            figures["rows_per_month"] = ingest(work / "two", calendar[-1])
            one = timed_build(calendar[-1])
            figures["dbt_slowest_one_month"] = slowest_dbt_nodes(top=60)
            one_again = timed_build(calendar[-1])
        echo(f"dbt for {calendar[-1]} in a warehouse of 2 months: {one:.1f} s (built again: {one_again:.1f} s)")
        with bench_environment(work / "all"):
            for month in calendar[:-1]:
                ingest(work / "all", month)
            full = timed_build(None)
            echo(f"dbt building {months - 1} months at once: {full:.1f} s")
            ingest(work / "all", calendar[-1])
            last = timed_build(calendar[-1])
            figures["dbt_slowest"] = slowest_dbt_nodes(top=60)
            last_again = timed_build(calendar[-1])
        echo(f"dbt for {calendar[-1]} in a warehouse of {months} months: {last:.1f} s (built again: {last_again:.1f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    figures |= {"dbt_one_month_seconds": round(one, 1), "dbt_full_rebuild_seconds": round(full, 1),
                "dbt_with_history_seconds": round(last, 1), "history_over_one": round(last / one, 2),
                "dbt_one_month_again_seconds": round(one_again, 1),
                "dbt_with_history_again_seconds": round(last_again, 1),
                "history_over_one_again": round(last_again / one_again, 2)}
    echo(f"{calendar[-1]}'s incremental build with {months} months of history takes {last / one:.2f} times what it "
         f"takes with 2 (target at most 1.1); built again, {last_again / one_again:.2f} times")
    _write(figures, results, echo)
    return figures


def _megabytes(folder: Path) -> float:
    """What the files under `folder` take on disk."""
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


def _database_mb() -> float:
    """The benchmark database's size (tables, indexes, partitions) as it stands."""
    from etl import warehouse

    with warehouse.connect() as conn:
        return round(conn.execute("select pg_database_size(current_database())").fetchone()[0] / 2**20, 1)


def _write(figures: dict, results: Path | None, echo) -> None:
    if results is None:
        return
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"{figures['started'].replace(':', '').replace('+0000', 'Z')}.json"
    path.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    figures["written_to"] = str(path)
    echo(f"figures: {path}")


def run(employees: int, per_instansi: int = 7000, plain: bool = True, results: Path | None = None,
        concurrency: int | None = None, echo=print, period: str = PERIOD) -> dict:
    """The whole benchmark on the month `period`; returns (and writes) its figures. A quarter's last
    month carries the quarterly deliveries too (bench.world.QUARTERLY), which the figures list."""
    from bench import plain as plain_way
    from etl.publish import utility

    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    concurrency = concurrency or os.cpu_count() or 1
    quarter = national.quarter_of(period)
    figures: dict = {"employees": employees, "period": period, "quarter": quarter, "cpus": os.cpu_count(),
                     "concurrency": concurrency,
                     "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                     "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    try:
        with bench_environment(work):
            started = time.perf_counter()
            world = national.build(work / "sources", employees, period, per_instansi)
            echo(f"built {world.total:,} rows of {period} for {len(world.agencies)} instansi in "
                 f"{time.perf_counter() - started:.0f} s: " + ", ".join(f"{e} {n:,}" for e, n in world.rows.items()))
            if quarter:
                echo(f"  a quarter's last month: {', '.join(national.QUARTERLY)} delivered for {quarter}")
            os.environ["KINERJA_AGENCIES"] = str(world.agencies_file(work / "agencies.yml"))
            figures |= {"instansi": len(world.agencies), "entities": list(world.entities), "rows": world.rows,
                        "quarterly": {e: world.rows[e] for e in national.QUARTERLY if e in world.rows},
                        "sources_mb": _megabytes(work / "sources")}
            ours, publication, figures["batches"] = run_ours(world, concurrency)
            figures["dbt_slowest"] = slowest_dbt_nodes()
            figures["database_mb"] = _database_mb()
            figures["utilitas"] = {level: publication.utility[level] for level in ("instansi", "unit")}
            figures["audit"] = {"withheld": publication.audit.withheld, "linear_programs": publication.audit.solved,
                                "seconds": round(publication.audit.seconds, 1)}
            echo(f"  package: {utility.describe(publication.utility)}; disclosure audit {publication.audit.withheld:,} "
                 f"withheld numbers, {publication.audit.solved:,} linear programs, {publication.audit.seconds:.1f} s")
            for stage in ours:
                echo(f"  ours   {stage.name:<9}{stage.seconds:8.1f} s  {stage.rows_per_second:>10,.0f} rows/s  "
                     f"peak {stage.peak_mb:,.0f} MB")
            ceiling = run_ceiling(world)
            echo(f"  COPY   ceiling  {ceiling.seconds:8.1f} s  {ceiling.rows_per_second:>10,.0f} rows/s")
            stages = {"ours": ours, "ceiling": [ceiling]}
            if plain:
                stages["plain"] = plain_way.run(world, echo)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    by = {group: {s.name: s for s in items} for group, items in stages.items()}
    phases_seconds = sum(by["ours"][s].seconds for s in ("extract", "validate", "load"))
    ingest_seconds = by["ours"]["ingest"].seconds
    ours_seconds = ingest_seconds + by["ours"]["dbt"].seconds + by["ours"]["publish"].seconds
    figures["stages"] = {group: [asdict(s) | {"rows_per_second": round(s.rows_per_second)} for s in items]
                         for group, items in stages.items()}
    figures["ingest_rows_per_second"] = round(world.total / ingest_seconds)
    figures["ingest_in_phases_rows_per_second"] = round(world.total / phases_seconds)
    figures["copy_rows_per_second"] = round(ceiling.rows_per_second)
    figures["ingest_over_copy"] = round(world.total / ingest_seconds / ceiling.rows_per_second, 3)
    figures["end_to_end_seconds"] = round(ours_seconds, 1)
    figures["peak_mb"] = max(s.peak_mb for s in stages["ours"])
    echo(f"\ningest (extract + validate + load, each government's chain as its task group runs): "
         f"{figures['ingest_rows_per_second']:,} rows/s = {figures['ingest_over_copy']:.0%} of COPY's "
         f"{figures['copy_rows_per_second']:,} rows/s (target 50 %); stage after stage: "
         f"{figures['ingest_in_phases_rows_per_second']:,} rows/s")
    if plain:
        plain_seconds = sum(s.seconds for s in stages["plain"])
        figures["plain_end_to_end_seconds"] = round(plain_seconds, 1)
        figures["plain_over_ours"] = round(plain_seconds / ours_seconds, 2)
        echo(f"end to end: ours {ours_seconds:,.1f} s, the plain way {plain_seconds:,.1f} s = "
             f"{figures['plain_over_ours']:.1f} times ours (target 5)")
    _write(figures, results, echo)
    return figures


# the annual marts and public tables, and the column naming their government
ANNUAL_TABLES = ("marts.fct_evaluasi_tahunan", "marts.mart_kurva_distribusi_tahunan", "marts.mart_tahunan_periodik",
                 "marts.mart_angka_kredit", "publik.pub_distribusi_predikat_tahunan",
                 "publik.pub_distribusi_predikat_unit_tahunan")


def annual_tables(year: str) -> dict[str, dict[str, int]]:
    """Rows and governments of the year in each annual mart and public table."""
    from psycopg import sql

    from etl import warehouse

    found = {}
    with warehouse.connect() as conn:
        for table in ANNUAL_TABLES:
            schema, name = table.split(".")
            column = conn.execute(  # the year's column: tahun, or periode where the year is the period
                "select column_name from information_schema.columns where table_schema = %s and table_name = %s "
                "and column_name in ('tahun', 'periode') order by column_name desc limit 1", (schema, name)).fetchone()[0]
            rows, governments = conn.execute(sql.SQL(
                "select count(*), count(distinct instansi_kode) from {} where {}::text = %s").format(
                sql.Identifier(schema, name), sql.Identifier(column)), (year,)).fetchone()
            found[table] = {"rows": rows, "instansi": governments}
    return found


def _ingest(period: str, agencies: list[str], concurrency: int) -> list[dict]:
    """Each government's extract -> validate -> load for the period, `concurrency` at a time, as the
    DAG's mapped task groups run them; the load's summary of each batch."""
    from etl.validate import _context

    _context()
    return [b for batches in _in_parallel("process", _chain, [(kode, period) for kode in agencies], concurrency)
            for b in batches]


def run_annual(employees: int, year: str = PERIOD[:4], per_instansi: int = 7000, results: Path | None = None,
               concurrency: int | None = None, echo=print) -> dict:
    """The yearly run at national shape: the year's annual evaluations of every government ingested as
    kinerja_tahunan (and `kinerja run --year`) runs them, the year's dbt build (etl.tahunan.build_year)
    and the year's package (etl.publish.tahunan.publish_year), against COPY of the same files.

    Before it, untimed for the annual figures but measured as `preparation`: what the annual models
    read from the monthly runs — the twelve months of the roster, the periodic evaluations, the unit
    tree and the units' predikat (bench.world.ANNUAL_UPSTREAM; not the RHK lines, surveys, feedback and
    the rest, which no annual model reads) — loaded month by month through the same pipeline, then one
    dbt build of the annual models' ancestors for the whole year (fct_evaluasi_kinerja and the unit
    tree, as the monthly runs leave them). Each month's files and landed copies are removed once
    loaded, so the disk holds one month's files at a time."""
    from etl import load as loader, tahunan, transform, warehouse
    from etl.config import landing_dir
    from etl.publish.tahunan import publish_year

    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-annual-"))
    concurrency = concurrency or os.cpu_count() or 1
    figures: dict = {"kind": "annual", "employees": employees, "year": year, "cpus": os.cpu_count(),
                     "concurrency": concurrency, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
                     "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    try:
        with bench_environment(work):
            year_world = national.Year(work / "sources", employees, year, per_instansi)
            os.environ["KINERJA_AGENCIES"] = str(year_world.agencies_file(work / "agencies.yml"))
            figures["instansi"] = len(year_world.agencies)
            months: dict[str, dict[str, int]] = {}
            batches: dict[str, dict[str, int]] = {}
            preparation: list[Stage] = []
            largest_month_mb = 0.0  # a month's files and their landed copies, the most the disk holds of them
            written_seconds = 0.0
            for month in year_world.months:
                begun = time.perf_counter()
                world = year_world.month(month)
                written_seconds += time.perf_counter() - begun
                stage, summaries = measure(f"ingest {month}", world.total,
                                           lambda: _ingest(month, world.agencies, concurrency))
                batches |= balance(summaries, world)
                largest_month_mb = max(largest_month_mb, _megabytes(work / "sources") + _megabytes(landing_dir()))
                with warehouse.connect(autocommit=True) as conn:
                    loader.analyze_period(conn, month)  # as the month's build does first
                months[month] = world.rows
                preparation.append(stage)
                for kode in world.agencies:
                    shutil.rmtree(work / "sources" / kode / month, ignore_errors=True)
                shutil.rmtree(landing_dir(), ignore_errors=True)
                echo(f"  month  {month}  {world.total:>12,} rows  {stage.seconds:8.1f} s  peak {stage.peak_mb:,.0f} MB")
            stage, _ = measure("dbt the months", sum(w["evaluasi_periodik"] for w in months.values()),
                               lambda: transform.dbt("build", "--select", "+tag:tahunan", "resource_type:seed",
                                                     "--exclude", "tag:tahunan+",
                                                     "--indirect-selection", "cautious",  # their own tests only
                                                     "--exclude-resource-type", "unit_test"))
            preparation.append(stage)
            echo(f"  the year's monthly marts (the annual models' ancestors): {stage.seconds:.1f} s")
            begun = time.perf_counter()
            annual = year_world.annual()
            written_seconds += time.perf_counter() - begun
            figures |= {"months": months, "rows": annual.rows, "sources_mb": _megabytes(work / "sources"),
                        "month_files_mb": round(largest_month_mb, 1),
                        "world_seconds": round(written_seconds + year_world.template_seconds, 1),
                        "preparation": [asdict(s) | {"rows_per_second": round(s.rows_per_second)} for s in preparation]}
            echo(f"built {annual.total:,} annual evaluations for {len(annual.agencies)} instansi, after "
                 f"{sum(sum(w.values()) for w in months.values()):,} rows of the year's months")

            ours = []
            stage, summaries = measure("ingest", annual.total,
                                       lambda: _ingest(year, tahunan.delivering_agencies(year), concurrency))
            ours.append(stage)
            figures["batches"] = balance(summaries, annual) | batches
            stage, _ = measure("dbt", annual.total, lambda: tahunan.build_year(year))
            ours.append(stage)
            figures["dbt_slowest"] = slowest_dbt_nodes()
            stage, publication = measure("publish", annual.total, lambda: publish_year(year))
            ours.append(stage)
            figures["files_published"] = len(publication.files)
            figures["annual_tables"] = annual_tables(year)
            figures["database_mb"] = _database_mb()
            for stage in ours:
                echo(f"  ours   {stage.name:<9}{stage.seconds:8.1f} s  {stage.rows_per_second:>10,.0f} rows/s  "
                     f"peak {stage.peak_mb:,.0f} MB")
            echo(f"  disk: the database {figures['database_mb']:,.0f} MB, a month's files and landed copies "
                 f"{largest_month_mb:,.0f} MB at most, the annual files and the template {figures['sources_mb']:,.0f} MB")
            ceiling = run_ceiling(annual)
            echo(f"  COPY   ceiling  {ceiling.seconds:8.1f} s  {ceiling.rows_per_second:>10,.0f} rows/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    by = {s.name: s for s in ours}
    figures["stages"] = {group: [asdict(s) | {"rows_per_second": round(s.rows_per_second)} for s in items]
                         for group, items in (("ours", ours), ("ceiling", [ceiling]))}
    figures["ingest_rows_per_second"] = round(by["ingest"].rows_per_second)
    figures["copy_rows_per_second"] = round(ceiling.rows_per_second)
    figures["ingest_over_copy"] = round(by["ingest"].rows_per_second / ceiling.rows_per_second, 3)
    figures["end_to_end_seconds"] = round(sum(s.seconds for s in ours), 1)
    figures["peak_mb"] = max(s.peak_mb for s in ours)
    echo(f"\nthe year {year}: ingest {figures['ingest_rows_per_second']:,} rows/s = {figures['ingest_over_copy']:.0%} "
         f"of COPY's {figures['copy_rows_per_second']:,}; ingest + dbt + publish {figures['end_to_end_seconds']:,.1f} s, "
         f"peak {figures['peak_mb']:,.0f} MB")
    _write(figures, results, echo)
    return figures
