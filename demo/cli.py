"""The demo's part of the `kinerja` command, which finds it through the entry points this package
declares in pyproject.toml (the product's CLI, etl/cli.py, knows no demo):

  kinerja.commands   synth (the demo world), simulator (start | stop | status of the agencies' API)
  kinerja.services   start_simulator: before `kinerja run` and `kinerja airflow`, the simulator is
                     started when an agency's API source is on this machine (config/agencies.yml)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import typer

from demo import simulator
from etl.cli import (
    MAX_EMPLOYEES, MAX_MONTHS, MAX_SEED, clear_errors, command_group, console, count_argument, current_month,
    default_months, fail,
)
from etl.config import load_agencies, sources_dir
from etl.settings import environment

simulator_app = command_group(help="The agencies' API simulator (SIASN-style) on loopback, for the demo world.",
                              no_args_is_help=True)


def synth(
    months: str = typer.Option(None, help="Months to write, e.g. 2026-01..2026-10 (default: January through the latest complete month)."),
    seed: int = typer.Option(2026, help="Random seed: the same seed gives the same bytes."),
    employees: int = typer.Option(1000, help="Employees across the five governments."),
    out: Path = typer.Option(None, help="Folder for the agencies' deliveries (default: data/sources)."),
):
    """Write the demo world's source data and its manifest of planted defects."""
    from demo import synth as generator  # pandas and the writers: only for this command

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


def loopback_api_port() -> int | None:
    """The port of an API source on this machine (the demo's simulator), if the agencies file has one."""
    if environment().siasn_origin:
        return None  # somebody else serves it
    for agency in load_agencies():
        for source in agency.sources:
            url = urlsplit(str(source.options.get("base_url", "")))
            if source.kind == "siasn_api" and url.hostname in ("127.0.0.1", "localhost"):
                return url.port or 80
    return None


def start_simulator() -> None:
    """Start the agency simulator (detached, reused by later commands) when a source needs it."""
    port = loopback_api_port()
    if port is not None:
        simulator.start_process(port=port)


@simulator_app.command("start")
def simulator_start(port: int = typer.Option(None, help="Port (default: the one in the agencies file, else 8765).")):
    """Serve the demo world's agency APIs on 127.0.0.1 (stays up until `kinerja simulator stop`)."""
    with clear_errors():
        count_argument(port, "--port", 1, 65535)
        url = simulator.start_process(port=port or loopback_api_port() or 8765)
        console.print(f"agency simulator: {url}")


@simulator_app.command("stop")
def simulator_stop():
    """Stop the agency simulator."""
    with clear_errors():
        console.print("agency simulator stopped" if simulator.stop_process() else "the agency simulator was not running")


@simulator_app.command("status")
def simulator_status():
    """Whether the agency simulator runs, and where."""
    with clear_errors():
        info = simulator.running()
        console.print(f"running at {info['url']} serving {info['dataDir']} (pid {info['pid']})" if info
                      else "not running")
