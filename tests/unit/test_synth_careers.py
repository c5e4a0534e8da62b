"""The demo world's careers (demo/synth/careers.py): rates, the manifest against the files, the units
planted at the curve's limit, valid and unique NIPs of new people."""

import json
import re

import pandas as pd

from demo import synth
from demo.synth import careers, world

YEAR = 2026


def _events(government, total, seed=5):
    return [e for i in range(world.opd_count(government, total))
            for e in careers.events_of_opd(government, i, YEAR, seed, total)]


def test_careers_come_at_small_yearly_rates():
    lampung = world.GOVERNMENT["LAMPUNG"]
    total = 40_000
    events = _events(lampung, total)
    staff = sum(int((world.people_of_opd(lampung, i, 5, total)["x_role"] == "staff").sum())
                for i in range(world.opd_count(lampung, total)))
    rate = {kind: sum(e.kind == kind for e in events) / staff for kind in ("MUTASI", "PROMOSI", "PLT_PLH", "PENSIUN")}
    assert 0.04 <= rate["MUTASI"] <= 0.06 and 0.02 <= rate["PROMOSI"] <= 0.045, rate
    assert 0.02 <= rate["PLT_PLH"] <= 0.04 and 0.01 <= rate["PENSIUN"] <= 0.05, rate
    hires = [e for e in events if e.kind == "REKRUT"]
    assert 0.02 <= len(hires) / staff <= 0.04 and {e.status for e in hires} == {"CPNS", "PPPK"}
    assert len({e.nip for e in events if e.kind != "PLT_PLH"}) == sum(e.kind != "PLT_PLH" for e in events)
    assert careers.events_of_opd(lampung, 3, YEAR, 5, total) == careers.events_of_opd.__wrapped__(lampung, 3, YEAR, 5,
                                                                                                   total)


def test_new_people_have_valid_unique_nips_and_rosters_stay_unique():
    suite = json.loads(open("expectations/pegawai.json").read())
    pattern = {e["kwargs"]["row_condition"]: e["kwargs"]["regex"] for e in suite["expectations"]
               if e["type"] == "expect_column_values_to_match_regex" and "row_condition" in e["kwargs"]}
    jambi = world.GOVERNMENT["JAMBI"]
    total = 20_000
    for e in (e for e in _events(jambi, total) if e.kind == "REKRUT"):
        rule = next(r for cond, r in pattern.items() if f'"{e.status}"' in cond)
        assert re.fullmatch(rule, e.nip), e
        assert e.nip[8:12] == str(YEAR) and e.nip[12:14] == ("21" if e.status == "PPPK" else f"{e.month:02d}")
    nips = []
    for index in range(world.opd_count(jambi, total)):
        people = world.as_of(world.people_of_opd(jambi, index, 5, total), jambi, "2026-12", 5, total)
        nips += list(careers.roster(people, jambi, "2026-12", 5, total)["nip"])
    assert len(nips) == len(set(nips))


def test_the_manifest_counts_what_the_files_hold(tmp_path):
    months = ("2026-08", "2026-09", "2026-10")
    manifest = synth.generate(synth.Settings(tmp_path, months, seed=3, employees=2000), governments=("PAUH",))
    kinds = {kind for month in months for kind in manifest["karier"]["PAUH"][month]}
    assert kinds >= {"mutasi", "promosi", "plt_plh", "pensiun", "rekrut", "dua_skp"}, kinds
    for month in months:
        cell = manifest["karier"]["PAUH"][month]
        rows = pd.read_csv(tmp_path / "PAUH" / month / "evaluasi_periodik.csv", dtype=str, keep_default_na=False)
        acting = rows[rows["is_plt_plh"] == "true"]
        assert sorted(zip(acting["nip"], acting["skp_id"])) == sorted((p["nip"], p["skp_id"])
                                                                      for p in cell["plt_plh"]["orang"])
        for person in cell.get("dua_skp", {}).get("orang", []):
            mine = rows[(rows["nip"] == person["nip"]) & (rows["is_plt_plh"] == "false")]
            assert sorted(mine["skp_id"]) == sorted(person["skp_id"])
        roster = pd.read_csv(tmp_path / "PAUH" / month / "pegawai.csv", dtype=str, keep_default_na=False) \
            .set_index("nip")
        for person in cell.get("mutasi", {}).get("orang", []):
            assert roster.at[person["nip"], "unit_kode"] == person["ke_unit"]
        for person in cell.get("pensiun", {}).get("orang", []):
            assert roster.at[person["nip"], "aktif"] == "false" and person["nip"] not in set(rows["nip"])
        for person in cell.get("rekrut", {}).get("orang", []):
            assert roster.at[person["nip"], "status_kepegawaian"] == person["status"]
    # PAUH at 2,000 employees has four OPDs: the curve's limit units are planted, Baik, at their sizes
    planted = manifest["kurva_batas"]["PAUH"]["2026-08"]
    assert {n: (u["unit"], u["pegawai"], u["baik"], u["butuh_perbaikan"], len(u["plt_plh"]))
            for n, u in planted.items()} == {"unit_batas": ("PAUH.OPD003", 10, 7, 3, 1),
                                             "unit_lewat": ("PAUH.OPD004", 11, 8, 3, 2)}
    units = pd.read_csv(tmp_path / "PAUH" / "2026-08" / "predikat_organisasi.csv", dtype=str).set_index("unit_kode")
    assert units.loc[["PAUH.OPD003", "PAUH.OPD004"], "predikat_organisasi"].tolist() == ["BAIK", "BAIK"]
    roster = pd.read_csv(tmp_path / "PAUH" / "2026-08" / "pegawai.csv", dtype=str, keep_default_na=False)
    assert roster["unit_kode"].str.startswith("PAUH.OPD003").sum() == 10
    assert roster["unit_kode"].str.startswith("PAUH.OPD004").sum() == 11
