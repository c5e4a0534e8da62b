"""The `kinerja` command: monthly runs, publishing, the warehouse and Airflow.

It knows nothing of the demo or the benchmark: more sub-commands come from the entry-point group
`kinerja.commands` (pyproject.toml: `synth` and `simulator` from demo.cli, `bench` from bench.cli),
and what this machine's sources need before a run is started by the group `kinerja.services`
(the demo's API simulator). Both are read when the command starts (main)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from etl import access, access_log, orchestration, retention as policy, summary as run_summary, warehouse
from etl.config import ConfigError, check_period, home, open_data_dir
from etl.publish import (
    disclosure, min_cell_size, predecessors, privacy, protection, published_periods, publish_with_report, utility,
)
from etl.transform import TransformError
from etl.validate import report as validation_report
from etl.warehouse import WarehouseError

app = typer.Typer(
    help="Consolidate ASN performance records and SKM surveys into the warehouse, and publish open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
warehouse_app = typer.Typer(help="The warehouse: where it is, stopping the embedded one, and who may log in.",
                            no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")
console = Console()


def latest_complete_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def default_months(today: dt.date | None = None) -> str:
    latest = latest_complete_month(today)
    return f"{latest[:4]}-01..{latest}"


def fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(1)


@contextlib.contextmanager
def clear_errors():
    """Known failures become one clear sentence; KINERJA_DEBUG=1 shows the traceback instead."""
    try:
        yield
    except typer.Exit:
        raise
    except (ConfigError, WarehouseError, TransformError, KeyError, RuntimeError, OSError) as exc:
        if os.environ.get("KINERJA_DEBUG"):
            raise
        text = str(exc).strip().strip("'\"") or type(exc).__name__
        fail(text.splitlines()[0])


@contextlib.contextmanager
def output_to(log_path: Path):
    """Send everything written to stdout/stderr (Airflow's task logs) to a file."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log_path, "ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def add_commands(target: typer.Typer) -> None:
    """The sub-commands other installed packages declare in the entry-point group kinerja.commands:
    a typer.Typer becomes a group of commands under the entry point's name, anything else a command."""
    for point in entry_points(group="kinerja.commands"):
        taken = {c.name or getattr(c.callback, "__name__", None) for c in target.registered_commands}
        if point.name in taken | {g.name for g in target.registered_groups}:
            continue  # added already
        found = point.load()
        if isinstance(found, typer.Typer):
            target.add_typer(found, name=point.name)
        else:
            target.command(point.name)(found)


def start_local_services() -> None:
    """What this machine's sources need before a run (entry-point group kinerja.services: the
    demo's API simulator when an agency's API is on loopback); each is called without arguments."""
    for point in entry_points(group="kinerja.services"):
        point.load()()


@app.command()
def run(period: str = typer.Option(None, help="Month to consolidate, YYYY-MM (default: the latest complete month).")):
    """Run the Airflow DAG kinerja_bulanan for one month, in-process, and summarise it."""
    with clear_errors():
        period = check_period(period or latest_complete_month())
        with console.status("starting the warehouse and what the sources need…"):
            warehouse.url()
            start_local_services()
        log = home() / "logs" / f"run-{period}.log"
        with console.status(f"running kinerja_bulanan for {period} (Airflow log: {log})…"):
            with output_to(log):
                dag_run = orchestration.run_period(period)
                failed = orchestration.failed_tasks(dag_run)
                publication = dag_run.publication
                if publication is not None:
                    failed += orchestration.failed_tasks(publication)
        show_summary(period)
        console.print(f"Airflow's log of this run: {log}")
        if str(dag_run.state) != "success" or failed or (publication is not None and str(publication.state) != "success"):
            names = ", ".join(name for name, _ in failed) or "the run"
            fail(f"kinerja_bulanan for {period} did not fully succeed: {names} failed (see {log})")
        if publication is None:
            fail(f"the marts of {period} were not updated, so nothing was published (see {log})")


@app.command()
def publish(
    period: str = typer.Option(None, help="Month to publish, YYYY-MM (default: the latest complete month)."),
    all_months: bool = typer.Option(False, "--all", help="Republish every month already published, oldest first "
                                    "(after the disclosure rules change: each month is audited with the ones before it)."),
):
    """Write open-data/<period>/ from the public tables, after the privacy scan and the disclosure audit."""
    with clear_errors():
        if all_months:
            if period:
                fail("give either --period or --all, not both")
            months = published_periods()
            if not months:
                fail("no month is published yet: publish one with --period")
        else:
            months = [check_period(period or latest_complete_month())]
        for month in months:
            done = publish_with_report(month)
            if not all_months:
                for item in done.files:
                    rows = f"  ({item['rows']} rows)" if item["rows"] is not None else ""
                    console.print(f"{item['path']}{rows}", soft_wrap=True, markup=False)
            console.print(f"{month}: privacy scan found nothing; disclosure audit: {done.audit.withheld:,} withheld "
                          f"number(s) solved in {done.audit.solved:,} linear programs ({done.audit.seconds:.1f} s), none "
                          f"narrowed too far; {utility.describe(done.utility)}", soft_wrap=True, markup=False)


@app.command("privacy-scan")
def privacy_scan(period: str = typer.Option(None, help="Also scan open-data/<period>/ (YYYY-MM) and audit it with "
                                            "the packages before it.")):
    """Look for personal data and unsuppressed small cells in the publik schema (and a package, with
    the disclosure audit of what its numbers and the earlier packages' tell of every withheld one)."""
    with clear_errors():
        findings = privacy.scan_schema("publik", min_cell_size(), min_kelompok=protection().min_kelompok)
        if period:
            period = check_period(period)
            folder = open_data_dir() / period
            if not (folder / "SHA256SUMS").exists():
                fail(f"open-data/{period} is not published")
            findings += privacy.scan_folder(folder, min_cell_size(), min_kelompok=protection().min_kelompok)
            findings += disclosure.audit_folders(period, folder, predecessors(period), protection()).findings
        for finding in findings:
            console.print(str(finding), soft_wrap=True, markup=False)
        if findings:
            fail(f"{len(findings)} finding(s)")
        console.print("privacy scan: nothing found" + ("; disclosure audit: nothing narrowed too far" if period else ""))


@app.command()
def summary(period: str = typer.Option(None, help="Month, YYYY-MM (default: the latest complete month).")):
    """What the warehouse holds for a month: loaded, quarantined and why, published."""
    with clear_errors():
        show_summary(check_period(period or latest_complete_month()))


@app.command("report")
def report_command(
    period: str = typer.Option(None, help="Month, YYYY-MM (default: the latest complete month)."),
    out: Path = typer.Option(None, help="Folder for index.html (default: .kinerja/reports/validation/<period>)."),
):
    """Write the month's validation report (static HTML): every batch, its rules, its quarantined rows."""
    with clear_errors():
        typer.echo(validation_report.render(check_period(period or latest_complete_month()), out))


def show_summary(period: str) -> None:
    facts = run_summary.period_summary(period)
    table = Table(title=f"Batches for {period}", show_lines=False)
    for column in ("agency", "entity", "status", "received", "loaded", "quarantined", "balanced"):
        table.add_column(column, justify="right" if column in ("received", "loaded", "quarantined") else "left")
    for b in facts["batches"]:
        table.add_row(b["agency"], b["entity"], b["status"], str(b["received"] or 0), str(b["loaded"] or 0),
                      str(b["quarantined"] or 0), "yes" if b["balanced"] else "[red]no[/]")
    console.print(table)
    for b in facts["batches"]:
        if b["message"]:
            console.print(f"[red]{b['agency']} {b['entity']} rejected:[/] {b['message']}")
    if facts["quarantine"]:
        reasons = Table(title="Quarantined rows by rule")
        reasons.add_column("agency")
        reasons.add_column("entity")
        reasons.add_column("rule")
        reasons.add_column("rows", justify="right")
        for q in facts["quarantine"]:
            reasons.add_row(q["agency"], q["entity"], q["rule"], str(q["rows"]))
        console.print(reasons)
        console.print("rows as received, with their rules: [bold]select * from audit.quarantine[/]")
    for line in facts["marts"]:
        console.print(line)
    for path in facts["published"]:
        console.print(f"published: {path}")
    try:
        console.print(f"validation report: {validation_report.render(period)}", soft_wrap=True, markup=False)
    except OSError as exc:
        console.print(f"[red]validation report not written:[/] {exc}", soft_wrap=True)


@app.command()
def retention():
    """Replace the landed deliveries whose retention period for personal fields has ended
    (KINERJA_PERSONAL_RETENTION_DAYS, default 90) by their redacted copies; each run's extraction
    does the same for its governments."""
    with clear_errors():
        done = policy.redact_expired()
        for item in done:
            console.print(f"redacted {item.path} ({', '.join(item.fields)}): sha256 {item.original_sha256} "
                          f"-> {item.redacted_sha256}", soft_wrap=True, markup=False)
        console.print(f"{len(done)} landed file(s) redacted (retention {policy.retention_days()} days)")


@warehouse_app.command("url")
def warehouse_url():
    """Print the warehouse's URL as its owner (give it to psql: the password comes from the password
    file it names, readable by you alone); starts the embedded warehouse if needed."""
    with clear_errors():
        typer.echo(warehouse.url())


@warehouse_app.command("stop")
def warehouse_stop():
    """Stop the embedded warehouse (its data stays under .kinerja/pgdata)."""
    with clear_errors():
        if not warehouse.is_embedded():
            fail("KINERJA_WAREHOUSE_URL names an external PostgreSQL; this command stops only the embedded one")
        console.print("embedded warehouse stopped" if warehouse.stop() else "the embedded warehouse was not running")


@warehouse_app.command("grant-login")
def warehouse_grant_login(
    role: str = typer.Argument(..., help="The group role: kinerja_etl, auditor, publik or instansi_<kode>."),
    login_name: str = typer.Argument(..., help="The login to create (or to add to the group)."),
):
    """Create a login that is a member of one of the project's group roles (docs/access.md).

    Its password is taken from KINERJA_LOGIN_PASSWORD when set (only its SCRAM hash is sent);
    without it the login authenticates as the server's pg_hba.conf allows (peer, certificate).
    A reader's every statement is logged (`kinerja warehouse access-log`). Needs the admin's
    connection (KINERJA_ADMIN_URL, a superuser's KINERJA_WAREHOUSE_URL, or the embedded warehouse).
    """
    with clear_errors():
        conninfo = warehouse.roles_url()
        access.ensure_roles(conninfo)
        password = os.environ.get("KINERJA_LOGIN_PASSWORD") or None
        created = access.grant_login(role, login_name, conninfo, password=password)
        console.print(f"login {login_name} {'created' if created else 'exists'}, member of {role}"
                      + ("; password set from KINERJA_LOGIN_PASSWORD" if password else "; no password set"))


@warehouse_app.command("access-log")
def warehouse_access_log(
    since: str = typer.Option(None, help="Only statements from this moment on (ISO 8601, e.g. 2026-12-01 or "
                                         "2026-12-01T08:00+07:00; without a zone: UTC)."),
    login: str = typer.Option(None, help="Only this login's statements."),
):
    """Every statement the readers' logins (auditor, publik, instansi_<kode>) ran, from the server's log:
    time, login, database, statement."""
    with clear_errors():
        try:
            moment = dt.datetime.fromisoformat(since) if since else None
        except ValueError:
            fail(f"--since {since!r} is not a moment (ISO 8601, e.g. 2026-12-01T08:00)")
        try:
            found = access_log.reads(since=moment, login=login)
        except access_log.AccessLogError as exc:
            fail(str(exc))
        for read in found:
            statement = " ".join(read.statement.split())
            typer.echo(f"{read.at}\t{read.login}\t{read.database}\t{statement}")
        typer.echo(f"{len(found)} statement(s)")


@app.command()
def airflow(port: int = typer.Option(8080, help="Port of Airflow's web UI on localhost.")):
    """Start Airflow's own UI, scheduler and workers on localhost over this project's DAGs and metadata."""
    with clear_errors():
        os.environ["KINERJA_AIRFLOW_PORT"] = str(port)
        os.environ.setdefault("AIRFLOW__API__HOST", "127.0.0.1")
        warehouse.url()
        start_local_services()
        orchestration.ensure_metadata()
        # standalone starts its components as `airflow ...`: the venv's commands must be on PATH
        bin_dir = str(Path(orchestration.airflow_bin()).parent)
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        console.print(f"Airflow UI: http://localhost:{port}  (Ctrl-C stops it; DAG kinerja_bulanan starts paused)")
        os.execv(orchestration.airflow_bin(), [orchestration.airflow_bin(), "standalone"])


def main() -> None:  # pragma: no cover
    add_commands(app)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
