import hashlib
import json
import math
import re

import pandas as pd
import pytest

from demo import synth
from etl.config import ConfigError
from demo.synth import plant, world


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    months = synth.parse_months("2026-02..2026-03")
    synth.generate(synth.Settings(tmp_path / "a", months, seed=1, employees=150))
    synth.generate(synth.Settings(tmp_path / "b", months, seed=1, employees=150))
    synth.generate(synth.Settings(tmp_path / "c", months, seed=2, employees=150))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_parse_months():
    assert synth.parse_months("2025-11..2026-02") == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert synth.parse_months("2026-03") == ("2026-03",)
    with pytest.raises(ConfigError):
        synth.parse_months("2026-05..2026-01")


def test_every_government_delivers_its_entities_on_its_cycle(tmp_path):
    manifest = synth.generate(synth.Settings(tmp_path, ("2026-08", "2026-09"), seed=3, employees=300))
    agencies = manifest["agencies"]
    assert set(agencies) == {"KEPAHIANG", "PAUH", "LAMPUNG", "JAMBI", "WANGGAR"}
    assert "evaluasi_periodik" not in agencies["LAMPUNG"]["2026-08"]  # quarterly: only at quarter end
    assert agencies["LAMPUNG"]["2026-Q3"]["evaluasi_periodik"]["rows"] > 0
    assert "evaluasi_periodik" in agencies["PAUH"]["2026-08"]
    assert agencies["PAUH"]["2026-Q3"]["skm_populasi"]["rows"] > 0
    assert "rhk" not in agencies["WANGGAR"]["2026-09"]
    # organisation indicators: LAMPUNG, each quarter; training: every government, every month, never empty
    assert agencies["LAMPUNG"]["2026-Q3"]["iku"]["rows"] > 0 and "iku" not in agencies["LAMPUNG"]["2026-08"]
    assert all(agencies[kode][month]["pelatihan"]["rows"] > 0 for kode in agencies for month in ("2026-08", "2026-09"))


def test_iku_and_training_are_planted_as_the_manifest_says(tmp_path):
    manifest = synth.generate(synth.Settings(tmp_path, ("2026-06",), seed=5, employees=2000),
                              governments=("LAMPUNG", "PAUH"))
    iku = manifest["agencies"]["LAMPUNG"]["2026-Q2"]["iku"]
    records = [json.loads(line) for line in
               (tmp_path / "LAMPUNG" / "api" / "siasn" / "iku" / "2026-Q2.jsonl").read_text().splitlines()]
    assert len(records) == iku["rows"]
    assert sum(r["polaritas"] == "MENINGKAT" for r in records) == iku["defects"].get(plant.RULE["iku_arah"], 0)
    assert sum("," in str(r["realisasiKumulatif"]) for r in records) == \
        iku["defects"].get(plant.RULE["iku_realisasi"], 0)
    assert iku["rows_quarantined"] == sum(iku["defects"].values())
    courses = pd.read_csv(tmp_path / "PAUH" / "2026-06" / "pelatihan.csv", dtype=str, keep_default_na=False)
    planted = manifest["agencies"]["PAUH"]["2026-06"]["pelatihan"]
    assert len(courses) == planted["rows"]
    assert (courses["jumlah_jp"] == "0").sum() == planted["defects"].get(plant.RULE["pelatihan_jp"], 0)
    assert courses["tanggal_selesai"].str.contains("/").sum() == planted["defects"].get(plant.RULE["pelatihan_tanggal"], 0)
    assert set(courses["jalur"]) <= {"KLASIKAL", "NONKLASIKAL"} and (courses["periode"] == "2026-06").all()


def test_manifest_counts_match_the_files(tmp_path):
    manifest = synth.generate(synth.Settings(tmp_path, ("2026-04",), seed=3, employees=600), governments=("PAUH",))
    planted = manifest["agencies"]["PAUH"]["2026-04"]["evaluasi_periodik"]
    frame = pd.read_csv(tmp_path / "PAUH" / "2026-04" / "evaluasi_periodik.csv", dtype=str, keep_default_na=False)
    assert len(frame) == planted["rows"]
    assert planted["rows_quarantined"] == sum(planted["defects"].values())
    assert (~frame["nip"].str.fullmatch(r"[0-9]{18}")).sum() == planted["defects"].get(plant.RULE["nip"], 0)
    assert frame.duplicated(keep=False).sum() == planted["defects"].get(plant.RULE["unique_evaluasi"], 0)
    assert (frame["penilai_nip"] == frame["nip"]).sum() == planted["findings"]["menilai_diri_sendiri"]
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest


def test_nips_are_valid_by_the_suite_rules():
    suite = json.loads(open("expectations/pegawai.json").read())
    pattern = {e["kwargs"]["row_condition"]: e["kwargs"]["regex"] for e in suite["expectations"]
               if e["type"] == "expect_column_values_to_match_regex" and "row_condition" in e["kwargs"]}
    for government in world.GOVERNMENTS:
        for index in range(world.opd_count(government, 2000)):
            people = world.people_of_opd(government, index, 5, 2000)
            for person in people.itertuples():
                rule = next(r for cond, r in pattern.items() if f'"{person.status_kepegawaian}"' in cond)
                assert re.fullmatch(rule, person.nip), (person.status_kepegawaian, person.nip)
                assert person.jenis_kelamin == ("L" if person.nip[14] == "1" else "P")


def _violations(org, counts):
    """The distribution curve of SE MenPANRB 3/2023 (domain.md §1.5), as a test oracle."""
    n = sum(counts.values())
    share = {k: v / n for k, v in counts.items()}
    sb, b, bp, k, sk = (share.get(x, 0) for x in ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"))
    if org == "ISTIMEWA":
        return sb > 0.7
    if org == "BAIK":
        return b > 0.7 or bp + k == 0
    if org == "BUTUH_PERBAIKAN":
        return bp < 0.6 or sb > 0.1
    if org == "KURANG":
        return k < 0.6 or bp < 0.1 or sb > 0.1
    return sk < 0.6 or bp + k < 0.1 or sb > 0


@pytest.mark.parametrize("org", world.ORG_PREDIKAT)
def test_quotas_keep_every_unit_inside_its_curve(org):
    for n in range(3, 200):
        quotas = world.curve_quotas(org, n)
        assert sum(quotas.values()) == n and min(quotas.values()) >= 0
        assert not _violations(org, quotas), (org, n, quotas)


def test_legacy_scores_fall_in_their_pp30_band():
    import numpy as np

    rng = np.random.default_rng(1)
    for predikat, (low, high) in world.LEGACY_BANDS.items():
        for _ in range(500):
            scores = world._legacy_scores(rng, predikat)
            skp, perilaku = float(scores["nilai_skp"]), float(scores["nilai_perilaku"])
            assert 0 <= skp <= 120 and 0 <= perilaku <= 100
            assert low <= 0.7 * skp + 0.3 * perilaku <= high + 0.01


def test_krejcie_morgan_matches_the_published_table():
    table = {10: 10, 15: 14, 100: 80, 150: 108, 500: 217, 1000: 278, 5000: 357, 1000000: 384}
    assert {n: world.krejcie_morgan(n) for n in table} == table
    assert math.isclose(world.krejcie_morgan(20000), 377)


NATIONAL = 4_500_000


def test_nips_stay_unique_across_opds_at_national_size():
    """OPDs are generated one at a time, so no set of all NIPs exists: each OPD's birth dates fall in a
    residue class of its own, and the head of government and the external rater cannot meet anyone."""
    lampung = next(g for g in world.GOVERNMENTS if g.kode == "LAMPUNG")
    opds = world.opd_count(lampung, NATIONAL)
    assert opds > 700  # about 1.5 million employees in OPDs of about 2,000
    sample = [0, 1, 2, opds // 2, opds // 2 + 1, opds - 1]
    nips = pd.concat([world.people_of_opd(lampung, i, 9, NATIONAL)["nip"] for i in sample], ignore_index=True)
    nips = pd.concat([nips, pd.Series([world.external_rater_nip(lampung, 9, NATIONAL)])], ignore_index=True)
    assert nips.is_unique
    assert world.head_of_government_nip(lampung, 9, NATIONAL) in set(world.people_of_opd(lampung, 0, 9, NATIONAL)["nip"])


def test_generation_streams_opd_by_opd_at_national_size(tmp_path):
    """Memory follows the largest OPD (about 2,000 staff), not --employees: taking the first chunks
    of a 4.5-million world costs a process what a world a tenth of its size costs."""
    import subprocess
    import sys

    probe = (
        "import json, resource, sys\n"
        "from pathlib import Path\n"
        "from demo import synth\n"
        "from demo.synth import plant, world\n"
        "lampung = next(g for g in world.GOVERNMENTS if g.kode == 'LAMPUNG')\n"
        "source = synth.World(lampung, synth.Settings(Path(sys.argv[2]), ('2026-09',), seed=9,\n"
        "                     employees=int(sys.argv[1])), plant.Tally())\n"
        "sizes = [len(next(getattr(source, e)('2026-09'))) for e in ('pegawai', 'evaluasi_periodik', 'rhk')]\n"
        "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, sizes]))\n"
    )

    def peak(employees):
        done = subprocess.run([sys.executable, "-c", probe, str(employees), str(tmp_path)], check=True,
                              capture_output=True, text=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    tenth, _ = peak(NATIONAL // 10)
    national, sizes = peak(NATIONAL)
    assert max(sizes) <= 2_001 * 6  # an OPD's roster, or its RHK lines (at most 6 per person)
    assert national < 1.15 * tenth, (tenth, national)  # kB of resident memory at its peak


def test_feedback_is_about_one_per_rhk_line_and_the_silent_rater_gives_none():
    from demo.synth import feedback

    government = next(g for g in world.GOVERNMENTS if g.kode == "PAUH")
    people = world.people_of_opd(government, 0, 5, 400)
    roster = world.as_of(people, government, "2026-09", 5, 400)
    lines = world.rhk_lines(government, roster, "2026-09", 5)
    frame, silent = feedback.feedback(government, roster, lines, "2026-09", 5, 400)
    assert silent and silent in set(roster["nip"])
    assert silent in set(world.evaluations(government, roster, "2026-09", 5, 400)["penilai_nip"])  # he rates
    assert silent not in set(frame["pemberi_nip"])  # and never gives feedback
    his_staff = set(roster.loc[roster["atasan_nip"] == silent, "nip"])
    assert his_staff and not his_staff & set(frame["nip"])
    rhk = frame[frame["aspek"] == "RHK"]
    assert 0.7 <= len(rhk) / len(lines) <= 1.1
    assert frame["umpan_balik_id"].is_unique
    # every other rated employee got feedback on his first line, from his own rater
    others = lines[~lines["nip"].isin(his_staff) & (lines["rhk_kode"] == "RHK-1")]
    first = rhk[rhk["rhk_kode"] == "RHK-1"]
    assert set(others["nip"]) <= set(first["nip"])
    rater = feedback.rater_of(government, roster, 5, 400)
    assert all(rater[n] == g for n, g in zip(first["nip"], first["pemberi_nip"]))
    # some after the month's end, most before
    late = (pd.to_datetime(frame["waktu_diberikan"].str[:10]) > pd.Timestamp("2026-09-30")).mean()
    assert 0.02 < late < 0.3


def test_berakhlak_values_are_seven_per_evaluation_near_the_overall_rating():
    from demo.synth import feedback

    government = next(g for g in world.GOVERNMENTS if g.kode == "KEPAHIANG")
    roster = world.as_of(world.people_of_opd(government, 1, 5, 400), government, "2026-09", 5, 400)
    evaluations = world.evaluations(government, roster, "2026-09", 5, 400)
    values = feedback.perilaku(evaluations, 5)
    assert len(values) == 7 * len(evaluations)
    merged = values.merge(evaluations[["nip", "rating_perilaku_kerja"]], on="nip")
    assert 0.65 <= (merged["rating"] == merged["rating_perilaku_kerja"]).mean() <= 0.95
