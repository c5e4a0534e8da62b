"""The annual evaluation (evaluasi_tahunan) without a warehouse: which run it is due to, the yearly
run's year, the connectors' reading of its sources (SIASN's two spellings, the legacy export's dates,
the e-Kinerja annual sheet) and the demo world's annual evaluations against their manifest."""

import json
from pathlib import Path

import pandas as pd
import pendulum
import pytest

from demo import synth
from demo.synth import annual
from etl.config import ConfigError, due_period, find_agency, previous_period
from etl.sources import connector_for
from etl.tahunan import check_year, year_to_consolidate


def test_the_annual_entity_is_due_to_the_yearly_run_only():
    kepahiang = find_agency("KEPAHIANG")
    assert due_period(kepahiang, "evaluasi_tahunan", "2026") == "2026"
    assert due_period(kepahiang, "evaluasi_tahunan", "2026-12") is None
    assert due_period(kepahiang, "evaluasi_periodik", "2026") is None  # a year's run lands nothing else
    assert due_period(kepahiang, "evaluasi_periodik", "2026-12") == "2026-12"
    assert previous_period("2026") == "2025"


def test_the_year_comes_from_the_param_or_the_interval():
    start = pendulum.datetime(2026, 1, 5, 3, tz="Asia/Jakarta")
    assert year_to_consolidate({"year": "2025"}, start, None) == "2025"
    assert year_to_consolidate({}, start, None) == "2026"
    assert year_to_consolidate(None, None, pendulum.datetime(2027, 1, 5, tz="Asia/Jakarta")) == "2026"
    for bad in ("26", "２０２６", "2026-01", "3026"):
        with pytest.raises(ConfigError):
            check_year(bad)


def _read(kode: str, path: Path) -> pd.DataFrame:
    agency = find_agency(kode)
    source, connector = connector_for(agency, "evaluasi_tahunan")
    return pd.concat(list(connector.read(agency, source, "evaluasi_tahunan", path, 1000)), ignore_index=True)


def test_siasn_rw_skp22_is_read_in_either_spelling(tmp_path):
    base = {"nipBaru": "198001012006041001", "tahun": 2026, "id": "SKP-1", "unorId": "L.OPD001", "jabatanNama": "X",
            "jenisJabatan": "PELAKSANA", "periodeAwal": "2026-01-01", "periodeAkhir": "2026-12-31",
            "jenisPeraturanKinerjaKd": "PERMEN6_2022", "hasilKinerjaNilai": 1, "kuadranKinerja": "Sangat Baik",
            "nipNrpPenilai": "197001012000031001", "waktuDinilai": "2027-01-10T09:00:00+07:00", "isPltPlh": False}
    capitalised = base | {"PerilakuKerjaNilai": 1, "KuadranKinerjaNilai": 9}
    lower = base | {"id": "SKP-2", "perilakuKerjaNilai": 2, "kuadranKinerjaNilai": 7}
    path = tmp_path / "rw-skp22_2026.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in (capitalised, lower)) + "\n", encoding="utf-8")
    frame = _read("LAMPUNG", path)
    assert list(frame["rating_perilaku_kerja"]) == ["DIATAS", "SESUAI"]
    assert list(frame["kuadran_nilai"]) == ["9", "7"]
    assert list(frame["predikat"]) == ["SANGAT_BAIK", "SANGAT_BAIK"]
    assert list(frame["tahun"]) == ["2026", "2026"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("tahunan")
    manifest = synth.generate(synth.Settings(out, ("2026-05", "2026-06"), seed=11, employees=500),
                              governments=("PAUH", "WANGGAR", "KEPAHIANG"))
    return out, manifest


def test_the_demo_years_annual_evaluations_match_their_manifest(world):
    out, manifest = world
    tally = manifest["tahunan"]["PAUH"]["2026"]
    frame = pd.read_csv(out / "PAUH" / "2026" / "evaluasi_tahunan.csv", dtype=str, keep_default_na=False)
    assert len(frame) == tally["rows"]
    assert sum(u["pegawai"] for u in tally["unit"].values()) == len(frame) - 1  # the head of government apart
    for unit, hand in tally["unit"].items():
        rows = frame[frame["predikat_organisasi"].ne("") & frame["unit_kode"].str.startswith(unit)]
        assert (rows["predikat_organisasi"] == hand["predikat_organisasi"]).all()
    partial = tally["planted"]["fungsional_sebagian_tahun"]
    row = frame[frame["nip"] == partial["nip"]].iloc[0]
    assert (row["periode_awal"], row["periode_akhir"], row["jabatan_kategori"]) == ("2026-04-01", "2026-12-31", "FUNGSIONAL")
    assert tally["fungsional"][partial["nip"]]["bulan"] == 9
    planted = tally["planted"]["sangat_baik_setelah_butuh_perbaikan"]
    assert frame.loc[frame["nip"] == planted["nip"], "predikat"].item() == "SANGAT_BAIK"


def test_every_kind_of_source_reads_back_what_the_demo_wrote(world):
    out, manifest = world
    canonical = pd.read_csv(out / "PAUH" / "2026" / "evaluasi_tahunan.csv", dtype=str, keep_default_na=False)
    assert len(_read("PAUH", out / "PAUH" / "2026" / "evaluasi_tahunan.csv")) == len(canonical)
    legacy = _read("WANGGAR", out / "WANGGAR" / "2026" / "EKSPOR_EVALUASI_TAHUNAN_2026.csv")
    assert len(legacy) == manifest["tahunan"]["WANGGAR"]["2026"]["rows"]
    assert legacy["periode_awal"].str.fullmatch(r"2026-[0-9]{2}-01").all()  # DD/MM/YYYY read as a date
    assert set(legacy["regime"]) == {"PP30_2019"} and legacy["nilai_skp"].str.fullmatch(r"[0-9]+\.[0-9]+").all()
    sheet = _read("KEPAHIANG", out / "KEPAHIANG" / "2026" / "laporan_penilaian_skp_tahunan.xlsx")
    assert len(sheet) == manifest["tahunan"]["KEPAHIANG"]["2026"]["rows"]
    assert sheet["periode_awal"].str.fullmatch(r"2026-[0-9]{2}-01").all()
    assert set(sheet["predikat_organisasi"].dropna()) <= {"ISTIMEWA", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"}
    assert set(sheet["regime"]) == {"PERMEN6_2022"}


def test_the_finding_is_two_steps_above_the_most_frequent_periodic_predikat():
    assert annual.is_finding("SANGAT_BAIK", ["BUTUH_PERBAIKAN"] * 11)
    assert not annual.is_finding("BAIK", ["BUTUH_PERBAIKAN"] * 6 + ["BAIK"] * 5)
    assert not annual.is_finding("SANGAT_BAIK", ["BAIK", "BAIK", "BUTUH_PERBAIKAN", "BUTUH_PERBAIKAN"])  # tie: the better
    assert not annual.is_finding("SANGAT_BAIK", [])
