"""Issue 23's "done when": a month in which one government's files are withheld and another's
training register is refused, run by the real DAG in-process (as `kinerja run` does) in a warehouse
of its own, with the agency API answering its first requests with 429.

- the delivery calendar (marts.mart_kalender_kiriman) and `kinerja status` name both;
- a real SMTP server on loopback (aiosmtpd) and a local HTTP receiver (a chat tool's incoming
  webhook) got one message each per government — the missing deliveries of the one, the refusal of
  the other — naming the government, entity, period, reason and the report's link, and no
  person; the month run again and the daily deadline check (DAG kinerja_tenggat) send nothing more;
- the run's logs hold the HTTP retry and the gate lines, and no NIP, name or credential;
- audit.batch says for every batch whether GX judged it, and the month's re-judge ran.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg
import pytest
from aiosmtpd.controller import Controller
from faultkit import PERIOD
from test_logging import _secrets, root_records
from typer.testing import CliRunner

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

WITHHELD = "PAUH"
REFUSED = "KEPAHIANG"
REPORTS = "https://laporan.example.go.id/validasi"


class Mailbox:
    """aiosmtpd's handler: every message the server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port(), loop=asyncio.new_event_loop())
    controller.start()
    try:
        yield controller, box
    finally:
        controller.stop()


@pytest.fixture
def webhook_receiver():
    posts: list[dict] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append({"path": self.path, "type": self.headers["Content-Type"], "body": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/T0KEN", posts
    finally:
        server.shutdown()


def test_a_withheld_and_a_refused_delivery_are_named_and_told_once(places, demo_world, agency_api, smtp_server,
                                                                    webhook_receiver, tmp_path, capfd, monkeypatch):
    from etl import orchestration
    from etl.cli import app

    sources, _ = demo_world
    world = tmp_path / "sources"
    shutil.copytree(sources, world)
    for period in (PERIOD, "2026-Q3"):  # the government sends nothing for the month (nor its quarter's)
        shutil.rmtree(world / WITHHELD / period)
    training = world / REFUSED / PERIOD / "pelatihan.csv"
    training.write_text("nomor,judul\n1,tidak sesuai format\n", encoding="utf-8")  # not the register's header
    controller, mailbox = smtp_server
    hook_url, posts = webhook_receiver
    monkeypatch.setenv("AIRFLOW_CONN_KINERJA_SMTP", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": controller.port,
        "extra": {"from": "kinerja@example.go.id", "to": "tim-data@example.go.id"}}))
    monkeypatch.setenv("AIRFLOW_CONN_KINERJA_WEBHOOK", json.dumps({"conn_type": "http", "extra": {"url": hook_url}}))
    # GX judges the deliveries of 500 rows or more, and a share of the smaller ones (the re-judge takes those)
    place = places("told", KINERJA_SOURCES_DIR=str(world), KINERJA_REPORT_BASE_URL=REPORTS, KINERJA_JUDGE_ALWAYS_ROWS="500")

    capfd.readouterr()
    with root_records() as records, place.active(), agency_api.inject(rate_limit_first=2, retry_after="0.2"):
        dag_run = orchestration.run_period(PERIOD, publish=False)
        failed = orchestration.failed_tasks(dag_run)
        status = CliRunner().invoke(app, ["status", "--period", PERIOD])
        # the month again, and the daily check after the deadline: nothing is told twice
        again = orchestration.run_period(PERIOD, publish=False)
        daily = orchestration.load_dag("kinerja_tenggat").test(run_conf={"day": "2026-10-20"})
    captured = capfd.readouterr()
    logs = records.getvalue() + captured.out + captured.err

    # the run fails, naming both, and the others are loaded
    names = [name for name, _ in failed]
    assert str(dag_run.state) == "failed"
    assert "every_agency_delivered" in names and f"agency.load[{REFUSED}]" in names, failed
    assert str(again.state) == "failed" and str(daily.state) == "success"

    # the calendar: the withheld government's deliveries missing, the refused register with its gate
    with psycopg.connect(place.url) as conn:
        calendar = {(k, e): (s, g) for k, e, s, g in conn.execute(
            "select instansi_kode, entity, status, gate from marts.mart_kalender_kiriman where bulan = %s", (PERIOD,))}
        judged = conn.execute("""select count(*), count(gx_judged), count(*) filter (where gx_judged),
                                        count(gx_rejudge_result) from audit.batch where periode like '2026-%%'""").fetchone()
        rekonsiliasi = conn.execute("select count(*), count(gx_judged) from marts.mart_rekonsiliasi").fetchone()
        people = conn.execute("select distinct nip, nama from raw.pegawai where nip <> '' and nama <> ''").fetchall()
    withheld = {e: s for (k, e), s in calendar.items() if k == WITHHELD}
    assert withheld and all(s == ("hilang", None) for s in withheld.values()), withheld
    assert calendar[(REFUSED, "pelatihan")] == ("ditolak", "header")
    assert {s for (k, _), (s, _) in calendar.items() if k not in (WITHHELD, REFUSED)} <= {"tepat_waktu", "terlambat"}
    assert status.exit_code == 0, status.output
    lines = status.stdout.splitlines()
    assert any(re.search(rf"{WITHHELD}\s+pegawai\s+{PERIOD}\s+hilang", line) for line in lines), lines
    assert any(re.search(rf"{REFUSED}\s+pelatihan\s+{PERIOD}\s+ditolak .* — header: ", line) for line in lines), lines

    # GX: every batch says whether GX judged it; the re-judge of small unjudged deliveries ran
    count, recorded, by_gx, rejudged = judged
    assert count > 20 and recorded == count and 0 < by_gx < count, judged
    assert rejudged >= 1, judged
    assert rekonsiliasi[0] == count and rekonsiliasi[1] == count

    # one e-mail and one webhook post per government, naming government, entities, period, reason, link
    mails = {m["Subject"]: m for _, m in mailbox.messages}
    assert len(mailbox.messages) == 2, list(mails)
    assert all(rcpt == ["tim-data@example.go.id"] for rcpt, _ in mailbox.messages)
    missing = next(m for s, m in mails.items() if WITHHELD in s)
    refused = next(m for s, m in mails.items() if REFUSED in s)
    assert re.search(rf"{WITHHELD} {PERIOD}: \d+ delivery\(ies\) missing", missing["Subject"])
    body = missing.get_payload()
    assert "Kecamatan Pauh" in body and "pegawai" in body and f"Period: {PERIOD}" in body
    assert "nothing delivered for 2026-09; due by 2026-10-10" in body and f"{REPORTS}/{PERIOD}/kalender.html" in body
    body = refused.get_payload()
    assert refused["Subject"] == f"[kinerja] {REFUSED} {PERIOD}: 1 delivery(ies) refused"
    assert "Entity: pelatihan" in body and "gate 'header'" in body and f"{REPORTS}/{PERIOD}/index.html#batch-" in body
    assert len(posts) == 2 and {p["path"] for p in posts} == {"/hooks/T0KEN"}
    assert {p["body"]["government"] for p in posts} == {WITHHELD, REFUSED}
    assert all(p["type"] == "application/json" and p["body"]["month"] == PERIOD and p["body"]["text"] for p in posts)
    told = json.dumps(posts) + "".join(m.get_payload() + m["Subject"] for _, m in mailbox.messages)

    # the logs: the API's retry and the gates' decisions; nobody's NIP or name, and no credential
    assert re.search(r"LAMPUNG API /\S*: HTTP 429; waiting 0\.2 s before retrying", logs)
    assert re.search(rf"{REFUSED} pelatihan {PERIOD}: refused by the gate header", logs)
    assert re.search(r"PAUH: nothing delivered for 2026-09", logs)
    assert re.search(r"notification sent by email: \[kinerja\] PAUH 2026-09", logs)
    assert len(people) > 100
    for text in (logs, told):
        leaked = sorted({nip for nip, _ in people if nip in text} | {nama for _, nama in people if nama in text})
        assert leaked == [], leaked[:5]
    secrets = _secrets(place, sources) | {"T0KEN"}
    assert [s for s in secrets if s in logs] == []
