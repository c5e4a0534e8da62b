"""What the etl package logs in a month's run (issue 23 item 2): each delivery's source, file,
checksum and rows, each gate's decision, each stage's time, each HTTP retry and wait with its
reason — and, grepped for, no NIP, no employee's name and no credential of the demo world in any line.

The month is run by the real DAG in-process (as `kinerja run` does), in a warehouse of its own, with
the agency API answering its first requests with 429 so that the connector waits and retries."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
from pathlib import Path

import psycopg
from faultkit import PERIOD


def _secrets(place, sources) -> set[str]:
    """The credentials of the demo world: the API's client secret, the application databases' and
    the warehouse's passwords."""
    from demo.simulator.files import credentials_file
    from etl import warehouse
    from etl.sources.siasn_contract import read_credentials

    found = {read_credentials(credentials_file(sources, "LAMPUNG"))["client_secret"]}
    urls = [os.environ[name] for name in ("KINERJA_JAMBI_EKINERJA_URL", "KINERJA_JAMBI_SKM_URL")]
    with place.active():
        urls += [warehouse.url(), warehouse.loader_url()]
    for url in urls:
        match = re.match(r"^[a-z+]+://[^:/@]*:([^@]+)@", url)
        if match:
            found.add(match.group(1))
            continue
        info = psycopg.conninfo.conninfo_to_dict(url)
        found |= {info["password"]} if info.get("password") else set()
        if info.get("passfile"):  # host:port:database:login:password, a line per login
            found |= {line.rsplit(":", 1)[1] for line in Path(info["passfile"]).read_text().splitlines()
                      if line.count(":") >= 4}
    return found


@contextlib.contextmanager
def root_records():
    """The etl package's records as they reach the root logger (Airflow's task log handlers hang there,
    and may write to a stream an earlier test's capture holds), to be read beside the run's output."""
    records = io.StringIO()
    handler = logging.StreamHandler(records)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s [%(name)s]"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield records
    finally:
        root.removeHandler(handler)


def test_a_months_run_logs_what_happened_and_no_person_or_secret(places, demo_world, agency_api, capfd):
    from etl import orchestration

    sources, _ = demo_world
    place = places("logs")
    capfd.readouterr()
    with root_records() as records, place.active(), agency_api.inject(rate_limit_first=2, retry_after="0.2"):
        dag_run = orchestration.run_period(PERIOD, publish=False)
        failed = orchestration.failed_tasks(dag_run)
    assert failed == [], failed
    captured = capfd.readouterr()
    text = records.getvalue() + captured.out + captured.err
    # what happened, per delivery and stage
    assert re.search(r"PAUH pegawai 2026-09: landed from \S+pegawai\.csv \(canonical_csv\), \d+ bytes, "
                     r"sha256 [0-9a-f]{64}, in [\d.]+ s .*etl\.pipeline", text), text[-3000:]
    assert re.search(r"PAUH pegawai 2026-09: passed the gates, \d+ rows read, \d+ quarantined, in [\d.]+ s ", text)
    assert re.search(r"PAUH pegawai 2026-09: loaded \d+ rows, \d+ quarantined, of \d+ read, in [\d.]+ s ", text)
    assert re.search(r"LAMPUNG extract: \d+ delivery\(ies\) for 2026-09 in [\d.]+ s ", text)
    assert re.search(r"LAMPUNG API /\S*: HTTP 429; waiting 0\.2 s before retrying .*etl\.sources\.siasn_api", text)
    # nobody's NIP or name, and no credential
    with psycopg.connect(place.url) as conn:
        people = conn.execute("select distinct nip, nama from raw.pegawai where nip <> '' and nama <> ''").fetchall()
    assert len(people) > 100
    leaked = sorted({nip for nip, _ in people if nip in text} | {nama for _, nama in people if nama in text})
    assert leaked == [], leaked[:5]
    secrets = _secrets(place, sources)
    assert len(secrets) >= 3
    assert [s for s in secrets if s in text] == []
