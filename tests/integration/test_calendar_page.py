"""The delivery calendar's page of the validation report (kalender.html, issue 23 item 3), drawn from
fixed calendar rows (etl.validate.report.render_calendar_page) and looked at in headless Chromium
(tests/pagecheck.py): the month's deliveries with their status, deadline, receipt and gate, each
government's history by month, the link back to the report; escaped, and within a phone's width.
Then the page `kinerja report` writes beside index.html from a real warehouse's calendar."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pagecheck
import pytest

from etl.validate import report

PERIOD = "2026-09"
PHONE = (390, 844)
RECEIVED = dt.datetime(2026, 10, 3, 2, 15, tzinfo=dt.timezone.utc)


def _row(bulan, kode, entity, status, gate=None, deliveries=1, periode=None):
    return {"bulan": bulan, "instansi_kode": kode, "entity": entity, "periode": periode or bulan, "status": status,
            "batas_waktu": dt.date(2026, int(bulan[5:]) + 1, 10), "diterima_pertama": None if status == "hilang" else RECEIVED,
            "jumlah_kiriman": 0 if status == "hilang" else deliveries, "gate": gate, "pesan": None,
            "diterima_terakhir": None if status == "hilang" else RECEIVED}


ROWS = [
    _row(PERIOD, "KEPAHIANG", "pegawai", "tepat_waktu"),
    _row(PERIOD, "KEPAHIANG", "pelatihan", "ditolak", gate="header"),
    _row(PERIOD, "PAUH", "pegawai", "hilang"),
    _row(PERIOD, "PAUH", "unit_kerja", "hilang"),
    _row(PERIOD, "LAMPUNG", "evaluasi_periodik", "terlambat", periode="2026-Q3"),
    _row(PERIOD, "<script>alert(1)</script>", "pegawai", "diganti", deliveries=2),
    _row("2026-08", "KEPAHIANG", "pegawai", "tepat_waktu"),
    _row("2026-08", "PAUH", "pegawai", "terlambat"),
    _row("2026-10", "PAUH", "pegawai", "belum_jatuh_tempo"),  # after the page's month: not in its history
]


class Tables(HTMLParser):
    """Per table class, its rows' cell texts; the data-status of each row's status; links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.statuses: dict[str, list[list[str]]] = {}
        self.links: list[str] = []
        self.scripts = 0
        self._table = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = attrs.get("class")
            self.tables[self._table], self.statuses[self._table] = [], []
        elif tag == "tr" and self._table:
            self._row, self._marks = [], []
        elif tag == "td" and self._row is not None:
            self._cell = ""
        elif tag == "span" and attrs.get("data-status") and self._row is not None:
            self._marks.append(attrs["data-status"])
        elif tag == "a":
            self.links.append(attrs.get("href"))
        elif tag == "script":
            self.scripts += 1

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row:
            self.tables[self._table].append(self._row)
            self.statuses[self._table].append(self._marks)
            self._row = None
        elif tag == "table":
            self._table = None


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("kalender") / "kalender.html"
    target.write_text(report.render_calendar_page(PERIOD, ROWS), encoding="utf-8")
    return target


def test_the_browser_shows_the_month_and_each_governments_history(chromium, page):
    done = pagecheck.chromium(chromium, page, PHONE, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = Tables()
    dom.feed(done.stdout)
    month = dom.tables["calendar"]
    assert [r[:3] for r in month] == [
        ["<script>alert(1)</script>", "pegawai", PERIOD], ["KEPAHIANG", "pegawai", PERIOD],
        ["KEPAHIANG", "pelatihan", PERIOD], ["LAMPUNG", "evaluasi_periodik", "2026-Q3"],
        ["PAUH", "unit_kerja", PERIOD], ["PAUH", "pegawai", PERIOD]]
    assert [s[0] for s in dom.statuses["calendar"]] == ["diganti", "tepat_waktu", "ditolak", "terlambat", "hilang",
                                                         "hilang"]
    refused = month[2]
    assert refused[3] == "refused" and refused[-1] == "header" and refused[4] == "2026-10-10"
    assert month[4][5] == "—" and month[4][6] == "0"  # missing: nothing received
    history = {row[0]: row[1:] for row in dom.tables["history"]}
    assert set(history) == {"<script>alert(1)</script>", "KEPAHIANG", "LAMPUNG", "PAUH"}
    assert history["PAUH"] == ["missing 2", "late 1"]  # 2026-09, then 2026-08; 2026-10 is after the page's month
    assert history["LAMPUNG"] == ["late 1", "—"]
    assert "index.html" in dom.links
    assert dom.scripts == 0  # an agency's text stays text


def test_a_phone_sees_the_page_within_its_width(chromium, page):
    from PIL import Image

    shot = pagecheck.screenshot(chromium, page, PHONE, f"kalender-{PHONE[0]}.png")
    with Image.open(shot) as image:
        assert image.size == PHONE
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 10  # drawn, not blank


def test_an_empty_calendar_says_so():
    assert "The calendar holds nothing for this month yet" in report.render_calendar_page(PERIOD, [])
