"""Transformation: dbt builds staging, intermediate, marts and publik in the warehouse.

dbt runs in-process through dbtRunner with the warehouse's connection settings in the
environment (dbt_project/profiles.yml reads them with env_var()).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from dataclasses import dataclass

from etl import access, load, warehouse
from etl.config import dbt_project_dir, dbt_target_dir, load_agencies
from etl.progress import event
from etl.settings import environment


log = logging.getLogger(__name__)
PERIOD = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


class TransformError(RuntimeError):
    """dbt failed: a model did not build or a test did not pass."""


@dataclass
class DbtOutcome:
    command: str
    passed: int
    failed: int
    skipped: int
    failures: list[str]


@contextlib.contextmanager
def session_options(period: str | None = None, tuned: bool = True):
    """What dbt's sessions carry, in libpq's PGOPTIONS (dbt-postgres honours it) while dbt runs:
    the run's month as setting kinerja.bulan (macro bulan_dijalankan reads it when a model is
    compiled: as a dbt var it would change every run and make dbt parse the whole project again);
    tuned, what they change from the server's defaults: no JIT compilation — it cost 1.4 s of a
    4.7 s mart_kepatuhan at 200,000 employees, more than it saved —, and room to hash and sort a month
    in memory (KINERJA_DBT_WORK_MEM, default 64MB). Options the user set come after ours, so they win."""
    saved = os.environ.get("PGOPTIONS")
    ours = [f"-c kinerja.bulan={period}"] if period else []
    if tuned:
        ours += ["-c jit=off", f"-c work_mem={environment().dbt_work_mem.replace(' ', '')}"]
    os.environ["PGOPTIONS"] = " ".join([*ours, saved or ""]).strip()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("PGOPTIONS", None)
        else:
            os.environ["PGOPTIONS"] = saved


def dbt(*args: str, period: str | None = None, tuned: bool = True) -> DbtOutcome:
    """Run a dbt command against the warehouse; raises TransformError naming what failed.
    `tuned=False` leaves the sessions at the server's defaults (session_options), as a plain
    `dbt build` from the command line does."""
    result = _invoke(args, period, tuned)
    failures: list[str] = []
    passed = failed = skipped = 0
    for item in getattr(result.result, "results", None) or []:
        status = str(getattr(item, "status", "")).lower()
        if status in ("success", "pass"):
            passed += 1
        elif status in ("skipped",):
            skipped += 1
        elif status in ("error", "fail", "runtime error"):
            failed += 1
            failures.append(f"{item.node.name}: {_what_failed(item.message or status)}")
        else:
            passed += 1  # warn counts as built
    outcome = DbtOutcome(" ".join(args), passed, failed, skipped, failures)
    if not result.success:
        if result.exception is not None:
            raise TransformError(f"dbt {args[0]} could not run: {result.exception}")
        raise TransformError(f"dbt {args[0]} failed: " + "; ".join(failures[:5]))
    return outcome


def _what_failed(message: str) -> str:
    """A node's failure in one line: dbt's first line, and for a database error the server's own words
    after it ("Database Error in model x" alone does not say a key was duplicated, or which)."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith("Database Error"):
        detail = [line for line in lines[1:] if not line.startswith("compiled code at")][:2]
        return " ".join([lines[0] + ":", *detail])
    return lines[0] if lines else message


def show(inline: str, period: str | None = None) -> list[tuple]:
    """The rows of `dbt show --inline` (a query compiled as the models are, for `period`)."""
    result = _invoke(("show", "--inline", inline), period, True)
    if not result.success:
        raise TransformError(f"dbt show failed: {result.exception}")
    return [tuple(row) for row in result.result.results[0].agate_table.rows]


def _invoke(args: tuple[str, ...], period: str | None, tuned: bool):
    """dbt, in this process, with the project, the warehouse's connection, the vars and the sessions' options."""
    from dbt.cli.main import dbtRunner  # dbt is heavy: imported when it runs (tests/unit/test_house.py allows it)

    if args and args[0] in ("build", "run", "seed", "snapshot"):
        access.ensure_roles(warehouse.roles_url())  # the roles its grants and row-level security name (etl/access.py)
        with warehouse.transaction() as owner:  # the ledger's tables dbt reads as sources (the delivery calendar's too)
            load.ensure_schema(owner)
    os.environ.update(warehouse.dbt_env())
    project = dbt_project_dir()
    target = dbt_target_dir()
    cli = [
        *args,
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        "--target-path", str(target),
        "--log-path", str(target / "logs"),
    ]
    # the governments of the agencies file: their readers get views of the marts (macros/access.sql);
    # the same vars every run (they change with the agencies file only), so that dbt parses the
    # project once per code version; the month goes to the sessions instead (session_options)
    variables = {"instansi": access.instansi_roles(), "pp30_bobot_instansi": pp30_weights()}
    cli += ["--vars", json.dumps(variables)]
    if period and not PERIOD.match(period):
        raise TransformError(f"the month to build must be YYYY-MM, not {period!r}")
    with session_options(period, tuned):
        return dbtRunner(callbacks=[node_progress]).invoke(cli)


def node_progress(message) -> None:
    """dbt's structured events (a dbtRunner callback): each node that finishes is logged with its
    status, seconds and rows (the progress board shows them as they finish)."""
    if message.info.name != "NodeFinished":
        return
    info, result = message.data.node_info, message.data.run_result
    node = f"{info.resource_type} {info.node_name}"
    rows = dict(result.adapter_response).get("rows_affected")
    # a data test's "rows" are its own count query's: only what a model, seed or snapshot wrote is shown
    built = info.resource_type in ("model", "seed", "snapshot")
    rows = int(rows) if built and isinstance(rows, (int, float)) and rows >= 0 else None
    status = str(result.status or info.node_status).lower()
    log.info("dbt: %s %s in %.2f s%s", node, status, result.execution_time, f", {rows:,} rows" if rows else "",
             extra=event("dbt", name=node, state=status, seconds=result.execution_time, rows=rows))


def pp30_weights() -> list[dict]:
    """Each government's PP 30/2019 weighting from a month on (agencies file, `pp30_2019_bobot`), as dbt
    var pp30_bobot_instansi: int_evaluasi__dinilai_ulang weights a legacy score by its government's
    setting in force in the period's last month, else by var pp30_cara_penilaian."""
    return [{"instansi_kode": a.kode, "mulai": mulai, "cara_penilaian": cara}
            for a in load_agencies() for mulai, cara in a.pp30_bobot]


def build(period: str | None = None, unit_tests: bool = False) -> DbtOutcome:
    """Seeds, models, snapshots and data tests, in dependency order, the month's raw partitions
    (for a build of every period, those never analysed) analysed first (etl.load.analyze_period). dbt's unit tests check the models' SQL against fixed
    inputs, not the month's data: they run in the test suite (tests/e2e/test_kinerja_bulanan.py), and
    a monthly run leaves them out, as dbt recommends for production (`unit_tests=True` runs them
    too). The monthly run's build, with the disclosure audit of the month's public tables and the
    holds it asks for after it, is etl.pipeline.build."""
    with warehouse.connect(autocommit=True) as conn:
        load.analyze_period(conn, period)
    return dbt("build", period=period) if unit_tests else dbt(
        "build", "--exclude-resource-type", "unit_test", period=period)


def rebuild(month: str, select: list[str]) -> DbtOutcome:
    """The selected models of a month built again (after the disclosure audit's holds)."""
    return dbt("build", "--select", *select, "--exclude-resource-type", "unit_test", period=month)


def period_labels(month: str) -> list[str]:
    """The period labels a month's build recomputes: the month, and in a quarter's last month the quarter."""
    number = int(month[5:7])
    return [month] + ([f"{month[:4]}-Q{number // 3}"] if number % 3 == 0 else [])


def published_months() -> list[str]:
    """The months the public tables hold rows for (what a build that is not for one month audits)."""
    with warehouse.connect() as conn:
        if not conn.execute("select to_regclass('publik.pub_kepatuhan') is not null").fetchone()[0]:
            return []
        return [r[0] for r in conn.execute(
            "select bulan_laporan from publik.pub_kepatuhan union select bulan_laporan from publik.pub_pelatihan "
            "union select periode from publik.pub_pengaduan_unit order by 1")]
