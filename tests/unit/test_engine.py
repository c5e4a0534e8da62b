"""The vectorised checks against Great Expectations itself, rule by rule, on hostile values."""

import numpy as np
import pandas as pd
import pytest

from etl.canonical import ENTITIES
from etl.validate import SuiteError, check_chunk, judged_check, load_suite_spec, suite_path
from etl.validate import engine

SUITES = [name for name in ENTITIES if suite_path(name).exists()]

# values that are right for some column, wrong for others, or tricky for a regex engine
POOL = [
    None, "x", "-1", "0", "12", "12.5", "12,5", "135.00", "1e3", "4", "5", "true", "false", "Y",
    "199001012015031001", "199001012015211001", "1.99001E+17", "19900101201503100", "١٢٣٤",
    "2026-10", "2026-09", "2026-Q3", "2026-13", "2026-S1", "2026", "2026-10-05", "2026-10-05T09:00:00+07:00",
    "45962.4", "05/10/2026", "PAUH", "KEPAHIANG", "PAUH.OPD001", "PAUH OPD", "L", "P", "W",
    "PNS", "CPNS", "PPPK", "PPPK_PARUH_WAKTU", "III/a", "IV/e", "IX", "XVIII", "PERMEN6_2022", "PP30_2019",
    "DIATAS", "SESUAI", "DIBAWAH", "Luar Biasa", "SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG",
    "SANGAT_KURANG", "ISTIMEWA", "UTAMA", "TAMBAHAN", "POKOK", "PELAKSANA", "FUNGSIONAL", "a" * 300,
    "abc\ndef", "2026-10\n", "<script>alert(1)</script>", "=1+1", "Ω", "150",
]


def _frame(entity, rows, seed):
    rng = np.random.default_rng(seed)
    columns = ENTITIES[entity].columns
    data = {c: [POOL[i] for i in rng.integers(0, len(POOL), rows)] for c in columns}
    frame = pd.DataFrame(data).astype("string")
    # some rows repeat others, so the uniqueness rules fire
    frame.iloc[rows // 2: rows // 2 + 10] = frame.iloc[:10].to_numpy()
    frame.insert(0, "_row", range(2, rows + 2))
    return frame


@pytest.mark.parametrize("entity", SUITES)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vectorised_checks_find_exactly_what_gx_finds(entity, seed):
    frame = _frame(entity, 300, seed)
    gx = check_chunk(entity, frame)
    ours = judged_check(entity, frame)  # also raises if GX disagrees on its sample
    assert {row: sorted(r) for row, r in ours.reasons.items()} == {row: sorted(r) for row, r in gx.reasons.items()}
    by_rule = {r.rule: (r.rows_evaluated, r.rows_failed) for r in gx.results}
    assert {r.rule: (r.rows_evaluated, r.rows_failed) for r in ours.results} == by_rule
    assert sum(failed for _, failed in by_rule.values()) > 0


def test_every_expectation_of_the_suites_compiles():
    for entity in SUITES:
        checks, leftover = engine.compile_suite(load_suite_spec(entity))
        assert leftover == [], entity
        assert len(checks) == len(load_suite_spec(entity)["expectations"])


def test_what_does_not_compile_is_left_to_gx():
    assert not engine.compiles({"type": "expect_column_values_to_match_regex",
                                "kwargs": {"column": "a", "regex": r"^\D+$"}})
    assert not engine.compiles({"type": "expect_column_values_to_match_regex",
                                "kwargs": {"column": "a", "regex": r"(?i)^abc$"}})
    assert not engine.compiles({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "mostly": 0.9}})
    assert not engine.compiles({"type": "expect_column_mean_to_be_between", "kwargs": {"column": "a"}})
    assert not engine.compiles({"type": "expect_column_values_to_be_in_set",
                                "kwargs": {"column": "a", "value_set": {"$PARAMETER": "x"}}})


def test_a_disagreement_with_gx_refuses_the_chunk(monkeypatch):
    import etl.validate as validate

    monkeypatch.setattr(validate, "JUDGED_CLEAN_RULES", 100)  # judge every rule this time
    frame = _frame("rhk", 50, 4)
    frame.loc[7, "skp_id"] = pd.NA  # required (an RHK line may have no target since issue 20)
    real = engine.Check.failing

    def wrong(self, chunk, domains=None):
        mask, evaluated = real(self, chunk, domains)
        if self.type == "expect_column_values_to_not_be_null":
            mask = mask.copy()
            mask[:] = False  # a bug: never finds an empty value
        return mask, evaluated

    monkeypatch.setattr(engine.Check, "failing", wrong)
    with pytest.raises(SuiteError, match="disagree on '.* is required'"):
        judged_check("rhk", frame)


def test_gx_judges_every_failing_row_and_a_spread_of_the_others():
    failing = np.zeros(10_000, dtype=bool)
    failing[[3, 5000, 9999]] = True
    positions = engine.sample_positions(failing)
    assert {3, 5000, 9999} <= set(positions.tolist())
    assert engine.SAMPLE_ROWS <= len(positions) <= engine.SAMPLE_ROWS + 3
    assert positions[0] == 0 and positions[-1] == 9999


def test_rules_without_failures_are_judged_in_turn(monkeypatch):
    """Each batch has every rule that failed rows judged, and a few of the others; over a handful of
    batches every rule of the suite has been judged."""
    import etl.validate as validate

    judged = []
    real = validate.check_chunk

    def spy(entity, chunk, part="all"):
        judged.append(part)
        return real(entity, chunk, part)

    monkeypatch.setattr(validate, "check_chunk", spy)
    frame = _frame("pegawai", 200, 5)
    checked, sample = validate.fast_check("pegawai", frame)
    failing = {i for i, c in enumerate(validate._compiled("pegawai")[0]) if c.failing(sample)[0].any()}
    for batch in range(12):
        validate.judge("pegawai", [sample], f"batch-{batch}")
    positions = [c.index for c in validate._compiled("pegawai")[0]]
    assert all({positions[i] for i in failing} <= set(part) for part in judged)
    assert set().union(*map(set, judged)) == set(positions)


def test_large_batches_are_always_judged_and_small_ones_in_proportion(monkeypatch):
    import etl.validate as validate

    monkeypatch.setenv("KINERJA_JUDGE_ALWAYS_ROWS", "200000")
    assert all(validate.is_judged(f"b{i}", 200_000) for i in range(200))
    ids = [f"batch-{i}" for i in range(20_000)]
    share = sum(validate.is_judged(b, 20_000) for b in ids) / len(ids)
    assert 0.09 < share < 0.11  # 20,000 rows of 200,000: a tenth
    tiny = sum(validate.is_judged(b, 10) for b in ids) / len(ids)
    assert 0.015 < tiny < 0.025  # never below JUDGED_MIN_SHARE
    assert [validate.is_judged(b, 20_000) for b in ids[:50]] == [validate.is_judged(b, 20_000) for b in ids[:50]]
    monkeypatch.setenv("KINERJA_JUDGE_ALWAYS_ROWS", "0")
    assert all(validate.is_judged(b, 1) for b in ids[:100])
