"""The yearly run end to end: `kinerja run --year 2026` on the demo world (the session's three
consolidated months, tests/e2e/conftest.py) loads the annual evaluations of all five governments,
each from its own kind of source, builds the annual marts and publishes the year's package; the
annual curve, the finding and angka kredit match the hand counts of the manifest (demo/synth/annual.py)."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

YEAR = "2026"
KINDS = {"KEPAHIANG": "ekinerja_xlsx", "PAUH": "canonical_csv", "LAMPUNG": "siasn_api", "JAMBI": "app_db",
         "WANGGAR": "mapped_csv"}


@pytest.fixture(scope="module")
def yearly(first_run, demo_world):
    """`kinerja run --year 2026` once for the module: (exit code, output)."""
    from typer.testing import CliRunner

    from etl.cli import app

    result = CliRunner().invoke(app, ["run", "--year", YEAR])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def tahunan(demo_world) -> dict:
    return demo_world[1]["tahunan"]


def test_the_yearly_run_loads_every_government_from_its_own_source_and_balances(yearly, tahunan, db):
    code, output = yearly
    assert code == 0, output
    rows = db.execute(
        """select instansi_kode, source_kind, status, rows_received, rows_loaded, rows_quarantined
           from audit.batch where entity = 'evaluasi_tahunan' and periode = %s and is_current""", (YEAR,)).fetchall()
    assert {r[0]: r[1] for r in rows} == KINDS
    for kode, _, status, received, loaded, quarantined in rows:
        assert status == "loaded"
        assert received == loaded + quarantined  # every batch balances
        assert received == tahunan[kode][YEAR]["rows"]  # nothing lost between the source and the ledger
        assert quarantined == 0  # the demo's annual evaluations carry no defect
    assert "marts.fct_evaluasi_tahunan" in output


def test_the_annual_predikat_is_recomputed_beside_the_reported_one(yearly, tahunan, db):
    for kode, years in tahunan.items():
        counts = dict(db.execute(
            """select predikat_final, count(*) from marts.fct_evaluasi_tahunan
               where instansi_kode = %s and tahun = %s and is_penentu group by 1""", (kode, YEAR)).fetchall())
        expected = {("CUKUP" if kode == "WANGGAR" and p == "BUTUH_PERBAIKAN" else p): n
                    for p, n in years[YEAR]["predikat"].items() if n}
        assert counts == expected, kode
    (disagreeing,) = db.execute("select count(*) from marts.fct_evaluasi_tahunan where not is_predikat_sesuai "
                                "and tahun = %s", (YEAR,)).fetchone()
    assert disagreeing == 0


def test_the_annual_curve_per_unit_matches_the_hand_counts(yearly, tahunan, db):
    judged = 0
    for kode, years in tahunan.items():
        if kode == "WANGGAR":  # PP 30/2019: no curve
            assert db.execute("select count(*) from marts.mart_kurva_distribusi_tahunan where instansi_kode = %s",
                              (kode,)).fetchone()[0] == 0
            continue
        for unit, hand in years[YEAR]["unit"].items():
            row = db.execute(
                """select predikat_organisasi, jumlah_dinilai, jumlah_sangat_baik, jumlah_baik, jumlah_butuh_perbaikan,
                          jumlah_kurang, jumlah_sangat_kurang, status_kurva
                   from marts.mart_kurva_distribusi_tahunan where instansi_kode = %s and periode = %s and unit_kode = %s""",
                (kode, YEAR, unit)).fetchone()
            assert row is not None, unit
            p = hand["predikat"]
            assert row[:7] == (hand["predikat_organisasi"], hand["pegawai"], p["SANGAT_BAIK"], p["BAIK"],
                               p["BUTUH_PERBAIKAN"], p["KURANG"], p["SANGAT_KURANG"]), unit
            # the demo deals the annual quotas inside the curve, the planted Sangat Baik swapped within its unit
            assert row[7] == "PATUH", unit
            judged += 1
    assert judged > 0


def test_an_annual_sangat_baik_after_a_year_of_butuh_perbaikan_is_a_finding(yearly, tahunan, db):
    flagged = []
    for kode, years in tahunan.items():
        hand = years[YEAR]
        found = db.execute("select nip from marts.mart_tahunan_periodik where instansi_kode = %s and tahun = %s "
                           "and is_temuan", (kode, YEAR)).fetchall()
        assert len(found) == hand["tahunan_jauh_di_atas_periodik"], kode
        planted = hand["planted"]["sangat_baik_setelah_butuh_perbaikan"]
        row = db.execute("select predikat_tahunan, predikat_periodik_terbanyak, is_temuan from marts.mart_tahunan_periodik "
                         "where instansi_kode = %s and tahun = %s and nip = %s", (kode, YEAR, planted["nip"])).fetchone()
        assert row[0] == "SANGAT_BAIK"
        assert row[2] == planted["temuan"]
        flagged.append(planted["temuan"])
    assert any(flagged)  # the planted case is a finding where the periodic record makes it one


def _seed(name: str) -> list[dict]:
    from etl.config import dbt_project_dir

    with open(dbt_project_dir() / "seeds" / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_angka_kredit_of_every_functional_employee_matches_the_formula_by_hand(yearly, tahunan, db):
    koefisien = {r["jenjang"]: Decimal(r["koefisien"]) for r in _seed("koefisien_angka_kredit")}
    persen = {r["predikat"]: Decimal(r["persen"]) for r in _seed("persentase_angka_kredit")}
    checked = 0
    for kode, years in tahunan.items():
        for nip, hand in years[YEAR]["fungsional"].items():
            expected = (Decimal(hand["bulan"]) / 12 * persen[hand["predikat"]] / 100
                        * koefisien[hand["jenjang"]]).quantize(Decimal("0.001"), ROUND_HALF_UP)
            row = db.execute("select jenjang, jumlah_bulan, angka_kredit from marts.mart_angka_kredit "
                             "where instansi_kode = %s and tahun = %s and nip = %s", (kode, YEAR, nip)).fetchone()
            assert row == (hand["jenjang"], hand["bulan"], expected), (kode, nip)
            checked += 1
        partial = years[YEAR]["planted"]["fungsional_sebagian_tahun"]
        assert years[YEAR]["fungsional"][partial["nip"]]["bulan"] == 9
    assert checked > 0


def test_the_years_package_is_published_with_the_monthly_suppression(yearly, tahunan, db):
    from etl.config import open_data_dir

    folder = Path(open_data_dir()) / YEAR
    assert (folder / "SHA256SUMS").exists()
    names = {p.name for p in folder.iterdir()}
    assert {"distribusi_predikat_tahunan.csv", "distribusi_predikat_unit_tahunan.parquet", "datapackage.json"} <= names
    with open(folder / "distribusi_predikat_tahunan.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["instansi_kode"] for r in rows} == set(tahunan)
    assert "nip" not in rows[0]
    for r in rows:
        if r["jumlah_pegawai"]:  # published: the hand count, at least the minimum cell size unless 0
            hand = tahunan[r["instansi_kode"]][YEAR]["predikat"]
            predikat = "BUTUH_PERBAIKAN" if r["predikat"] == "CUKUP" else r["predikat"]
            assert int(r["jumlah_pegawai"]) == hand[predikat]
            assert int(r["jumlah_pegawai"]) == 0 or int(r["jumlah_pegawai"]) >= 5
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {res["path"] for res in package["resources"]} >= {"distribusi_predikat_tahunan.csv"}
