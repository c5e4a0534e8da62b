"""The `kinerja` command: the demo world, monthly runs, publishing, the warehouse and Airflow."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from pathlib import Path

import typer
from typer._click import exceptions as parser_errors  # the parser's errors (typer's own copy of click)
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from etl.settings import ConfigError, environment


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


def _group(**kwargs) -> typer.Typer:
    return typer.Typer(cls=OneSentence, **kwargs)

app = _group(
    help="Consolidate ASN performance records and SKM surveys into the warehouse, and publish open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
warehouse_app = _group(help="The warehouse: where it is, stopping the embedded one, and who may log in.",
                            no_args_is_help=True)
app.add_typer(warehouse_app, name="warehouse")
simulator_app = _group(help="The agencies' API simulator (SIASN-style) on loopback, for the demo world.",
                            no_args_is_help=True)
app.add_typer(simulator_app, name="simulator")
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
    from etl.config import check_period

    period = check_period(latest_complete_month() if period is None else period)
    if period > current_month():
        fail(f"{name} {period} is in the future (this month is {current_month()})")
    return period


def demo_world_months() -> tuple[Path, list[str]] | None:
    """(manifest, months) of the demo world in the sources folder, None where it holds none (real
    deliveries)."""
    import json

    from etl.config import sources_dir

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
    from etl.config import ConfigError
    from etl.transform import TransformError
    from etl.warehouse import WarehouseError

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


def loopback_api_port() -> int | None:
    """The port of an API source on this machine (the demo's simulator), if the agencies file has one."""
    from urllib.parse import urlsplit

    from etl.config import load_agencies

    if environment().siasn_origin:
        return None  # somebody else serves it
    for agency in load_agencies():
        for source in agency.sources:
            url = urlsplit(str(source.options.get("base_url", "")))
            if source.kind == "siasn_api" and url.hostname in ("127.0.0.1", "localhost"):
                return url.port or 80
    return None


def ensure_simulator() -> None:
    """Start the agency simulator (detached, reused by later commands) when a source needs it."""
    from etl.sources import simulator

    port = loopback_api_port()
    if port is not None:
        simulator.start_process(port=port)


@app.command()
def synth(
    months: str = typer.Option(None, help="Months to write, e.g. 2026-01..2026-10 (default: January through the latest complete month)."),
    seed: int = typer.Option(2026, help="Random seed: the same seed gives the same bytes."),
    employees: int = typer.Option(1000, help="Employees across the five governments."),
    out: Path = typer.Option(None, help="Folder for the agencies' deliveries (default: data/sources)."),
):
    """Write the demo world's source data and its manifest of planted defects."""
    from etl import synth as generator
    from etl.config import sources_dir

    with clear_errors():
        count_argument(employees, "--employees", 1, MAX_EMPLOYEES)
        count_argument(seed, "--seed", 0, MAX_SEED)
        months = default_months() if months is None else months
        if not months.isascii():  # ２０２６-０１ is not a month the generator may read as one
            fail(f"months '{months}' is not YYYY-MM or YYYY-MM..YYYY-MM (ASCII digits)")
        chosen = generator.parse_months(months)
        if len(chosen) > MAX_MONTHS:
            fail(f"--months {chosen[0]}..{chosen[-1]} is {len(chosen):,} months; a demo world holds at most {MAX_MONTHS}")
        if chosen[-1] > current_month():
            fail(f"--months reaches {chosen[-1]}, in the future (this month is {current_month()})")
        folder = (out or sources_dir()).resolve()
        with console.status("writing the demo world…") as status:
            manifest = generator.generate(
                generator.Settings(folder, chosen, seed, employees),
                progress=lambda period: status.update(f"writing the demo world… {period}"),
            )
        console.print(f"demo world for {len(chosen)} month(s) ({chosen[0]} … {chosen[-1]}) written to {folder}")
        console.print(f"manifest of planted defects: {folder / 'manifest.json'} ({len(manifest['agencies'])} government(s))")


@app.command()
def run(period: str = typer.Option(None, help="Month to consolidate, YYYY-MM (default: the latest complete month).")):
    """Run the Airflow DAG kinerja_bulanan for one month, in-process, and summarise it."""
    from etl import delivery_calendar, orchestration, warehouse
    from etl.config import home

    with clear_errors():
        period = month_argument(period)
        world = demo_world_months()
        if world and period not in world[1]:
            fail(f"--period {period} is outside the demo world's months, {world[1][0]}..{world[1][-1]} ({world[0]}); "
                 f"write it first: kinerja synth --months {period}")
        with console.status("starting the warehouse and the agency simulator…"):
            warehouse.url()
            ensure_simulator()
        # a month with nothing to do says so first, one line per government (etl/delivery_calendar.py)
        check = delivery_calendar.check_month(period, record=False)
        if not check.delivering:
            delivery_calendar.check_month(period)  # recorded: the delivery calendar shows them missing
            for sentence in check.sentences():
                console.print(sentence, soft_wrap=True, markup=False)
            fail(f"no government has delivered anything for {period}")
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


@app.command()
def publish(
    period: str = typer.Option(None, help="Month to publish, YYYY-MM (default: the latest complete month)."),
    all_months: bool = typer.Option(False, "--all", help="Republish every month already published, oldest first "
                                    "(after the disclosure rules change: each month is audited with the ones before it)."),
):
    """Write open-data/<period>/ from the public tables, after the privacy scan and the disclosure audit."""
    from etl.publish import published_periods, publish_with_report, utility

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
    from etl.config import open_data_dir
    from etl.publish import disclosure, min_cell_size, predecessors, privacy, protection

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
    from etl import delivery_calendar

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


@app.command()
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
    from etl import bench as benchmark
    from etl.config import PROJECT_DIR

    echo = lambda line: console.print(line, soft_wrap=True, markup=False)  # noqa: E731
    with clear_errors():
        count_argument(employees, "--employees", 1, MAX_EMPLOYEES)
        count_argument(per_instansi, "--per-instansi", 1, employees)
        count_argument(concurrency, "--concurrency", 1, MAX_CONCURRENCY)
        count_argument(history_months, "--history-months", 0, MAX_HISTORY_MONTHS)
        if history_months:
            benchmark.run_history(employees, history_months, per_instansi, results or PROJECT_DIR / "bench" / "results",
                                  echo=echo)
        else:
            benchmark.run(employees, per_instansi, plain, results or PROJECT_DIR / "bench" / "results", concurrency,
                          echo=echo)


@app.command("report")
def report_command(
    period: str = typer.Option(None, help="Month, YYYY-MM (default: the latest complete month)."),
    out: Path = typer.Option(None, help="Folder for index.html (default: .kinerja/reports/validation/<period>)."),
):
    """Write the month's validation report (static HTML): every batch, its rules, its quarantined rows."""
    from etl.validate import report as validation_report

    with clear_errors():
        typer.echo(validation_report.render(month_argument(period), out))


def show_summary(period: str) -> None:
    from etl import report
    from etl.validate import report as validation_report

    facts = report.period_summary(period)
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
    from etl import retention as policy

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
    from etl import warehouse

    with clear_errors():
        typer.echo(warehouse.url())


@warehouse_app.command("stop")
def warehouse_stop():
    """Stop the embedded warehouse (its data stays under .kinerja/pgdata)."""
    from etl import warehouse

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
    from etl import access

    with clear_errors():
        access.check_grant(role, login_name)  # before anything is made on the server
        access.ensure_roles()
        password = environment().login_password
        created = access.grant_login(role, login_name, password=password)
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
    from etl import access_log

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


@simulator_app.command("start")
def simulator_start(port: int = typer.Option(None, help="Port (default: the one in the agencies file, else 8765).")):
    """Serve the demo world's agency APIs on 127.0.0.1 (stays up until `kinerja simulator stop`)."""
    from etl.sources import simulator

    with clear_errors():
        count_argument(port, "--port", 1, 65535)
        url = simulator.start_process(port=port or loopback_api_port() or 8765)
        console.print(f"agency simulator: {url}")


@simulator_app.command("stop")
def simulator_stop():
    """Stop the agency simulator."""
    from etl.sources import simulator

    with clear_errors():
        console.print("agency simulator stopped" if simulator.stop_process() else "the agency simulator was not running")


@simulator_app.command("status")
def simulator_status():
    """Whether the agency simulator runs, and where."""
    from etl.sources import simulator

    with clear_errors():
        info = simulator.running()
        console.print(f"running at {info['url']} serving {info['dataDir']} (pid {info['pid']})" if info
                      else "not running")


@config_app.command("check")
def config_check():
    """Check the agencies file (KINERJA_AGENCIES, default config/agencies.yml) and every connector's options."""
    from etl.config import agencies_file, load_agencies

    with clear_errors():
        agencies = load_agencies()
        console.print(f"{agencies_file()}: {len(agencies)} governments, "
                      f"{sum(len(a.sources) for a in agencies)} sources, every option known and well-typed")


@config_app.command("schema")
def config_schema(write: bool = typer.Option(False, "--write", help="Write docs/agencies.schema.json instead of "
                                                                   "printing it.")):
    """The JSON Schema of the agencies file, generated from its model and the connectors' options
    (--write: also the options' tables of docs/configuration.md)."""
    from etl.config import OPTIONS_DOC, SCHEMA_FILE, schema_text, with_options_reference

    if write:
        SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
        OPTIONS_DOC.write_text(with_options_reference(OPTIONS_DOC.read_text(encoding="utf-8")), encoding="utf-8")
        console.print(f"wrote {SCHEMA_FILE} and the options in {OPTIONS_DOC}")
    else:
        sys.stdout.write(schema_text())


@app.command()
def airflow(port: int = typer.Option(8080, help="Port of Airflow's web UI on localhost.")):
    """Start Airflow's own UI, scheduler and workers on localhost over this project's DAGs and metadata."""
    from etl import orchestration, warehouse

    with clear_errors():
        count_argument(port, "--port", 1, 65535)
        os.environ["KINERJA_AIRFLOW_PORT"] = str(port)
        os.environ.setdefault("AIRFLOW__API__HOST", "127.0.0.1")
        warehouse.url()
        ensure_simulator()
        orchestration.ensure_metadata()
        # standalone starts its components as `airflow ...`: the venv's commands must be on PATH
        bin_dir = str(Path(orchestration.airflow_bin()).parent)
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        console.print(f"Airflow UI: http://localhost:{port}  (Ctrl-C stops it; DAG kinerja_bulanan starts paused)")
        os.execv(orchestration.airflow_bin(), [orchestration.airflow_bin(), "standalone"])


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
