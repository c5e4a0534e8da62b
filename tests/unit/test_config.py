import pytest

from etl.config import ConfigError, check_period, load_agencies


def test_shipped_agencies_file_loads():
    agencies = load_agencies()
    assert "PAUH" in {a.kode for a in agencies}


def test_unknown_entity_is_refused(tmp_path):
    path = tmp_path / "agencies.yml"
    path.write_text("agencies:\n  - {kode: X, sources: [{kind: canonical_csv, entities: [gaji]}]}\n")
    with pytest.raises(ConfigError, match="unknown entities: gaji"):
        load_agencies(path)


def test_missing_setting_is_named(tmp_path):
    path = tmp_path / "agencies.yml"
    path.write_text("agencies:\n  - {kode: X, sources: [{entities: [pegawai]}]}\n")
    with pytest.raises(ConfigError, match="kind"):
        load_agencies(path)


def test_agencies_file_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "other.yml"
    path.write_text("agencies:\n  - {kode: baru, sources: [{kind: canonical_csv, entities: [pegawai]}]}\n")
    monkeypatch.setenv("KINERJA_AGENCIES", str(path))
    assert [a.kode for a in load_agencies()] == ["BARU"]


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "26-01", "", "2026-Q1"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(ConfigError):
        check_period(bad)


def test_quarterly_government_delivers_evaluations_at_quarter_end(tmp_path):
    from etl.config import due_period

    path = tmp_path / "agencies.yml"
    path.write_text("agencies:\n  - {kode: Q, periodicity: quarterly, sources: [{kind: canonical_csv, "
                    "entities: [pegawai, evaluasi_periodik, skm_populasi]}]}\n")
    (agency,) = load_agencies(path)
    assert due_period(agency, "pegawai", "2026-08") == "2026-08"
    assert due_period(agency, "evaluasi_periodik", "2026-08") is None
    assert due_period(agency, "evaluasi_periodik", "2026-09") == "2026-Q3"
    assert due_period(agency, "skm_populasi", "2026-12") == "2026-Q4"


def test_periods_before_and_their_month():
    from etl.config import month_of, previous_period

    assert previous_period("2026-01") == "2025-12" and previous_period("2026-10") == "2026-09"
    assert previous_period("2026-Q1") == "2025-Q4" and previous_period("2026-Q3") == "2026-Q2"
    assert month_of("2026-Q3") == "2026-09" and month_of("2026-10") == "2026-10"


def test_volume_gate_shares_come_from_the_file(tmp_path):
    from etl.config import DEFAULT_MIN_SHARE_OF_PREVIOUS, ConfigError, load_agencies

    path = tmp_path / "agencies.yml"
    path.write_text(
        "gates:\n  min_share_of_previous: {pegawai: 0.8, skm_responden: 0.2}\n"
        "agencies:\n"
        "  - kode: A\n    sources: [{kind: canonical_csv, entities: [pegawai]}]\n"
        "  - kode: B\n    gates: {min_share_of_previous: {pegawai: null}}\n"
        "    sources: [{kind: canonical_csv, entities: [pegawai]}]\n")
    a, b = load_agencies(path)
    assert a.min_share_of_previous == DEFAULT_MIN_SHARE_OF_PREVIOUS | {"pegawai": 0.8, "skm_responden": 0.2}
    assert "pegawai" not in b.min_share_of_previous and b.min_share_of_previous["skm_responden"] == 0.2
    path.write_text("gates:\n  min_share_of_previous: {pegawai: 2}\nagencies: []\n")
    with pytest.raises(ConfigError, match="from 0 to 1"):
        load_agencies(path)
