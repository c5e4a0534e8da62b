"""The `kinerja` command: monthly runs and backfills, publishing, the warehouse and Airflow.

It knows nothing of the demo or the benchmark: more sub-commands come from the entry-point group
`kinerja.commands` (pyproject.toml: `synth` and `simulator` from demo.cli, `bench` from bench.cli),
and what this machine's sources need before a run is started by the group `kinerja.services`
(the demo's API simulator). Both are read when the command starts (main)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

import typer
from typer._click import exceptions as parser_errors  # the parser's errors (typer's own copy of click)
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from etl import access, access_log, backfill as history, delivery_calendar, orchestration, retention as policy, summary as run_summary
from etl import catalog, workbench as superset_workbench
from etl import progress, tahunan, warehouse
from etl.config import (
    OPTIONS_DOC, SCHEMA_FILE, agencies_file, home, load_agencies, open_data_dir, schema_text, with_options_reference,
)
from etl.publish import (
    disclosure, min_cell_size, predecessors, privacy, protection, published_periods, publish_with_report, utility,
)
from etl.settings import ConfigError, check_period, environment, sources_dir
from etl.transform import TransformError
from etl.validate import report as validation_report
from etl.warehouse import WarehouseError


class OneSentence(TyperGroup):
    """Every refusal of the command line is one sentence on stderr and a non-zero exit, never a
    usage panel or a traceback: the usage errors of the command-line parser (an unknown option, a
    value of the wrong type, an extra argument) included. KINERJA_DEBUG=1 shows the traceback of an
    unexpected failure."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except parser_errors.NoArgsIsHelpError as exc:  # `kinerja` alone: its help
            exc.show()
            code = exc.exit_code
        except parser_errors.ClickException as exc:
            say_error(exc.format_message())
            code = exc.exit_code
        except typer.Exit as exc:
            code = exc.exit_code
        except typer.Abort:
            say_error("aborted")
            code = 1
        except Exception as exc:  # a failure no check foresaw: still one sentence
            if debugging():
                raise
            first = (str(exc).strip().splitlines() or [""])[0]
            say_error(f"unexpected {type(exc).__name__}: {first} (KINERJA_DEBUG=1 shows where)")
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def command_group(**kwargs) -> typer.Typer:
    """A group of commands whose every refusal is one sentence (OneSentence); the demo's and the
    benchmark's commands use it too."""
    return typer.Typer(cls=OneSentence, **kwargs)


_group = command_group

app = _group(
    help="Consolidate ASN performance records and SKM surveys into the warehouse, and publish open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
warehouse_app = _group(help="The warehouse: where it is, stopping the embedded one, and who may log in.",
                            no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")
config_app = _group(help="The agencies file: check it, and its JSON Schema.", no_args_is_help=True)
app.add_typer(config_app, name="config")
console = Console()
errors = Console(stderr=True, soft_wrap=True)

# what the arguments may be (issue 25): counts positive and bounded
MAX_EMPLOYEES = 10_000_000  # beyond twice the national ASN (about 4.5 million)
MAX_MONTHS = 120  # a demo world of at most ten years
MAX_SEED = 2**32 - 1
MAX_CONCURRENCY = 256
MAX_HISTORY_MONTHS = 60


def latest_complete_month(today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    first = today.replace(day=1)
    last = first - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def default_months(today: dt.date | None = None) -> str:
    latest = latest_complete_month(today)
    return f"{latest[:4]}-01..{latest}"


def say_error(message: str) -> None:
    """One sentence on stderr (a message's later lines and runs of spaces folded into one line)."""
    errors.print(Text.assemble(("error: ", "bold red"), " ".join(str(message).split())))


def fail(message: str) -> None:
    say_error(message)
    raise typer.Exit(1)


def current_month(today: dt.date | None = None) -> str:
    return f"{(today or dt.date.today()):%Y-%m}"


def month_argument(period: str | None, name: str = "--period") -> str:
    """A month given on the command line: YYYY-MM, not in the future (default: the latest complete one)."""
    period = check_period(latest_complete_month() if period is None else period)
    if period > current_month():
        fail(f"{name} {period} is in the future (this month is {current_month()})")
    return period


def demo_world_months() -> tuple[Path, list[str]] | None:
    """(manifest, months) of the demo world in the sources folder, None where it holds none (real
    deliveries)."""
    manifest = sources_dir() / "manifest.json"
    try:
        months = json.loads(manifest.read_text(encoding="utf-8")).get("months") or []
    except (OSError, ValueError, AttributeError):
        return None
    return (manifest, sorted(months)) if months else None


def count_argument(value: int | None, name: str, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        fail(f"{name} must be from {low:,} to {high:,}, not {value:,}")


def debugging() -> bool:
    """KINERJA_DEBUG: show tracebacks (a malformed environment shows its one sentence instead)."""
    try:
        return environment().debug
    except ConfigError:
        return False


@contextlib.contextmanager
def clear_errors():
    """Known failures become one clear sentence; KINERJA_DEBUG=1 shows the traceback instead."""
    try:
        yield
    except typer.Exit:
        raise
    except (ConfigError, WarehouseError, TransformError, KeyError, RuntimeError, OSError) as exc:
        if debugging():
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


@contextlib.contextmanager
def live_progress(title: str):
    """The run's live progress board (etl/progress.py) on the terminal, drawn on a copy of the
    terminal's descriptor taken before output_to sends stdout and stderr to the log; nothing (None)
    when stdout is not a terminal."""
    if not console.is_terminal:
        yield None
        return
    sys.stdout.flush()
    with os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8") as out:
        screen = Console(file=out, force_terminal=True, width=console.width, height=console.height)
        with progress.show(screen, title) as board:
            yield board


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
def run(period: str = typer.Option(None, help="Month to consolidate, YYYY-MM (default: the latest complete month)."),
        year: str = typer.Option(None, "--year", help="Instead of a month, the annual evaluations of a year, YYYY "
                                 "(the DAG kinerja_tahunan).")):
    """Run the Airflow DAG kinerja_bulanan for one month (or, with --year, kinerja_tahunan for a year),
    in-process, and summarise it."""
    if year is not None:
        if period is not None:
            fail("give either --period or --year, not both")
        run_year(year)
        return
    with clear_errors():
        period = month_argument(period)
        world = demo_world_months()
        if world and period not in world[1]:
            fail(f"--period {period} is outside the demo world's months, {world[1][0]}..{world[1][-1]} ({world[0]}); "
                 f"write it first: kinerja synth --months {period}")
        with console.status("starting the warehouse and what the sources need…"):
            warehouse.url()
            start_local_services()
        # a month with nothing to do says so first, one line per government (etl/delivery_calendar.py)
        check = delivery_calendar.check_month(period, record=False)
        if not check.delivering:
            delivery_calendar.check_month(period)  # recorded: the delivery calendar shows them missing
            for sentence in check.sentences():
                console.print(sentence, soft_wrap=True, markup=False)
            fail(f"no government has delivered anything for {period}")
        log = home() / "logs" / f"run-{period}.log"
        with live_progress(f"kinerja_bulanan {period}"):
            with output_to(log):
                dag_run = orchestration.run_period(period)
                failed = orchestration.failed_tasks(dag_run)
                publication = dag_run.publication
                if publication is not None:
                    failed += orchestration.failed_tasks(publication)
        show_summary(period)
        console.print(f"Airflow's log of this run: {log}")
        for sentence in check.sentences():
            console.print(sentence, soft_wrap=True, markup=False)
        failed = [(name, state) for name, state in failed if name != "every_agency_delivered"]
        if check.nothing and not failed:
            fail(f"{len(check.nothing)} government(s) delivered nothing for {period}: {', '.join(check.nothing)}; "
                 f"the others were consolidated")
        if str(dag_run.state) != "success" or failed or (publication is not None and str(publication.state) != "success"):
            names = ", ".join(name for name, _ in failed) or "the run"
            fail(f"kinerja_bulanan for {period} did not fully succeed: {names} failed (see {log})")
        if publication is None:
            fail(f"the marts of {period} were not updated, so nothing was published (see {log})")


def run_year(year: str) -> None:
    """kinerja run --year: the DAG kinerja_tahunan for one year, in-process, and its summary."""
    with clear_errors():
        year = tahunan.check_year(year)
        world = demo_world_years()
        if world is not None and year not in world[1]:
            known = ", ".join(world[1]) or "none"
            fail(f"--year {year} has no annual evaluations in the demo world ({world[0]}: {known}); "
                 f"write it first: kinerja synth --months {year}-01..{year}-12")
        with console.status("starting the warehouse and what the sources need…"):
            warehouse.url()
            start_local_services()
        delivering = tahunan.delivering_agencies(year)
        if not delivering:
            fail(f"no government has delivered annual evaluations for {year}")
        log = home() / "logs" / f"run-{year}.log"
        with console.status(f"running kinerja_tahunan for {year} (Airflow log: {log})…"):
            with output_to(log):
                dag_run = orchestration.run_year(year)
                failed = orchestration.failed_tasks(dag_run)
        show_summary(year, report=False)
        for line in run_summary.year_summary(year):
            console.print(line, soft_wrap=True, markup=False)
        console.print(f"Airflow's log of this run: {log}")
        if str(dag_run.state) != "success" or failed:
            names = ", ".join(name for name, _ in failed) or "the run"
            fail(f"kinerja_tahunan for {year} did not fully succeed: {names} failed (see {log})")


def demo_world_years() -> tuple[Path, list[str]] | None:
    """(manifest, years with annual evaluations) of the demo world in the sources folder; None where it
    holds none (real deliveries)."""
    manifest = sources_dir() / "manifest.json"
    try:
        document = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not document.get("months"):
        return None
    years = {y for per_year in (document.get("tahunan") or {}).values() for y in per_year}
    return manifest, sorted(years)


@app.command()
def backfill(
    first: str = typer.Option(None, "--from", help="First month to consolidate, YYYY-MM (default: January of the "
                              "latest complete month's year, as `kinerja synth` writes the demo world)."),
    last: str = typer.Option(None, "--to", help="Last month, YYYY-MM (default: the latest complete month)."),
    agency: list[str] = typer.Option(None, "--agency", help="Only this government (repeatable; default: all)."),
    no_publish: bool = typer.Option(False, "--no-publish", help="Load and build only; publish nothing."),
):
    """Consolidate a range of months at once (a government's history, or the demo year): every
    month's deliveries through extract, validate and load, then one dbt build over all of them,
    then each month's validation report and open-data package, oldest first."""
    with clear_errors():
        last = month_argument(last, "--to")
        first = month_argument(f"{last[:4]}-01" if first is None else first, "--from")
        try:
            months = history.months_between(first, last)
        except history.BackfillError as exc:
            fail(str(exc))
        world = demo_world_months()
        if world and not set(months) <= set(world[1]):
            fail(f"--from {first} --to {last} reaches outside the demo world's months, {world[1][0]}..{world[1][-1]} "
                 f"({world[0]}); write them first: kinerja synth --months {first}..{last}")
        known = [a.kode for a in load_agencies()]
        unknown = sorted(set(agency or []) - set(known))
        if unknown:
            fail(f"unknown government(s) {', '.join(unknown)}: the agencies file has {', '.join(known)}")
        with console.status("starting the warehouse and what the sources need…"):
            warehouse.url()
            start_local_services()
        log = home_log(f"backfill-{months[0]}-{months[-1]}.log")
        with live_progress(f"backfill {months[0]} … {months[-1]}") as board:
            with output_to(log):
                result = history.backfill(months[0], months[-1], agencies=agency or None, publish=not no_publish,
                                          progress=board.step if board else lambda text: None)
        show_summary(months[-1])
        console.print(f"backfilled {len(months)} month(s) {months[0]} … {months[-1]}: ingest "
                      f"{result.ingest_seconds:.0f} s, dbt {result.transform_seconds:.0f} s, reports and publishing "
                      f"{result.publish_seconds:.0f} s; published {len(result.published)} month(s)", soft_wrap=True)
        console.print(f"log of this backfill: {log}", soft_wrap=True, markup=False)
        for item in result.failed:
            console.print(f"[red]{item.agency} {item.period} {item.status}:[/] {item.message}", soft_wrap=True)
        if result.failed:
            fail(f"{len(result.failed)} government-month(s) were not fully loaded (listed above); "
                 "the others were consolidated and published")


def home_log(name: str) -> Path:

    return home() / "logs" / name


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
            months = [month_argument(period)]
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
        period = month_argument(period) if period is not None else None
        findings = privacy.scan_schema("publik", min_cell_size(), min_kelompok=protection().min_kelompok)
        if period:
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


STATUS_STYLE = {"tepat_waktu": "green", "terlambat": "yellow", "diganti": "cyan", "ditolak": "red",
                "hilang": "red", "diterima": "dim", "belum_jatuh_tempo": "dim"}


@app.command()
def status(period: str = typer.Option(None, help="Month the deliveries are due in, YYYY-MM (default: every month, "
                                                 "latest first).")):
    """The delivery calendar: per government and entity, what was owed for the month and whether it
    came on time, late, was replaced, refused (with the gate) or is missing (marts.mart_kalender_kiriman)."""
    with clear_errors():
        period = month_argument(period) if period is not None else None
        rows = delivery_calendar.status_rows(period)
        if not rows:
            console.print(f"the delivery calendar holds nothing{' for ' + period if period else ''} yet "
                          f"(a run records what is owed; its dbt build fills the calendar)", soft_wrap=True)
            return
        for row in rows:
            received = f"received {row['diterima_pertama']:%Y-%m-%d}" if row["diterima_pertama"] else "nothing received"
            why = f" — {row['gate']}: {row['pesan']}" if row["gate"] else ""
            style = STATUS_STYLE.get(row["status"], "")
            line = Text.assemble(f"{row['bulan']}  {row['instansi_kode']:<12} {row['entity']:<20} {row['periode']:<8} ",
                                 (f"{row['status']:<17}", style),
                                 f" due {row['batas_waktu']:%Y-%m-%d}, {received}, {row['jumlah_kiriman']} delivery(ies){why}")
            console.print(line, soft_wrap=True)


@app.command()
def summary(period: str = typer.Option(None, help="Month, YYYY-MM (default: the latest complete month).")):
    """What the warehouse holds for a month: loaded, quarantined and why, published."""
    with clear_errors():
        show_summary(month_argument(period))


@app.command("report")
def report_command(
    period: str = typer.Option(None, help="Month, YYYY-MM (default: the latest complete month)."),
    out: Path = typer.Option(None, help="Folder for index.html (default: .kinerja/reports/validation/<period>)."),
):
    """Write the month's validation report (static HTML): every batch, its rules, its quarantined rows."""
    with clear_errors():
        typer.echo(validation_report.render(month_argument(period), out))


def show_summary(period: str, report: bool = True) -> None:

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
    if not report:  # a year's run: the monthly validation report does not cover it
        return
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
    for_workbench: bool = typer.Option(False, "--workbench", help="A workbench user: the Superset user LOGIN "
                                       "(password KINERJA_LOGIN_PASSWORD) whose queries run as this login, its "
                                       "warehouse password generated and kept by the workbench alone."),
):
    """Create a login that is a member of one of the project's group roles (docs/access.md).

    Its password is taken from KINERJA_LOGIN_PASSWORD when set (only its SCRAM hash is sent);
    without it the login authenticates as the server's pg_hba.conf allows (peer, certificate).
    A reader's every statement is logged (`kinerja warehouse access-log`). Needs the admin's
    connection (KINERJA_ADMIN_URL, a superuser's KINERJA_WAREHOUSE_URL, or the embedded warehouse).
    """
    with clear_errors():
        access.check_grant(role, login_name)  # before anything is made on the server
        if for_workbench:
            if role not in (access.AUDITOR, access.PUBLIK) and not role.startswith(access.INSTANSI_PREFIX):
                fail(f"{role} is not a reader role: a workbench user is auditor, publik or instansi_<kode>")
            password = environment().login_password
            if not password:
                fail("a workbench user needs a password: set KINERJA_LOGIN_PASSWORD (his password in the workbench)")
            try:
                created = superset_workbench.grant_user(role, login_name, password)
            except superset_workbench.WorkbenchError as exc:
                fail(str(exc))
            console.print(f"workbench user {login_name} {'created' if created else 'updated'}, reading as {role} "
                          f"through the login {login_name} (its password kept by the workbench); password in the "
                          "workbench from KINERJA_LOGIN_PASSWORD")
            return
        conninfo = warehouse.roles_url()
        access.ensure_roles(conninfo)
        password = environment().login_password
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
            moment = dt.datetime.fromisoformat(since) if since is not None else None
        except ValueError:
            fail(f"--since {since!r} is not a moment (ISO 8601, e.g. 2026-12-01T08:00)")
        if moment is not None and moment.replace(tzinfo=None) > dt.datetime.now():
            fail(f"--since {since} is in the future")
        if login is not None and not access_log.LOGIN_NAME.fullmatch(login):
            fail(f"--login {login!r} is not a login's name (letters, digits and _, at most 63 bytes)")
        try:
            found = access_log.reads(since=moment, login=login)
        except access_log.AccessLogError as exc:
            fail(str(exc))
        for read in found:
            statement = " ".join(read.statement.split())
            typer.echo(f"{read.at}\t{read.login}\t{read.database}\t{statement}")
        typer.echo(f"{len(found)} statement(s)")


@config_app.command("check")
def config_check():
    """Check the agencies file (KINERJA_AGENCIES, default config/agencies.yml) and every connector's options."""
    with clear_errors():
        agencies = load_agencies()
        console.print(f"{agencies_file()}: {len(agencies)} governments, "
                      f"{sum(len(a.sources) for a in agencies)} sources, every option known and well-typed")


@config_app.command("schema")
def config_schema(write: bool = typer.Option(False, "--write", help="Write docs/agencies.schema.json instead of "
                                                                   "printing it.")):
    """The JSON Schema of the agencies file, generated from its model and the connectors' options
    (--write: also the options' tables of docs/configuration.md)."""
    if write:
        SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
        OPTIONS_DOC.write_text(with_options_reference(OPTIONS_DOC.read_text(encoding="utf-8")), encoding="utf-8")
        console.print(f"wrote {SCHEMA_FILE} and the options in {OPTIONS_DOC}")
    else:
        sys.stdout.write(schema_text())


@app.command()
def airflow(port: int = typer.Option(8080, help="Port of Airflow's web UI on localhost.")):
    """Start Airflow's own UI, scheduler and workers on localhost over this project's DAGs and metadata."""
    with clear_errors():
        count_argument(port, "--port", 1, 65535)
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


@app.command("workbench")
def workbench_command(
    port: int = typer.Option(superset_workbench.DEFAULT_PORT, help="Port of the workbench (Superset) on localhost."),
    docs_url: str = typer.Option(None, "--docs-url", help="Where the catalog is served, for the workbench's menu "
                                 "(default: http://localhost:8081, `kinerja docs`)."),
):
    """The auditors' workbench: Apache Superset over the warehouse on http://localhost:8088, installed in
    its own environment on first use, its dashboards imported from workbench/dashboards/ (docs/workbench.md)."""
    with clear_errors():
        count_argument(port, "--port", 1, 65535)
        if docs_url is not None and not docs_url.startswith(("http://", "https://")):
            fail(f"--docs-url {docs_url!r} is not an http(s) URL")
        if superset_workbench.port_taken(port):
            fail(f"port {port} is taken: is the workbench running already? (another port: --port)")
        started = time.monotonic()
        warehouse.url()
        steps: dict[str, float] = {}  # seconds of each step that ran, for the closing line
        try:
            with console.status("installing Superset in its own environment (the first time only: a few minutes)…"):
                if seconds := superset_workbench.install():
                    steps["install"] = seconds
            with console.status("setting up the workbench: Superset's metadata…"):
                steps.update(superset_workbench.initialise())
            # the server boots (its workers import Superset) while the connections, roles and dashboards
            # are set up beside it: it only reads the metadata, and the URL is announced after both
            server_started = time.monotonic()
            server = subprocess.Popen(superset_workbench.serve_command(port),
                                      env=superset_workbench.environment(docs_url), start_new_session=True)
            try:
                with console.status("setting up the workbench: connections, roles, dashboards…"):
                    dashboards = superset_workbench.setup()
                    steps["connections, roles, dashboards"] = time.monotonic() - server_started
                with console.status(f"starting Superset on port {port}…"):
                    superset_workbench.wait_until_up(port)
                    steps["server"] = time.monotonic() - server_started
            except superset_workbench.WorkbenchError:
                server.terminate()
                raise
        except superset_workbench.WorkbenchError as exc:
            fail(str(exc))
        console.print(f"workbench: http://localhost:{port}  ({len(dashboards)} dashboards; up in "
                      f"{time.monotonic() - started:.0f} s: " + ", ".join(f"{name} {value:.0f} s" for name, value in steps.items())
                      + "); Ctrl-C stops it", soft_wrap=True)
        console.print("a login: KINERJA_LOGIN_PASSWORD=… kinerja warehouse grant-login auditor NAME --workbench",
                      soft_wrap=True, markup=False)
        try:
            server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait(timeout=30)


@app.command("docs")
def docs_command(
    port: int = typer.Option(catalog.DEFAULT_PORT, help="Port of the catalog on localhost."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the catalog only."),
):
    """The catalog: dbt's docs (every model, column, test, exposure, and the lineage from a delivery to
    the open-data files and the workbench's dashboards) built over the warehouse, and served."""
    with clear_errors():
        count_argument(port, "--port", 1, 65535)
        with console.status("dbt docs generate over the warehouse…"):
            site = catalog.build()
        found = catalog.contents(site)
        console.print(f"catalog: {found['models']} models ({found['in_warehouse']} in the warehouse), "
                      f"{found['columns']} documented columns, {found['exposures']} exposures in {site}", soft_wrap=True)
        if no_serve:
            return
        httpd = catalog.server(port, site)
        console.print(f"catalog: http://localhost:{port}  (Ctrl-C stops it)")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            httpd.server_close()


def main() -> None:  # pragma: no cover
    add_commands(app)
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
