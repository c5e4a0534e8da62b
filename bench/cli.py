"""`kinerja bench`, found by the `kinerja` command through the entry point this package declares in
pyproject.toml (group kinerja.commands): the product's CLI knows no benchmark."""

from __future__ import annotations

from pathlib import Path

import typer

from etl import progress
from etl.cli import MAX_CONCURRENCY, MAX_EMPLOYEES, MAX_HISTORY_MONTHS, clear_errors, console, count_argument
from etl.config import PROJECT_DIR


def bench(
    employees: int = typer.Option(200_000, help="Employees of the national-shaped month (4.5 million is national)."),
    per_instansi: int = typer.Option(7000, help="Employees per government (a Pemda's size)."),
    plain: bool = typer.Option(True, help="Also measure the plain way (pandas, GX on the whole DataFrame, to_sql, "
                                          "a full-refresh dbt build)."),
    results: Path = typer.Option(None, help="Folder for the figures as JSON (default: bench/results)."),
    concurrency: int = typer.Option(None, help="Governments a stage works on at once, as Airflow's parallel "
                                               "tasks (default: the number of CPUs)."),
    history_months: int = typer.Option(0, help="Instead: load this many months and compare a month's incremental "
                                               "dbt build with that history against one with a single month."),
):
    """The real pipeline on a national-shaped month, against COPY and the plain way: per stage rows,
    seconds, rows/s and peak memory, and the two ratios."""
    import bench as benchmark  # psutil, pandas and the pipeline: only for this command

    echo = lambda line: console.print(line, soft_wrap=True, markup=False)  # noqa: E731
    with clear_errors():
        count_argument(employees, "--employees", 1, MAX_EMPLOYEES)
        count_argument(per_instansi, "--per-instansi", 1, employees)
        count_argument(concurrency, "--concurrency", 1, MAX_CONCURRENCY)
        count_argument(history_months, "--history-months", 0, MAX_HISTORY_MONTHS)
        # the live board per government and stage, then dbt's models, under the figures (a terminal only)
        with progress.show(console, f"kinerja bench: {employees:,} employees"):
            if history_months:
                benchmark.run_history(employees, history_months, per_instansi,
                                      results or PROJECT_DIR / "bench" / "results", echo=echo)
            else:
                benchmark.run(employees, per_instansi, plain, results or PROJECT_DIR / "bench" / "results",
                              concurrency, echo=echo)
