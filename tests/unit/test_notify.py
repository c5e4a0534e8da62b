"""What a notification says (etl/notify.py), without a warehouse: one message per government, month
and kind listing its deliveries, each with its reason and link; the subject counts them; the webhook's
JSON carries the same; the daily check looks at the months before the day."""

from __future__ import annotations

import datetime as dt

from etl import notify

LINK = "https://laporan.example.go.id/validasi/2026-09/kalender.html"


def _item(kode="PAUH", entity="pegawai", periode="2026-09", jenis="hilang", bulan="2026-09"):
    return notify.Item(kode, "Kecamatan Pauh", bulan, entity, periode, jenis, f"nothing delivered for {periode}", LINK)


def test_one_message_per_government_month_and_kind():
    items = [_item(), _item(entity="rhk"), _item(entity="iku", periode="2026-Q3"), _item(kode="JAMBI"),
             _item(jenis="ditolak"), _item(bulan="2026-10", periode="2026-10"), _item()]  # the last: a repeat
    letters = notify.letters(items)
    assert [(m.first.instansi_kode, m.first.bulan, m.first.jenis, len(m.items)) for m in letters] == [
        ("PAUH", "2026-09", "hilang", 3), ("JAMBI", "2026-09", "hilang", 1), ("PAUH", "2026-09", "ditolak", 1),
        ("PAUH", "2026-10", "hilang", 1)]
    first = letters[0]
    assert first.subject == "[kinerja] PAUH 2026-09: 3 delivery(ies) missing"
    text = first.text()
    assert "Government: PAUH (Kecamatan Pauh)" in text and "Entity: pegawai, rhk, iku" in text
    assert "Period: 2026-09, 2026-Q3 (run of 2026-09)" in text and f"Report: {LINK}" in text
    assert "- iku 2026-Q3: nothing delivered for 2026-Q3" in text


def test_the_webhook_payload_carries_the_message_and_its_items():
    message = notify.letters([_item(jenis="ditolak"), _item(entity="rhk", jenis="ditolak")])[0]
    body = message.payload()
    assert body["text"].startswith("[kinerja] PAUH 2026-09: 2 delivery(ies) refused\nGovernment: PAUH")
    assert (body["government"], body["month"], body["kind"], body["report"]) == ("PAUH", "2026-09", "refused", LINK)
    assert [(i["entity"], i["period"]) for i in body["items"]] == [("pegawai", "2026-09"), ("rhk", "2026-09")]


def test_a_failed_run_without_an_entity_says_so():
    message = notify.letters([_item(kode=notify.ALL, entity=notify.NO_ENTITY, jenis="gagal")])[0]
    assert message.subject == "[kinerja] SEMUA 2026-09: the month's run failed"
    assert "Entity: all of its deliveries" in message.text() and "- the month 2026-09:" in message.text()


def test_the_daily_check_looks_at_the_months_before_the_day():
    assert notify.months_before(dt.date(2026, 2, 3), 3) == ["2025-11", "2025-12", "2026-01"]


def test_a_gate_is_described_in_words_of_our_own():
    assert set(notify.GATES) == {"unreadable", "header", "empty", "volume", "reference", "suite"}
