"""Every `kinerja` command refuses what makes no sense: one sentence on stderr, a non-zero exit, no
traceback, and nothing written (issue 25).

A hypothesis property drives every command in-process (typer's CliRunner) with generated hostile
arguments — empty, huge, negative, future, malformed, unicode, shell metacharacters, an extra
argument, an unknown option — with the product's stores in folders of the test's own and no
warehouse URL: a command that got past its checks would write there (the embedded warehouse's
data folder is under KINERJA_HOME), so an empty folder afterwards means nothing was written.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from etl.cli import MAX_EMPLOYEES, MAX_SEED, add_commands, app

add_commands(app)  # the demo's and the benchmark's commands, as `kinerja` (main) adds them

THIS_YEAR = dt.date.today().year
NOT_DIGITS = st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="\x00")
METACHARACTERS = st.sampled_from(["; rm -rf /", "$(reboot)", "`id`", "| cat /etc/passwd", "&& echo x", "> /tmp/x",
                                  "'\"", "\\", "*", "~", "${HOME}", "\n", "[bold]markup[/]", "%s%n"])
UNICODE = st.text(NOT_DIGITS, min_size=1, max_size=20).filter(lambda t: t.strip() != "")
HUGE = st.integers(min_value=10**12, max_value=10**40)
NEGATIVE = st.integers(min_value=-10**40, max_value=-1)


def _future_month() -> st.SearchStrategy[str]:
    return st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(THIS_YEAR + 1, 9999), st.integers(1, 12))


MALFORMED_MONTH = st.one_of(
    st.just(""), st.just(" "), st.just("2026-13"), st.just("2026-00"), st.just("26-01"), st.just("2026-1"),
    st.just("2026-Q1"), st.just("２０２６-０１"), st.just("2026-01 "), st.just("-2026-01"),
    st.text(NOT_DIGITS, max_size=12), METACHARACTERS, st.builds(lambda n: "9" * n, st.integers(5, 5000)),
)
BAD_MONTH = st.one_of(MALFORMED_MONTH, _future_month())
BAD_YEAR = st.one_of(st.just(""), st.just("26"), st.just("2026-01"), st.just("２０２６"), st.just(" 2026"), METACHARACTERS,
                    st.text(NOT_DIGITS, min_size=1, max_size=8), st.builds(str, st.integers(THIS_YEAR + 1, 9999)))
NOT_A_NUMBER = st.one_of(st.just(""), UNICODE, METACHARACTERS, st.just("1e5"), st.just("12.5"), st.just("0x10"))


def _count(low: int, high: int) -> st.SearchStrategy[str]:
    """A value of an integer option that is not a count from low to high."""
    outside = st.one_of(st.integers(min_value=-10**40, max_value=low - 1),
                        st.integers(min_value=high + 1, max_value=high + 10**40))
    return st.one_of(outside.map(str), NOT_A_NUMBER)


BAD_MONTHS_RANGE = st.one_of(
    MALFORMED_MONTH.filter(lambda t: t.strip() != "2026-01"),  # the generator reads " 2026-01 " as 2026-01
    st.just("2026-05..2026-01"),  # backwards
    st.just("0001-01..9999-12"),  # ten thousand years
    st.builds(lambda y: f"2026-01..{y}-06", st.integers(THIS_YEAR + 1, 9999)),  # into the future
    st.builds(lambda a, b: f"{a}..{b}", METACHARACTERS, MALFORMED_MONTH),
)
BAD_MOMENT = st.one_of(st.just(""), UNICODE, METACHARACTERS, st.just("2026-13-01"), st.just("yesterday"),
                       st.builds(lambda y: f"{y}-01-01", st.integers(THIS_YEAR + 1, 9999)))
BAD_NAME = st.one_of(st.just(""), METACHARACTERS, UNICODE.filter(lambda t: not re.fullmatch(r"[A-Za-z_]\w*", t, re.A)),
                     st.builds(lambda n: "x" * n, st.integers(64, 500)))
EXTRA = st.one_of(UNICODE, METACHARACTERS, st.just("--no-such-option"), st.just("-x"), st.just("2026-01"))

# every command of the kinerja command line: its hostile calls
COMMANDS = {
    ("synth",): [("--employees", _count(1, MAX_EMPLOYEES)), ("--seed", _count(0, MAX_SEED)),
                 ("--months", BAD_MONTHS_RANGE)],
    ("run",): [("--period", BAD_MONTH)],
    ("backfill",): [("--from", BAD_MONTH), ("--to", BAD_MONTH)],
    ("publish",): [("--period", BAD_MONTH)],
    ("privacy-scan",): [("--period", BAD_MONTH)],
    ("summary",): [("--period", BAD_MONTH)],
    ("status",): [("--period", BAD_MONTH)],
    ("report",): [("--period", BAD_MONTH)],
    ("bench",): [("--employees", _count(1, MAX_EMPLOYEES)), ("--concurrency", _count(1, 256)),
                 ("--history-months", _count(0, 60)), ("--per-instansi", _count(1, 200_000)),
                 ("--period", BAD_MONTH), ("--annual", BAD_YEAR)],
    ("retention",): [],
    ("airflow",): [("--port", _count(1, 65535))],
    ("workbench",): [("--port", _count(1, 65535)), ("--docs-url", st.one_of(UNICODE, METACHARACTERS, st.just("")))],
    ("docs",): [("--port", _count(1, 65535))],
    ("warehouse", "url"): [],
    ("warehouse", "stop"): [],
    ("warehouse", "grant-login"): [],
    ("warehouse", "access-log"): [("--since", BAD_MOMENT), ("--login", BAD_NAME)],
    ("simulator", "start"): [("--port", _count(1, 65535))],
    ("simulator", "stop"): [],
    ("simulator", "status"): [],
    ("config", "check"): [],
    ("config", "schema"): [],
}


@st.composite
def hostile_calls(draw) -> list[str]:
    command = draw(st.sampled_from(sorted(COMMANDS)))
    options = COMMANDS[command]
    if command == ("warehouse", "grant-login"):
        role = draw(st.one_of(BAD_NAME, st.sampled_from(["postgres", "kinerja_owner", "instansi_nowhere", "admin"])))
        return [*command, role, draw(st.one_of(st.just("uji_login"), BAD_NAME))]
    ways = ["extra", "unknown"] + (["value"] if options else [])
    way = draw(st.sampled_from(ways))
    if way == "extra":
        return [*command, draw(EXTRA)]
    if way == "unknown":
        return [*command, draw(st.sampled_from(["--perio", "--employes", "--force", "--period=2026-01=x"])), "1"]
    name, values = draw(st.sampled_from(options))
    return [*command, name, draw(values)]


@pytest.fixture
def stores(tmp_path, monkeypatch):
    """The product's stores in empty folders of this test; no warehouse named (the embedded one would
    be made under KINERJA_HOME)."""
    folders = {name: tmp_path / name.lower() for name in
               ("KINERJA_HOME", "KINERJA_OPEN_DATA_DIR", "KINERJA_LANDING_DIR", "KINERJA_SOURCES_DIR")}
    for name, folder in folders.items():
        monkeypatch.setenv(name, str(folder))
    for name in ("KINERJA_WAREHOUSE_URL", "KINERJA_ADMIN_URL", "KINERJA_LOADER_URL", "KINERJA_DEBUG",
                 "KINERJA_SIASN_ORIGIN"):
        monkeypatch.delenv(name, raising=False)
    return list(folders.values())


def _written(folders) -> list[str]:
    return [str(path) for folder in folders if folder.exists() for path in folder.rglob("*")]


def _refused(args: list[str], stores) -> str:
    for folder in stores:  # each call starts from empty stores
        shutil.rmtree(folder, ignore_errors=True)
    result = CliRunner().invoke(app, args)
    shown = f"kinerja {args!r}: exit {result.exit_code}, stdout {result.stdout!r}, stderr {result.stderr!r}"
    assert result.exit_code not in (0, None), shown
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), shown
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), shown  # one sentence
    assert "Traceback" not in result.stderr + result.stdout and not lines[0].startswith("error: unexpected"), shown
    assert _written(stores) == [], shown
    return lines[0]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=hostile_calls())
def test_every_command_refuses_hostile_arguments_in_one_sentence(args, stores):
    _refused(args, stores)


@pytest.mark.parametrize("args, sentence", [
    (["publish", "--period", "2031-01"], r"2031-01 is in the future \(this month is \d{4}-\d{2}\)"),
    (["run", "--period", "2031-01"], r"--period 2031-01 is in the future"),
    (["synth", "--employees", "-5"], r"--employees must be from 1 to 10,000,000, not -5"),
    (["synth", "--months", "2026-05..2026-01"], r"months '2026-05..2026-01' is not a valid range"),
    (["bench", "--employees", "0"], r"--employees must be from 1 to 10,000,000, not 0"),
    (["bench", "--period", "2026-Q4"], r"period '2026-Q4' is not of the form YYYY-MM"),
    (["bench", "--annual", "26"], r"the year must be YYYY in ASCII digits \(as 2026\), not 26"),
    (["bench", "--annual", "2026", "--history-months", "3"], r"give either --annual or --history-months, not both"),
    (["bench", "--history-months", "2"], r"--history-months needs at least 3 months \(2 to compare with, then the history\), not 2"),
    (["run", "--period", "2026-13"], r"period '2026-13' is not of the form YYYY-MM"),
    (["warehouse", "grant-login", "admin", "budi"], r"admin is not one of the project's group roles: kinerja_etl, "),
    (["warehouse", "access-log", "--login", "x; drop table"], r"--login 'x; drop table' is not a login's name"),
    (["summary", "--perio", "2026-01"], r"No such option: --perio"),
    (["backfill", "--from", "2026-10", "--to", "2026-08"], r"--from 2026-10 is after --to 2026-08"),
    (["backfill", "--from", "2026-01", "--to", "2026-02", "--agency", "ATLANTIS"],
     r"unknown government\(s\) ATLANTIS: the agencies file has KEPAHIANG, "),
])
def test_the_issues_examples_end_in_one_sentence(args, sentence, stores):
    assert re.search(sentence, _refused(args, stores))


def test_run_refuses_a_month_outside_the_demo_world_naming_its_range(stores, tmp_path, monkeypatch):
    import json

    world = tmp_path / "world"
    world.mkdir()
    (world / "manifest.json").write_text(json.dumps({"months": ["2026-09", "2026-08", "2026-10"]}), encoding="utf-8")
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(world))
    sentence = _refused(["run", "--period", "2026-05"], stores)
    assert sentence == (f"error: --period 2026-05 is outside the demo world's months, 2026-08..2026-10 "
                        f"({world / 'manifest.json'}); write it first: kinerja synth --months 2026-05")
