import json

import pandas as pd
import pytest

from etl.canonical import ENTITIES, to_canonical
from etl.validate import Tally, load_suite_spec, suite, suite_path, validate_chunk

SUITES = [name for name in ENTITIES if suite_path(name).exists()]


@pytest.mark.parametrize("name", SUITES)
def test_gx_accepts_every_expectation_of_each_suite(name):
    spec = json.loads(suite_path(name).read_text())
    assert len(suite(name).expectations) == len(spec["expectations"])
    assert all(e.get("meta", {}).get("rule") for e in spec["expectations"]), "every rule needs its sentence"


def test_the_vertical_slice_has_its_suites():
    assert {"unit_kerja", "pegawai", "evaluasi_periodik"} <= set(SUITES)


def _evaluation(**overrides):
    row = {
        "nip": "199001012015031001", "periode": "2026-10", "skp_id": "S1", "regime": "PERMEN6_2022",
        "rating_hasil_kerja": "Di Atas Ekspektasi", "rating_perilaku_kerja": "Sesuai Ekspektasi", "nilai_skp": "",
        "nilai_perilaku": "", "predikat": "Baik", "penilai_nip": "198001012005011002",
        "waktu_dinilai": "2026-11-03T09:00:00+07:00", "is_plt_plh": "false",
    }
    row.update(overrides)
    return row


def test_good_rows_pass_and_bad_rows_carry_every_rule_they_broke():
    rows = [
        _evaluation(),
        _evaluation(nip="1.99001E+17", skp_id="S2"),
        _evaluation(nip="199001012015031003", rating_hasil_kerja="Luar Biasa", waktu_dinilai="kemarin"),
        _evaluation(nip="199001012015031004", regime="PP30_2019", rating_hasil_kerja="", rating_perilaku_kerja="",
                    nilai_skp="95", nilai_perilaku="80"),
        _evaluation(nip="199001012015031005", nilai_skp="100"),
    ]
    chunk = to_canonical(pd.DataFrame(rows), "evaluasi_periodik", first_row=2)
    tally = Tally()
    outcome = validate_chunk("evaluasi_periodik", chunk, tally)
    assert outcome.good["_row"].tolist() == [2, 5]
    reasons = dict(zip(outcome.quarantined["_row"], outcome.quarantined["_reasons"]))
    assert reasons[3] == ["nip must be exactly 18 digits (not a number in scientific notation)"]
    assert sorted(reasons[4]) == sorted([
        "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi",
        "waktu_dinilai must be an ISO 8601 date or timestamp",
    ])
    assert reasons[6] == ["nilai_skp must be empty under PERMEN6_2022 (never mix 0-120 scores with ratings)"]
    failed = {r.rule: r.rows_failed for r in tally.rules.values() if r.rows_failed}
    assert sum(failed.values()) == 4


def test_pppk_nip_is_not_checked_as_a_pns_date():
    people = pd.DataFrame([
        {"nip": "199203152023212001", "nama": "A", "status_kepegawaian": "PPPK", "jenis_kelamin": "P",
         "golongan": "IX", "jabatan_nama": "Guru", "jabatan_kategori": "FUNGSIONAL", "unit_kode": "U",
         "atasan_nip": "", "aktif": "true"},
        {"nip": "199203152023212002", "nama": "B", "status_kepegawaian": "PNS", "jenis_kelamin": "P",
         "golongan": "III/a", "jabatan_nama": "Guru", "jabatan_kategori": "FUNGSIONAL", "unit_kode": "U",
         "atasan_nip": "", "aktif": "true"},
    ])
    outcome = validate_chunk("pegawai", to_canonical(people, "pegawai", 2), Tally())
    assert outcome.good["_row"].tolist() == [2]  # month 21 is fine for PPPK, not for PNS
    assert "PNS/CPNS" in outcome.quarantined["_reasons"].iloc[0][0]


def test_suite_spec_is_gx_1x_format():
    spec = load_suite_spec("evaluasi_periodik")
    assert "name" in spec and "expectation_suite_name" not in spec
    assert all("type" in e and "expectation_type" not in e for e in spec["expectations"])


# --------------------------------------------------------------------------- reference rules
from etl.validate.references import KeyCollector, Reference, failing, references_of  # noqa: E402


@pytest.mark.parametrize("name", SUITES)
def test_every_reference_names_real_entities_and_columns(name):
    for ref in references_of(load_suite_spec(name)):
        assert ref.column in ENTITIES[name].columns, ref
        assert ref.rule
        if ref.entity:
            assert ref.key in ENTITIES[ref.entity].columns, ref
            assert all(c in ENTITIES[ref.entity].columns for c, _ in ref.key_where), ref


def test_a_reference_checks_well_formed_values_against_the_keys():
    units = pd.DataFrame({"unit_kode": ["A", "A.1", "A.2"], "is_unit_layanan": ["false", "true", "false"]})
    keys, service = KeyCollector(), KeyCollector()
    keys.add(units, "unit_kode", ())
    service.add(units, "unit_kode", (("is_unit_layanan", "true"),))
    chunk = pd.DataFrame({"unit_kode": ["A.1", "A.9", None, "A.2"], "nip": ["1" * 18, "x", "2" * 18, None]})
    in_units = Reference("unit_kode", "r", entity="unit_kerja", key="unit_kode")
    assert failing(in_units, chunk, keys, "PAUH", "2026-10").tolist() == [False, True, False, False]
    in_service = Reference("unit_kode", "r", entity="unit_kerja", key="unit_kode",
                           key_where=(("is_unit_layanan", "true"),))
    assert failing(in_service, chunk, service, "PAUH", "2026-10").tolist() == [False, True, False, True]
    roster = KeyCollector()
    roster.add(pd.DataFrame({"nip": ["1" * 18]}), "nip", ())
    well_formed = Reference("nip", "r", entity="pegawai", key="nip", applies_to="^[0-9]{18}$")
    assert failing(well_formed, chunk, roster, "PAUH", "2026-10").tolist() == [False, False, True, False]


def test_equals_checks_the_delivering_government_and_period():
    chunk = pd.DataFrame({"instansi_kode": ["PAUH", "JAMBI", None], "periode": ["2026-10", "2026-10", "2026-09"]})
    agency = Reference("instansi_kode", "r", equals="agency")
    period = Reference("periode", "r", equals="period")
    assert failing(agency, chunk, None, "PAUH", "2026-10").tolist() == [False, True, False]
    assert failing(period, chunk, None, "PAUH", "2026-10").tolist() == [False, False, True]


def test_a_reference_needs_a_target():
    with pytest.raises(ValueError, match="needs entity and key"):
        Reference.from_spec({"column": "unit_kode", "rule": "r"})
    with pytest.raises(ValueError, match="equals must be"):
        Reference.from_spec({"column": "unit_kode", "rule": "r", "equals": "month"})


def test_a_day_or_time_that_does_not_exist_is_quarantined_not_left_for_the_warehouse_to_trip_on():
    """A date's shape is not enough: 31 February would pass a shape check and then stop the month's
    dbt build at its cast to timestamptz, for every government at once."""
    rows = [_evaluation(nip=f"19900101201503100{i}", waktu_dinilai=value) for i, value in enumerate(
        ["2026-11-03T09:00:00+07:00", "2026-02-31T09:00:00+07:00", "2026-11-03T24:10:00+07:00",
         "2025-02-29", "2024-02-29T23:59:59Z"])]
    chunk = to_canonical(pd.DataFrame(rows), "evaluasi_periodik", first_row=2)
    outcome = validate_chunk("evaluasi_periodik", chunk, Tally())
    assert outcome.good["_row"].tolist() == [2, 6]
    assert set(outcome.quarantined["_row"]) == {3, 4, 5}


@pytest.mark.parametrize("name", SUITES)
def test_every_date_and_timestamp_rule_knows_the_calendar(name):
    import re

    spec = json.loads(suite_path(name).read_text())
    for e in spec["expectations"]:
        column, regex = e["kwargs"].get("column", ""), e["kwargs"].get("regex")
        if regex and column.startswith(("tanggal", "waktu_")):
            timestamp = "T" if re.search(regex, "2026-01-31T10:00:00+07:00") else None
            probe = (lambda day: f"{day}T10:00:00+07:00") if timestamp else (lambda day: day)
            assert re.search(regex, probe("2024-02-29")) and re.search(regex, probe("2026-12-31")), column
            assert not any(re.search(regex, probe(day)) for day in ("2026-02-29", "2026-04-31", "2026-13-01")), column
