import hashlib
import json
import re

import pandas as pd
import pytest

from etl import synth
from etl.config import ConfigError


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    months = synth.parse_months("2026-01..2026-02")
    synth.generate(synth.Settings(tmp_path / "a", months, seed=1, employees=50))
    synth.generate(synth.Settings(tmp_path / "b", months, seed=1, employees=50))
    synth.generate(synth.Settings(tmp_path / "c", months, seed=2, employees=50))
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_parse_months():
    assert synth.parse_months("2025-11..2026-02") == ("2025-11", "2025-12", "2026-01", "2026-02")
    assert synth.parse_months("2026-03") == ("2026-03",)
    with pytest.raises(ConfigError):
        synth.parse_months("2026-05..2026-01")


def test_manifest_counts_match_the_files(tmp_path):
    manifest = synth.generate(synth.Settings(tmp_path, ("2026-04",), seed=3, employees=60))
    planted = manifest["agencies"]["PAUH"]["2026-04"]["evaluasi_periodik"]
    frame = pd.read_csv(tmp_path / "PAUH" / "2026-04" / "evaluasi_periodik.csv", dtype=str, keep_default_na=False)
    assert len(frame) == planted["rows"]
    assert planted["rows_quarantined"] == sum(planted["defects"].values())
    assert (~frame["nip"].str.fullmatch(r"[0-9]{18}")).sum() == planted["defects"][synth.RULE_NIP_FORMAT]
    assert frame.duplicated(keep=False).sum() == planted["defects"][synth.RULE_UNIQUE]
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest


def test_nips_are_valid_by_the_suite_rules(tmp_path):
    suite = json.loads(open("expectations/pegawai.json").read())
    pattern = {e["kwargs"]["row_condition"]: e["kwargs"]["regex"] for e in suite["expectations"]
               if e["type"] == "expect_column_values_to_match_regex" and "row_condition" in e["kwargs"]}
    _, people = synth.pauh_roster(synth.Settings(tmp_path, ("2026-01",), seed=5, employees=300))
    assert people["nip"].is_unique
    for person in people.itertuples():
        rule = next(r for cond, r in pattern.items() if f'"{person.status_kepegawaian}"' in cond)
        assert re.fullmatch(rule, person.nip), (person.status_kepegawaian, person.nip)
        assert person.jenis_kelamin == ("L" if person.nip[14] == "1" else "P")
