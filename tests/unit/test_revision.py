"""Revision notes of a republished month (etl/publish/revision.py): a replaced or an added delivery,
an earlier month's re-delivery, and changed data files each make one revision that says what, when
and why; republishing what is already published adds none, and earlier revisions are kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from etl.publish import revision

CLOCK = lambda: dt.datetime(2026, 12, 3, 4, 5, 6, tzinfo=dt.timezone.utc)  # noqa: E731
PERIOD = "2026-10"
EARLIER = "e" * 64  # the digest of the earlier periods' deliveries


def delivery(agency, entity, batch, periode=PERIOD):
    return {"instansi_kode": agency, "entity": entity, "periode": periode, "batch_id": batch}


@pytest.fixture
def published(tmp_path):
    """The package readers have now, from its deliveries, data files' sums and revisions."""
    def make(sumber, sums, revisi=(), earlier=EARLIER):
        (tmp_path / "datapackage.json").write_text(json.dumps({"sumber": sumber, "sumber_sebelumnya": earlier,
                                                               "revisi": list(revisi)}))
        (tmp_path / "SHA256SUMS").write_text("".join(f"{d}  {n}\n" for n, d in sums.items()))
        return tmp_path
    return make


SUMS = {"kepatuhan.csv": "a1", "kepatuhan.parquet": "b1", "index.html": "c1"}
DATA = {"kepatuhan.csv": "a1", "kepatuhan.parquet": "b1"}
BEFORE = [delivery("JAMBI", "pegawai", "j1"), delivery("PAUH", "pegawai", "p1")]
NOT_ASKED = lambda period, noted: pytest.fail("the ledger is asked only when an earlier month changed")  # noqa: E731


def revise(folder, own=BEFORE, earlier=EARLIER, data=DATA, redelivered=NOT_ASKED):
    return revision.revisions(PERIOD, folder, own, earlier, data, clock=CLOCK, redelivered=redelivered)


def test_nothing_changed_adds_no_revision(published):
    earlier = [{"nomor": 1, "diterbitkan": "2026-11-05T00:00:00Z", "alasan": "x", "kiriman_diganti": [],
                "kiriman_baru": [], "kiriman_sebelumnya_diganti": [], "berkas_berubah": []}]
    assert revise(published(BEFORE, SUMS, earlier)) == earlier


def test_a_redelivery_is_a_revision_naming_the_batches(published):
    revised = revise(published(BEFORE, SUMS), own=[delivery("JAMBI", "pegawai", "j2"), BEFORE[1]],
                     data={"kepatuhan.csv": "a2", "kepatuhan.parquet": "b2"})
    assert len(revised) == 1
    entry = revised[0]
    assert entry["nomor"] == 1 and entry["diterbitkan"] == "2026-12-03T04:05:06Z"
    assert entry["alasan"] == revision.REASONS["diganti"]
    assert entry["kiriman_diganti"] == [{"instansi_kode": "JAMBI", "entity": "pegawai", "periode": PERIOD,
                                         "batch_sebelumnya": "j1", "batch_baru": "j2"}]
    assert entry["berkas_berubah"] == ["kepatuhan.csv", "kepatuhan.parquet"]
    assert revision.describe(entry) == ("Revisi 1 (2026-12-03): kiriman ulang instansi menggantikan kiriman "
                                        "sebelumnya; diganti: JAMBI pegawai 2026-10; 2 berkas data berubah.")


def test_an_earlier_months_redelivery_is_named_once(published):
    asked = []

    def redelivered(period, noted):
        asked.append((period, noted))
        return [{"instansi_kode": "PAUH", "entity": "evaluasi_periodik", "periode": "2026-09"}]

    first = revise(published(BEFORE, SUMS), earlier="f" * 64, data={"kepatuhan.csv": "a1", "kepatuhan.parquet": "b1"},
                   redelivered=redelivered)
    assert first[0]["alasan"] == revision.REASONS["sebelumnya"]
    assert first[0]["kiriman_sebelumnya_diganti"] == [{"instansi_kode": "PAUH", "entity": "evaluasi_periodik",
                                                       "periode": "2026-09"}]
    assert asked == [(PERIOD, set())]
    revise(published(BEFORE, SUMS, first), earlier="0" * 64, redelivered=redelivered)
    assert asked[-1] == (PERIOD, {("PAUH", "evaluasi_periodik", "2026-09")})  # already named: left to the ledger


def test_a_new_delivery_and_a_rules_change_are_revisions_too(published):
    folder = published(BEFORE, SUMS)
    added = revise(folder, own=[*BEFORE, delivery("WANGGAR", "pengaduan", "w1")])
    assert added[0]["alasan"] == revision.REASONS["baru"] and added[0]["kiriman_baru"][0]["batch_baru"] == "w1"
    rules = revise(folder, data={"kepatuhan.csv": "a9", "kepatuhan.parquet": "b1"})
    assert rules[0]["alasan"] == revision.REASONS["aturan"] and rules[0]["berkas_berubah"] == ["kepatuhan.csv"]


def test_a_first_publication_or_an_older_layout_has_no_revision(tmp_path):
    assert revise(tmp_path) == []
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": []}))  # no record of its deliveries
    assert revise(tmp_path) == []


def test_period_labels_end_in_their_last_month():
    assert [revision._end_month(p) for p in ("2026-10", "2026-Q3", "2026-S1", "2026")] == \
        ["2026-10", "2026-09", "2026-06", "2026-12"]
