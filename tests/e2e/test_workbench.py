"""The auditors' workbench (docs/workbench.md): Apache Superset over the consolidated demo world,
through its HTTP API and in headless Chromium, logged in as an auditor, an instansi_pauh reader and a
publik reader, each a workbench user of his own (`grant_user`: a warehouse login in the reader role,
a Superset user in the role that chooses that role's connection).

The auditor sees every dashboard rendered with the month's numbers equal to the marts; PAUH's reader
sees only PAUH, in his dashboards and in SQL Lab (a query over marts.fct_evaluasi_kinerja returns
PAUH's rows only); publik cannot open the marts; and the warehouse's access log shows each user's
queries under his own login.

Superset is installed in its own environment once per checkout (`make workbench-install`, or
`kinerja workbench` once): where it is not, these tests skip and say so. The test's metadata,
secret key and logins' password file are its own (KINERJA_WORKBENCH_DIR)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
import requests

from pagecheck import Browser

pytestmark = pytest.mark.e2e

SUFFIX = f"{os.getpid()}_{secrets.token_hex(3)}"
USERS = {"auditor": "auditor", "pauh": "instansi_pauh", "publik": "publik"}  # name -> reader role
OTHERS = ("JAMBI", "KEPAHIANG", "LAMPUNG", "WANGGAR")
AUDITOR_DASHBOARDS = ("kinerja-pegawai", "layanan-publik", "ikm-unit-layanan", "rekonsiliasi")
SQL = "select instansi_kode, count(*) as n from marts.fct_evaluasi_kinerja group by 1 order by 1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Workbench:
    """A running workbench: its URL, its users (name -> (login, password)), timings."""

    def __init__(self, url: str, users: dict[str, tuple[str, str]], seconds: dict[str, float]):
        self.url, self.users, self.seconds = url, users, seconds

    def api(self, name: str) -> requests.Session:
        """A session of Superset's REST API as one of the users (JWT, and the CSRF token its writes need)."""
        login, password = self.users[name]
        session = requests.Session()
        answer = session.post(f"{self.url}/api/v1/security/login", timeout=60,
                              json={"username": login, "password": password, "provider": "db", "refresh": False})
        answer.raise_for_status()
        session.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        answer = session.get(f"{self.url}/api/v1/security/csrf_token/", timeout=60)
        answer.raise_for_status()
        session.headers.update({"X-CSRFToken": answer.json()["result"], "Referer": self.url})
        return session

    def databases(self, session: requests.Session) -> dict[str, int]:
        answer = session.get(f"{self.url}/api/v1/database/", timeout=60)
        answer.raise_for_status()
        return {row["database_name"]: row["id"] for row in answer.json()["result"]}

    def sql_lab(self, session: requests.Session, database_id: int, sql: str) -> requests.Response:
        return session.post(f"{self.url}/api/v1/sqllab/execute/", timeout=120,
                            json={"database_id": database_id, "sql": sql, "runAsync": False, "schema": None})

    def dashboards(self, session: requests.Session) -> list[str]:
        answer = session.get(f"{self.url}/api/v1/dashboard/", params={"q": "(page_size:100)"}, timeout=60)
        answer.raise_for_status()
        return sorted(row["slug"] for row in answer.json()["result"])


@pytest.fixture(scope="module")
def workbench(first_run, warehouse_url, tmp_path_factory):
    from etl import workbench as superset_workbench

    if not superset_workbench.installed():
        pytest.skip(f"Superset is not installed in {superset_workbench.venv()}: `make workbench-install` (or "
                    "`kinerja workbench` once) installs it, a few minutes")
    folder = tmp_path_factory.mktemp("workbench")
    previous = os.environ.get("KINERJA_WORKBENCH_DIR")
    os.environ["KINERJA_WORKBENCH_DIR"] = str(folder)
    users = {name: (f"wb_{name}_{SUFFIX}", secrets.token_urlsafe(12)) for name in USERS}
    server, seconds = None, {}
    try:
        started = time.monotonic()
        superset_workbench.initialise()
        seconds["metadata"] = time.monotonic() - started
        superset_workbench.setup()
        seconds["setup"] = time.monotonic() - started - seconds["metadata"]
        for name, role in USERS.items():
            superset_workbench.grant_user(role, users[name][0], users[name][1])
        port = _free_port()
        server = subprocess.Popen(superset_workbench.serve_command(port), env=superset_workbench.environment(),
                                  start_new_session=True)
        seconds["serve"] = superset_workbench.wait_until_up(port)
        print(f"\nworkbench set up and started in {time.monotonic() - started:.0f} s: {seconds}")
        yield Workbench(f"http://127.0.0.1:{port}", users, seconds)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        if previous is None:
            os.environ.pop("KINERJA_WORKBENCH_DIR", None)
        else:
            os.environ["KINERJA_WORKBENCH_DIR"] = previous
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            for login, _ in users.values():
                conn.execute(f'drop role if exists "{login}"')


def _marts(warehouse_url, sql, *args):
    with psycopg.connect(warehouse_url) as conn:
        return conn.execute(sql, args).fetchall()


def test_each_reader_role_is_one_connection_and_the_person_chooses_none(workbench):
    for name, role in USERS.items():
        assert list(workbench.databases(workbench.api(name))) == [f"Gudang kinerja — {role}"], name


def test_the_auditor_reads_every_governments_rows_in_sql_lab(workbench, warehouse_url):
    session = workbench.api("auditor")
    answer = workbench.sql_lab(session, workbench.databases(session)["Gudang kinerja — auditor"], SQL)
    assert answer.status_code == 200, answer.text[:500]
    got = [(row["instansi_kode"], row["n"]) for row in answer.json()["data"]]
    assert got == [tuple(r) for r in _marts(warehouse_url, SQL)]
    assert {kode for kode, _ in got} >= {"PAUH", *OTHERS}


def test_an_instansi_pauh_user_sees_only_pauh_in_sql_lab(workbench, warehouse_url):
    session = workbench.api("pauh")
    own = workbench.databases(session)["Gudang kinerja — instansi_pauh"]
    answer = workbench.sql_lab(session, own, SQL)
    assert answer.status_code == 200, answer.text[:500]
    got = [(row["instansi_kode"], row["n"]) for row in answer.json()["data"]]
    pauh = _marts(warehouse_url, "select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = 'PAUH'")[0][0]
    assert pauh > 0 and got == [("PAUH", pauh)]
    for sql in ("select count(*) as n from marts.fct_evaluasi_kinerja where instansi_kode = 'JAMBI'",
                "select count(*) as n from marts.mart_kurva_distribusi where instansi_kode <> 'PAUH'"):
        answer = workbench.sql_lab(session, own, sql)
        assert answer.status_code == 200 and answer.json()["data"] == [{"n": 0}], (sql, answer.text[:300])
    # the marts tables themselves, named otherwise than SQL Lab rewrites, are the warehouse's to refuse
    answer = workbench.sql_lab(session, own, 'select count(*) from "marts"."fct_evaluasi_kinerja" as f, '
                                             "lateral (select 1) x where f.instansi_kode = 'JAMBI'")
    assert answer.status_code != 200 or answer.json()["data"] == [{"count": 0}], answer.text[:300]
    # another role's connection is not his to use
    auditor_id = workbench.databases(workbench.api("auditor"))["Gudang kinerja — auditor"]
    _refused(workbench.sql_lab(session, auditor_id, SQL))


def _refused(answer: requests.Response) -> None:
    """Superset refuses a connection the user may not use as one it does not know (HTTP 4xx, or 500 with
    "database … not found"), and gives no row."""
    assert answer.status_code != 200, answer.text[:300]
    assert "not found" in answer.text or answer.status_code in (401, 403, 404), answer.text[:300]
    assert '"data"' not in answer.text and not [kode for kode in ("PAUH", *OTHERS) if kode in answer.text]


def test_a_publik_user_cannot_open_the_marts(workbench, warehouse_url):
    session = workbench.api("publik")
    own = workbench.databases(session)["Gudang kinerja — publik"]
    answer = workbench.sql_lab(session, own, SQL)
    assert answer.status_code != 200 and "permission denied" in answer.text, answer.text[:300]
    public = workbench.sql_lab(session, own, "select count(*) as n from publik.pub_kepatuhan")
    assert public.status_code == 200 and public.json()["data"][0]["n"] == \
        _marts(warehouse_url, "select count(*) from publik.pub_kepatuhan")[0][0]
    assert workbench.dashboards(session) == []
    for slug in AUDITOR_DASHBOARDS:
        assert session.get(f"{workbench.url}/api/v1/dashboard/{slug}", timeout=60).status_code in (403, 404), slug
    auditor_id = workbench.databases(workbench.api("auditor"))["Gudang kinerja — auditor"]
    _refused(workbench.sql_lab(session, auditor_id, SQL))


def test_each_reader_sees_the_dashboards_of_his_connection(workbench):
    assert workbench.dashboards(workbench.api("auditor")) == sorted(AUDITOR_DASHBOARDS)
    assert workbench.dashboards(workbench.api("pauh")) == sorted(f"{slug}-pauh" for slug in AUDITOR_DASHBOARDS)


def _chart_data(workbench, session, slug, chart_name, columns, metrics):
    """The rows a dashboard's chart is given (Superset's /api/v1/chart/data), by its name."""
    charts = session.get(f"{workbench.url}/api/v1/dashboard/{slug}/charts", timeout=60)
    charts.raise_for_status()
    chart = next(c for c in charts.json()["result"] if c["slice_name"].startswith(chart_name))
    datasource = chart["form_data"]["datasource"].split("__")[0]
    answer = session.post(f"{workbench.url}/api/v1/chart/data", timeout=120, json={
        "datasource": {"id": int(datasource), "type": "table"}, "force": True, "result_format": "json",
        "result_type": "full", "form_data": {"slice_id": chart["id"], "viz_type": chart["form_data"]["viz_type"]},
        "queries": [{"columns": columns, "metrics": metrics, "orderby": [], "row_limit": 10000}]})
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()["result"][0]["data"]


SUMMARY = ("select instansi_kode, periode, sum(jumlah_dinilai)::int, sum(jumlah_sangat_baik)::int, sum(jumlah_baik)::int, "
           "sum(jumlah_butuh_perbaikan)::int, sum(jumlah_kurang)::int, sum(jumlah_sangat_kurang)::int, "
           "(count(*) filter (where is_melanggar_kurva))::int from marts.mart_kurva_distribusi {where} "
           "group by 1, 2 order by 1, 2")
METRICS = ["pegawai_dinilai", "sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang", "unit_melanggar_kurva"]


def test_the_charts_data_equals_the_marts(workbench, warehouse_url):
    for name, slug, where in (("auditor", "kinerja-pegawai", ""), ("pauh", "kinerja-pegawai-pauh",
                                                                   "where instansi_kode = 'PAUH'")):
        rows = _chart_data(workbench, workbench.api(name), slug, "Ringkasan predikat", ["instansi_kode", "periode"],
                           METRICS)
        got = sorted((r["instansi_kode"], r["periode"], *(int(r[m]) for m in METRICS)) for r in rows)
        assert got == [tuple(r) for r in _marts(warehouse_url, SUMMARY.format(where=where))], name


def _login(browser: Browser, workbench: Workbench, name: str, attempts: int = 3) -> None:
    """Sign in through Superset's login page as a person does. The page is a React form: typing before it has
    settled can leave a field empty (a CI run once stayed on /login for 60 s), so the fields are checked to
    hold what was typed before the click, and a page that stays on /login is tried again, up to `attempts`
    times, each failed attempt printed with what the page showed; a login that never works still fails."""
    login, password = workbench.users[name]
    seen = []
    for attempt in range(1, attempts + 1):
        browser.goto(f"{workbench.url}/login/")
        browser.wait_for("document.querySelector('#username') && document.querySelector('#password')")
        filled = (f"document.querySelector('#username').value === {json.dumps(login)} && "
                  f"document.querySelector('#password').value === {json.dumps(password)}")
        for field, text in (("#username", login), ("#password", password)):
            browser.evaluate(f"document.querySelector({json.dumps(field)}).select()")
            browser.type_into(field, text)
        browser.wait_for(filled, 10)
        browser.click("[data-test=login-button]")
        try:
            browser.wait_for("!location.pathname.startsWith('/login')", 30)
            return
        except TimeoutError as stayed:
            seen.append(f"attempt {attempt}: {stayed}")
            print(f"\nlogin as {name} stayed on the login page, {seen[-1]}")
    raise AssertionError(f"{name} could not sign in through the login page in {attempts} attempts: {seen}")


def _open_dashboard(browser: Browser, workbench: Workbench, slug: str) -> str:
    """The dashboard's text once every chart has rendered."""
    browser.goto(f"{workbench.url}/superset/dashboard/{slug}/")
    browser.wait_for("document.querySelectorAll('.dashboard-chart').length > 0", 120)
    browser.wait_for("document.querySelectorAll('.dashboard-chart .loading, [aria-label=\"Loading\"]').length === 0"
                     " && [...document.querySelectorAll('.dashboard-chart')].every(c => c.innerText.trim() || "
                     "c.querySelector('canvas, svg'))", 180)
    return browser.text()


def _row(*cells) -> str:
    return "\t".join(str(c) for c in cells)


@pytest.fixture
def browser(chromium, tmp_path):
    opened = Browser(chromium, tmp_path / "profile")
    yield opened
    opened.close()


def test_the_auditor_sees_every_dashboard_rendered_with_the_months_numbers(workbench, browser, warehouse_url):
    _login(browser, workbench, "auditor")
    # the menu links the catalog (kinerja docs)
    browser.wait_for("document.getElementById('app') && "
                     "document.getElementById('app').getAttribute('data-bootstrap').includes('http://localhost:8081')", 60)
    session = workbench.api("auditor")
    month = _marts(warehouse_url, "select max(periode) from marts.mart_kurva_distribusi where periode ~ '^\\d{4}-\\d{2}$'")[0][0]
    for slug in AUDITOR_DASHBOARDS:
        text = _open_dashboard(browser, workbench, slug)
        browser.screenshot(f"workbench-auditor-{slug}.png")
        charts = session.get(f"{workbench.url}/api/v1/dashboard/{slug}/charts", timeout=60).json()["result"]
        shown = browser.evaluate("document.querySelectorAll('.dashboard-chart').length")
        assert shown == len(charts) > 0, slug
        for problem in ("Unexpected error", "permission denied", "Data error", "No results"):
            assert problem not in text, (slug, problem)
        if slug == "kinerja-pegawai":
            rows = _marts(warehouse_url, SUMMARY.format(where=f"where periode = '{month}'"))
            assert len(rows) >= 3
            for row in rows:  # the summary table's row of each government for the month, cell by cell
                assert _row(*row) in text, (row, text[:1500])
        if slug == "rekonsiliasi":
            for kode, periode, batches, received, loaded, quarantined in _marts(
                    warehouse_url, "select instansi_kode, periode, count(*)::int, sum(rows_received)::int, "
                    "sum(rows_loaded)::int, sum(rows_quarantined)::int from marts.mart_rekonsiliasi "
                    "where periode = %s group by 1, 2", month):
                assert _row(kode, periode, batches, received, loaded, quarantined) in text, kode


def test_an_instansi_pauh_user_sees_only_pauh_in_the_browser(workbench, browser, warehouse_url):
    _login(browser, workbench, "pauh")
    month = _marts(warehouse_url, "select max(periode) from marts.mart_kurva_distribusi where periode ~ '^\\d{4}-\\d{2}$'")[0][0]
    for slug in AUDITOR_DASHBOARDS:
        text = _open_dashboard(browser, workbench, f"{slug}-pauh")
        browser.screenshot(f"workbench-pauh-{slug}.png")
        assert "PAUH" in text, slug
        assert not [kode for kode in OTHERS if kode in text], slug
    text = _open_dashboard(browser, workbench, "kinerja-pegawai-pauh")
    for row in _marts(warehouse_url, SUMMARY.format(where=f"where periode = '{month}' and instansi_kode = 'PAUH'")):
        assert _row(*row) in text
    # the auditors' dashboard is not his: nothing of it is shown
    browser.goto(f"{workbench.url}/superset/dashboard/kinerja-pegawai/", settle=3)
    assert not [kode for kode in ("PAUH", *OTHERS) if kode in browser.text()]


def test_the_access_log_shows_each_workbench_users_queries_under_his_login(workbench):
    from etl import access_log

    marker = f"workbench_{SUFFIX}"
    for name in USERS:
        session = workbench.api(name)
        database = next(iter(workbench.databases(session).values()))
        workbench.sql_lab(session, database, f"select '{marker}_{name}' as mark")
    for name in USERS:
        login = workbench.users[name][0]
        deadline = time.monotonic() + 30
        while True:  # the server's log collector writes within moments
            statements = [r.statement for r in access_log.reads(login=login)]
            if any(f"{marker}_{name}" in s for s in statements) or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert any(f"{marker}_{name}" in s for s in statements), (login, statements[-5:])
    pauh = [r.statement for r in access_log.reads(login=workbench.users["pauh"][0])]
    assert any("instansi_pauh.fct_evaluasi_kinerja" in s.lower() for s in pauh)  # SQL Lab's marts, read as his view


def test_the_workbench_files_stay_the_users(workbench):
    from etl import workbench as superset_workbench

    for name in ("pgpass", "secret_key", "admin_password"):
        assert (Path(superset_workbench.folder()) / name).stat().st_mode & 0o077 == 0, name
