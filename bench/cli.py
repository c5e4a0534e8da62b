"""`kinerja bench`, found by the `kinerja` command through the entry point this package declares in
pyproject.toml (group kinerja.commands): the product's CLI knows no benchmark."""

from __future__ import annotations

from pathlib import Path

import typer

from etl import progress
from etl.cli import (MAX_CONCURRENCY, MAX_EMPLOYEES, MAX_HISTORY_MONTHS, clear_errors, console, count_argument, fail,
                     month_argument)
from etl.config import PROJECT_DIR
from etl.tahunan import check_year


def bench(
    employees: int = typer.Option(200_000, help="Employees of the national-shaped month (4.5 million is national)."),
    per_instansi: int = typer.Option(7000, help="Employees per government (a Pemda's size)."),
    plain: bool = typer.Option(True, help="Also measure the plain way (pandas, GX on the whole DataFrame, to_sql, "
                                          "a full-refresh dbt build)."),
    results: Path = typer.Option(None, help="Folder for the figures as JSON (default: bench/results)."),
    concurrency: int = typer.Option(None, help="Governments a stage works on at once, as Airflow's parallel "
                                               "tasks (default: the number of CPUs)."),
    history_months: int = typer.Option(0, help="Instead: load this many months (at least 3) and compare a new "
                                               "month's incremental dbt build in a warehouse of that many months "
                                               "against one in a warehouse of 2."),
    period: str = typer.Option("2026-10", help="The month to benchmark, YYYY-MM; a quarter's last month (03, 06, 09, "
                                               "12) carries the quarterly deliveries too (survey populations, IKU)."),
    annual: str = typer.Option(None, help="Instead of a month: the yearly run of this year (YYYY): the annual "
                                          "evaluations' ingest, the year's dbt build and package, after loading "
                                          "the year's months of what the annual marts read."),
):
    """The real pipeline on a national-shaped month (or, with --annual, a national-shaped yearly run),
    against COPY and the plain way: per stage rows, seconds, rows/s and peak memory, and the ratios."""
    import bench as benchmark  # psutil, pandas and the pipeline: only for this command

    echo = lambda line: console.print(line, soft_wrap=True, markup=False)  # noqa: E731
    with clear_errors():
        count_argument(employees, "--employees", 1, MAX_EMPLOYEES)
        count_argument(per_instansi, "--per-instansi", 1, employees)
        count_argument(concurrency, "--concurrency", 1, MAX_CONCURRENCY)
        count_argument(history_months, "--history-months", 0, MAX_HISTORY_MONTHS)
        month_argument(period)
        if 0 < history_months < 3:
            fail(f"--history-months needs at least 3 months (2 to compare with, then the history), not {history_months}")
        if annual is not None:
            check_year(annual)
            if history_months:
                fail("give either --annual or --history-months, not both")
        # the live board per government and stage, then dbt's models, under the figures (a terminal only)
        what = f"the year {annual}" if annual else f"{period}"
        with progress.show(console, f"kinerja bench: {employees:,} employees, {what}"):
            if annual is not None:
                benchmark.run_annual(employees, annual, per_instansi, results or PROJECT_DIR / "bench" / "results",
                                     concurrency, echo=echo)
            elif history_months:
                benchmark.run_history(employees, history_months, per_instansi,
                                      results or PROJECT_DIR / "bench" / "results", echo=echo)
            else:
                benchmark.run(employees, per_instansi, plain, results or PROJECT_DIR / "bench" / "results",
                              concurrency, echo=echo, period=period)
