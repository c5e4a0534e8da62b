"""A government sends October again, corrected, after November has loaded (tests/faults/
corrections.py): five ratings changed, a row that had been quarantined withdrawn.

The marts show the corrected October; the audit history keeps both deliveries, each balanced, the
first no longer current but still with its quarantine; raw holds only the corrected rows; and every
table and view equals a clean run that received the corrected October in the first place, but for
the first delivery's rows in the audit history, which the clean run never saw.
"""

from __future__ import annotations

import json

import pytest
from corrections import NOVEMBER, OCTOBER
from faultkit import assert_consistent, differences, fingerprint, package_files

pytestmark = pytest.mark.faults


def _october_batches(place):
    with place.connect() as conn:
        return conn.execute(
            """select batch_id, status, is_current, rows_received, rows_loaded, rows_quarantined, attempts
               from audit.batch where instansi_kode = 'PAUH' and entity = 'evaluasi_periodik' and periode = %s
               order by first_received_at""", (OCTOBER,)).fetchall()


def test_the_audit_history_shows_both_deliveries(corrections):
    first, second = _october_batches(corrections.koreksi)
    assert first[0] == corrections.superseded
    assert first[1:3] == ("loaded", False) and second[1:3] == ("loaded", True)
    for batch in (first, second):
        assert batch[3] == batch[4] + batch[5]  # each balances: received = loaded + quarantined
    assert (second[3], second[5]) == (first[3] - 1, first[5] - 1)  # the withdrawn row, which was quarantined
    with corrections.koreksi.connect() as conn:
        kept = conn.execute("select row_number from audit.quarantine where batch_id = %s order by 1",
                            (corrections.superseded,)).fetchall()
        assert len(kept) == first[5] and (corrections.withdrawn_row,) in kept  # the first one's quarantine stays
        shown = conn.execute("""select batch_id, is_current, is_seimbang from marts.mart_rekonsiliasi
                                where instansi_kode = 'PAUH' and entity = 'evaluasi_periodik' and periode = %s
                                order by is_current""", (OCTOBER,)).fetchall()
        assert shown == [(first[0], False, True), (second[0], True, True)]
        in_raw = conn.execute("""select _batch_id, count(*) from raw.evaluasi_periodik
                                 where _instansi_kode = 'PAUH' and _periode = %s group by 1""", (OCTOBER,)).fetchall()
        assert in_raw == [(second[0], second[4])]
    assert_consistent(corrections.koreksi)


def test_the_marts_show_the_corrected_october_and_november_as_it_was(corrections):
    assert len(corrections.corrected_nips) == 5
    with corrections.koreksi.connect() as conn:
        now = dict(conn.execute("""select nip, rating_hasil_kerja from marts.fct_evaluasi_kinerja
                                   where instansi_kode = 'PAUH' and periode = %s""", (OCTOBER,)).fetchall())
        november = conn.execute("select count(*) from marts.fct_evaluasi_kinerja where periode = %s",
                                (NOVEMBER,)).fetchone()[0]
    for nip in corrections.corrected_nips:
        assert corrections.before[nip] != "DIBAWAH" and now[nip] == "DIBAWAH", nip
    assert {n: r for n, r in now.items() if n not in corrections.corrected_nips} == \
        {n: r for n, r in corrections.before.items() if n not in corrections.corrected_nips}
    assert november > 0


def _calendar(place) -> dict:
    with place.connect() as conn:
        return {(k, e, p): (s, n) for k, e, p, s, n in conn.execute(
            "select instansi_kode, entity, periode, status, jumlah_kiriman from marts.mart_kalender_kiriman")}


def test_everything_equals_a_clean_run_of_the_corrected_deliveries(corrections):
    # the clean run never saw the first October delivery: leave its audit rows out, and the delivery
    # calendar's knowledge of it (its own test below), nothing else
    calendar = lambda relation: relation.endswith(".mart_kalender_kiriman")  # noqa: E731
    got = {r: v for r, v in fingerprint(corrections.koreksi, leave_out_batches=(corrections.superseded,)).items()
           if not calendar(r)}
    diff = differences(got, {r: v for r, v in fingerprint(corrections.bersih).items() if not calendar(r)})
    assert not diff, "\n".join(diff)
    for month in (OCTOBER, NOVEMBER):
        got, clean = package_files(corrections.koreksi, month), package_files(corrections.bersih, month)
        assert _data(got) == _data(clean), month
        # beside the clean run's, the corrected world's packages carry their revision note, and only it
        ours, theirs = (_datapackage(place, month) for place in (corrections.koreksi, corrections.bersih))
        assert theirs["revisi"] == [] and len(ours["revisi"]) == 1, month
        assert {k: v for k, v in ours.items() if k != "revisi"} == {k: v for k, v in theirs.items() if k != "revisi"}


def _data(files: dict[str, str]) -> dict[str, str]:
    return {name: digest for name, digest in files.items() if name.endswith((".csv", ".parquet"))}


def _datapackage(place, month: str) -> dict:
    return json.loads((place.open_data / month / "datapackage.json").read_text(encoding="utf-8"))


def test_the_republished_months_say_what_was_revised(corrections):
    october = _datapackage(corrections.koreksi, OCTOBER)["revisi"][0]
    assert [(r["instansi_kode"], r["entity"], r["periode"], r["batch_sebelumnya"]) for r in october["kiriman_diganti"]] \
        == [("PAUH", "evaluasi_periodik", OCTOBER, corrections.superseded)]
    november = _datapackage(corrections.koreksi, NOVEMBER)["revisi"][0]
    assert november["kiriman_diganti"] == [] and november["kiriman_baru"] == []
    assert {"instansi_kode": "PAUH", "entity": "evaluasi_periodik", "periode": OCTOBER} in \
        november["kiriman_sebelumnya_diganti"]
    page = (corrections.koreksi.open_data / OCTOBER / "index.html").read_text(encoding="utf-8")
    assert "Riwayat revisi paket ini" in page and "diganti: PAUH evaluasi_periodik " + OCTOBER in page


def test_the_delivery_calendar_shows_the_october_delivery_replaced(corrections):
    """What the clean run never saw, the calendar shows: PAUH's October evaluations replaced by a
    re-delivery (two deliveries); everything else as in the clean run."""
    got, clean = _calendar(corrections.koreksi), _calendar(corrections.bersih)
    replaced = ("PAUH", "evaluasi_periodik", OCTOBER)
    assert got[replaced] == ("diganti", 2) and clean[replaced][1] == 1
    assert {k: v for k, v in got.items() if k != replaced} == {k: v for k, v in clean.items() if k != replaced}
