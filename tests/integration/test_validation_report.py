"""The month's validation report (etl.validate.report) against a real PostgreSQL: the HTML says what
audit.batch, audit.validation_result and audit.quarantine hold, shows no more of a quarantined row
than its failed rules name, escapes what agencies send, and renders the same bytes twice."""

import json
import os
import re
import shutil
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from etl import pipeline
from etl.validate import report

PERIOD = "2026-09"  # a quarter's last month: LAMPUNG's quarterly evaluations (2026-Q3) are due with it
PERIODS = ["2026-09", "2026-Q3"]
SCRIPT = "<script>alert('kinerja')</script>"
FORMULA_NIP = '=HYPERLINK("http://evil.example/?q=1","198001012005011001")'
INSERTED_ROW = 9_000_001


class Page(HTMLParser):
    """The report as data: per table (its class and the id of its section) the rows, each a list of
    cells with their text and the texts of their <li> items; and all the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.texts: list[str] = []
        self._section = None
        self._table = self._row = self._cell = self._li = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("id")
        elif tag == "table":
            self._table = {"class": attrs.get("class"), "section": self._section, "rows": []}
            self.tables.append(self._table)
        elif tag == "tr" and self._table is not None:
            self._row = {"id": attrs.get("id"), "class": attrs.get("class"), "cells": []}
        elif tag == "td" and self._row is not None:
            self._cell = {"text": "", "items": []}
        elif tag == "li" and self._cell is not None:
            self._li = ""
        elif tag == "br" and self._cell is not None:
            self._cell["text"] += "\n"

    def handle_endtag(self, tag):
        if tag == "li" and self._li is not None:
            self._cell["items"].append(self._li)
            self._li = None
        elif tag == "td" and self._cell is not None:
            self._row["cells"].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row["cells"]:
                self._table["rows"].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "section":
            self._section = None

    def handle_data(self, data):
        self.texts.append(data)
        if self._cell is not None:
            self._cell["text"] += data
        if self._li is not None:
            self._li += data

    def table(self, css_class, section=None):
        found = [t for t in self.tables if t["class"] == css_class and t["section"] == section]
        assert len(found) <= 1
        return found[0]["rows"] if found else []


def parse(text):
    page = Page()
    page.feed(text)
    page.close()
    return page


def number(cell):
    text = cell["text"].strip()
    return None if text == "—" else int(text.replace(",", ""))


def text(cell):
    value = cell["text"].strip()
    return None if value == "—" else value


@pytest.fixture(scope="module")
def month(demo_world, warehouse_url, tmp_path_factory):
    """PAUH's, LAMPUNG's and KEPAHIANG's September loaded, then PAUH's September sent again with an empty
    predikat_organisasi (refused at the empty gate; the loaded one stays in force); a quarantine row
    and a batch message holding <script> added with SQL. Undone (but the refused batch) afterwards."""
    import psycopg

    sources, _ = demo_world
    pipeline.load(pipeline.validate(pipeline.extract("PAUH", PERIOD)))
    pipeline.load(pipeline.validate(pipeline.extract("LAMPUNG", PERIOD)))
    pipeline.load(pipeline.validate(pipeline.extract("KEPAHIANG", PERIOD)))  # e-Kinerja xlsx, with duplicates

    copy = tmp_path_factory.mktemp("sources")
    shutil.copytree(sources / "PAUH", copy / "PAUH")
    target = copy / "PAUH" / PERIOD / "predikat_organisasi.csv"
    target.write_text(target.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    saved = os.environ["KINERJA_SOURCES_DIR"]
    os.environ["KINERJA_SOURCES_DIR"] = str(copy)
    try:
        with pytest.raises(pipeline.AgencyBatchFailed, match="predikat_organisasi"):
            pipeline.load(pipeline.validate(pipeline.extract("PAUH", PERIOD)))
    finally:
        os.environ["KINERJA_SOURCES_DIR"] = saved

    with psycopg.connect(warehouse_url, autocommit=True) as db:
        rejected, message = db.execute(
            """select batch_id, message from audit.batch where instansi_kode = 'PAUH' and entity = 'predikat_organisasi'
               and periode = %s and status = 'rejected' and gate = 'empty'""", (PERIOD,)).fetchone()
        # planted in the ledger's own tables (audit.batch and audit.quarantine are views over them)
        refusal = db.execute("select max(id) from audit.batch_attempt where batch_id = %s and status = 'rejected'",
                             (rejected,)).fetchone()[0]
        db.execute("update audit.batch_attempt set message = %s where id = %s", (f"{message} {SCRIPT}", refusal))
        rhk = db.execute(
            """select batch_id, source_file from audit.batch where instansi_kode = 'LAMPUNG' and entity = 'rhk'
               and periode = %s and is_current""", (PERIOD,)).fetchone()
        row = {"nip": FORMULA_NIP, "jenis_rhk": SCRIPT, "rhk_uraian": "rahasia pribadi"}
        load = db.execute("select max(id) from audit.batch_attempt where batch_id = %s and status = 'loaded'",
                          (rhk[0],)).fetchone()[0]
        db.execute(
            """insert into audit.quarantine_row (attempt_id, batch_id, row_number, source_file, row_data, reasons)
               values (%s, %s, %s, %s, %s::jsonb, %s::jsonb)""",
            (load, rhk[0], INSERTED_ROW, rhk[1], json.dumps(row),
             json.dumps(["jenis_rhk must be UTAMA or TAMBAHAN", f"{SCRIPT} is not a rule"])))
        try:
            out = tmp_path_factory.mktemp("report")
            path = report.render(PERIOD, out)
            yield {"path": path, "html": path.read_text(encoding="utf-8"), "rejected": rejected,
                   "rhk": rhk[0], "out": out}
        finally:
            db.execute("delete from audit.quarantine_row where attempt_id = %s and row_number = %s", (load, INSERTED_ROW))
            db.execute("update audit.batch_attempt set message = %s where id = %s", (message, refusal))


def _shown(db):
    """The latest delivery of each instansi/entity/periode of the month, as the report should list them."""
    return db.execute(
        """select distinct on (instansi_kode, entity, periode) batch_id, instansi_kode, entity, periode, status,
                  gate, message, rows_received, rows_loaded, rows_quarantined
           from audit.batch where periode = any(%s)
           order by instansi_kode, entity, periode, coalesce(extracted_at, first_received_at) desc,
                    first_received_at desc, batch_id desc""", (PERIODS,)).fetchall()


def test_the_report_is_written_where_the_caller_asked(month):
    assert month["path"] == month["out"] / "index.html"
    assert month["html"].startswith("<!DOCTYPE html>")
    assert f"periode {PERIOD}" in month["html"]


def test_every_current_batch_appears_with_its_numbers(db, month):
    page = parse(month["html"])
    summary = {r["id"]: r["cells"] for r in page.table("summary")}
    shown = _shown(db)
    assert len(summary) == len(shown)
    assert {s[3] for s in shown} == {"2026-09", "2026-Q3"}  # the month and its quarter
    for batch_id, agency, entity, periode, status, gate, message, received, loaded, quarantined in shown:
        cells = summary[f"summary-{batch_id}"]
        assert [text(c) for c in cells[:5]] == [agency, entity, periode, status, gate]
        assert [number(c) for c in cells[5:8]] == [received, loaded, quarantined]
        balances = ("refused whole" if status == "rejected" else "not yet" if None in (received, loaded, quarantined)
                    else "yes" if received == loaded + quarantined else "NO")
        assert text(cells[8]) == balances
        if status == "rejected":
            assert text(cells[11]) == message
    # every batch in force for the month is listed, as the latest delivery or in a history
    history = {r["cells"][0]["text"] for t in page.tables if t["class"] == "history" for r in t["rows"]}
    current = [b for (b,) in db.execute(
        "select batch_id from audit.batch where periode = any(%s) and is_current", (PERIODS,)).fetchall()]
    assert current and all(f"summary-{b}" in summary or b in history for b in current)


def test_the_time_is_the_warehouse_s_not_the_clock(db, month):
    latest = db.execute(
        """select max(greatest(first_received_at, extracted_at, validated_at, loaded_at)) at time zone 'UTC'
           from audit.batch where periode = any(%s)""", (PERIODS,)).fetchone()[0]
    assert f"{latest:%Y-%m-%d %H:%M:%S} UTC" in month["html"]


def test_every_rule_appears_with_its_counts_failures_first(db, month):
    page = parse(month["html"])
    for batch_id, *_ in _shown(db):
        expected = sorted(db.execute(
            """select rule, expectation, coalesce(column_name, '—'), rows_evaluated, rows_failed
               from audit.validation_result where batch_id = %s""", (batch_id,)).fetchall())
        rows = page.table("rules", f"batch-{batch_id}")
        found = [(text(r["cells"][0]), text(r["cells"][1]), r["cells"][2]["text"].strip(), number(r["cells"][3]),
                  number(r["cells"][4])) for r in rows]
        assert sorted(found) == expected
        failed = [f[4] for f in found]
        assert failed == sorted(failed, key=lambda n: (n == 0, -n))  # failing rules first
        assert all((r["class"] == "fail") == (number(r["cells"][4]) > 0) for r in rows)  # and highlighted


def _named(db, batch_id):
    return {rule: set((column or "").split(",")) - {""} for rule, column in db.execute(
        "select rule, column_name from audit.validation_result where batch_id = %s", (batch_id,)).fetchall()}


def test_quarantined_rows_appear_with_their_numbers_reasons_and_only_the_named_values(db, month):
    page = parse(month["html"])
    seen, several_columns = 0, False
    for batch_id, *_ in _shown(db):
        expected = db.execute(
            """select row_number, reasons, row_data from audit.quarantine where batch_id = %s
               order by row_number limit %s""", (batch_id, report.QUARANTINE_SHOWN)).fetchall()
        rows = page.table("quarantine", f"batch-{batch_id}")
        assert [number(r["cells"][0]) for r in rows] == [n for n, _, _ in expected]
        named = _named(db, batch_id)
        for row, (_, reasons, data) in zip(rows, expected):
            assert row["cells"][1]["items"] == reasons
            columns = set().union(*(named.get(r, set()) for r in reasons))
            shown = set(re.findall(r"^(\w+) = ", row["cells"][2]["text"], re.MULTILINE))
            assert shown == columns
            several_columns = several_columns or len(columns) > 1
            for column in columns:
                value = data.get(column)
                if value:
                    assert str(value)[: report.VALUE_SHOWN] in row["cells"][2]["text"]
            seen += 1
    assert seen > 2 and several_columns, "some rule names several columns (nip + periode + ... unique)"


def test_no_nip_of_a_row_that_broke_only_other_rules_appears(db, month):
    shown = [b for b, *_ in _shown(db)]
    rows = db.execute(
        """select batch_id, row_number, reasons, row_data from audit.quarantine where batch_id = any(%s)""",
        (shown,)).fetchall()
    jenis = [(b, n, d["nip"]) for b, n, r, d in rows if r == ["jenis_rhk must be UTAMA or TAMBAHAN"] and d.get("nip")]
    # a NIP that no other quarantined row holds in any column (it would be shown there for its own rule)
    alone = [(b, n, nip) for b, n, nip in jenis
             if not any(nip in map(str, d.values()) for b2, n2, _, d in rows if (b2, n2) != (b, n))]
    assert alone, "the demo world plants rows with an unknown jenis_rhk"
    page = parse(month["html"])
    listed = {(b, number(r["cells"][0])) for b in shown for r in page.table("quarantine", f"batch-{b}")}
    assert any((b, n) in listed for b, n, _ in alone)  # the row itself is listed, without its nip
    for _, _, nip in alone:
        assert nip not in month["html"]
    assert "HYPERLINK" not in month["html"] and "rahasia pribadi" not in month["html"]


def test_what_agencies_send_is_escaped(month):
    html = month["html"]
    assert "<script" not in html.lower()
    assert html.count("&lt;script&gt;alert(&#x27;kinerja&#x27;)&lt;/script&gt;") >= 4  # value, reason, message x2
    rows = parse(html).table("quarantine", f"batch-{month['rhk']}")
    inserted = next(r for r in rows if number(r["cells"][0]) == INSERTED_ROW)
    assert inserted["cells"][1]["items"] == ["jenis_rhk must be UTAMA or TAMBAHAN", f"{SCRIPT} is not a rule"]
    assert inserted["cells"][2]["text"].strip() == f"jenis_rhk = {SCRIPT}"


def test_a_rejected_batch_shows_its_gate_message_and_the_delivery_in_force(db, month):
    page = parse(month["html"])
    message, = db.execute("select message from audit.batch where batch_id = %s", (month["rejected"],)).fetchone()
    cells = {r["id"]: r["cells"] for r in page.table("summary")}[f"summary-{month['rejected']}"]
    assert (text(cells[3]), text(cells[4]), text(cells[11])) == ("rejected", "empty", message)
    assert "holds no rows" in message
    section = month["html"].split(f'id="batch-{month["rejected"]}"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'the <strong class="gate">empty</strong> gate', section)
    in_force, = db.execute(
        """select batch_id from audit.batch where instansi_kode = 'PAUH' and entity = 'predikat_organisasi'
           and periode = %s and is_current""", (PERIOD,)).fetchone()
    history = page.table("history", f"batch-{month['rejected']}")
    listed = {r["cells"][0]["text"]: r["cells"] for r in history}
    assert text(listed[in_force][2]) == "loaded" and text(listed[in_force][8]).startswith("yes")


def test_rendering_twice_gives_the_same_bytes(month, tmp_path):
    again = report.render(PERIOD, tmp_path)
    assert again.read_bytes() == month["path"].read_bytes()


def test_kinerja_report_prints_the_path(month, tmp_path, monkeypatch):
    from etl.cli import app

    monkeypatch.setenv("KINERJA_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["report", "--period", PERIOD])
    assert result.exit_code == 0, result.output
    path = tmp_path / "reports" / "validation" / PERIOD / "index.html"
    assert result.output.strip() == str(path)
    assert path.read_bytes() == month["path"].read_bytes()
    wrong = CliRunner().invoke(app, ["report", "--period", "2026-13"])
    assert wrong.exit_code == 1 and "is not of the form YYYY-MM" in wrong.output
