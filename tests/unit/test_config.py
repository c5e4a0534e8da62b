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


# ------------------------------------------------------------------ the typed model (issue 18 item 5)

def _file(tmp_path, text: str):
    path = tmp_path / "agencies.yml"
    path.write_text(text, encoding="utf-8")
    return path


MAPPED = "{kind: mapped_csv, entities: [pegawai], options: {columns: {pegawai: {NIP: nip}}%s}}"


@pytest.mark.parametrize("options, expected", [
    (", delimter: ';'", r"government LAMPUNG, options\.delimter: unknown option of mapped_csv "
                        r"\(known: path, files, columns, .*delimiter, encoding\)$"),
    (", delimiter: ';;'", r"government LAMPUNG, options\.delimiter: must be one character, not ';;'$"),
    (", numeric: nilai", r"government LAMPUNG, options\.numeric: must be a list, not 'nilai'$"),
    (", files: [a.csv]", r"government LAMPUNG, options\.files: must be a mapping \(key: value\), not \['a.csv'\]$"),
])
def test_a_misspelt_or_mistyped_option_names_the_file_the_government_and_the_key(tmp_path, options, expected):
    path = _file(tmp_path, f"agencies:\n  - kode: lampung\n    sources: [{MAPPED % options}]\n")
    with pytest.raises(ConfigError, match=r"^" + str(path).replace(".", r"\.") + ": " + expected) as caught:
        load_agencies(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("source, expected", [
    ("{kind: siasn_api, entities: [pegawai], options: {page_size: 100}}",
     r"government X, options\.base_url: missing required option$"),
    ("{kind: mapped_csv, entities: [pegawai], options: {delimiter: ';'}}",
     r"government X, options\.columns: missing required option$"),
    ("{kind: ekinerja_xlsx, entities: [pegawai], options: {header_search_rows: banyak}}",
     r"government X, options\.header_search_rows: must be a whole number, not 'banyak'$"),
    ("{kind: ekinerja_xlsx, entities: [pegawai], options: {header_search_rows: 0}}",
     r"government X, options\.header_search_rows: must be at least 1, not 0$"),
    ("{kind: ekinerja_xlsx, entities: [pegawai], options: {limits: {max_size: 5}}}",
     r"government X, options\.limits\.max_size: must be 'max_file_bytes', .* not 'max_size'$"),
    ("{kind: siasn_api, entities: [pegawai], options: {base_url: 'http://x', token_auth: oauth}}",
     r"government X, options\.token_auth: must be 'basic' or 'form', not 'oauth'$"),
    ("{kind: canonical_csv, entities: [pegawai], options: {paht: x}}",
     r"government X, options\.paht: unknown option of canonical_csv \(known: path\)$"),
    ("{kind: csv, entities: [pegawai]}",
     r"government X, sources\[0\]\.kind: unknown kind 'csv' \(supported: app_db, canonical_csv, .*\)$"),
    ("{kind: canonical_csv, entities: [pegawai], option: {path: x}}",
     r"government X, sources\[0\]\.option: unknown setting \(known: kind, entities, options\)$"),
])
def test_every_connector_declares_its_options(tmp_path, source, expected):
    path = _file(tmp_path, f"agencies:\n  - kode: X\n    sources: [{source}]\n")
    with pytest.raises(ConfigError, match=expected):
        load_agencies(path)


def test_a_region_is_a_kemendagri_code_and_a_level(tmp_path):
    source = "    sources: [{kind: canonical_csv, entities: [pegawai]}]\n"
    good = _file(tmp_path, f"agencies:\n  - kode: X\n    wilayah: {{kode: '17.08', tingkat: kabupaten}}\n{source}")
    (agency,) = load_agencies(good)
    assert (agency.kode_wilayah, agency.tingkat_wilayah) == ("17.08", "kabupaten")
    unquoted = _file(tmp_path, f"agencies:\n  - kode: X\n    wilayah: {{kode: 13.10, tingkat: kota}}\n{source}")
    with pytest.raises(ConfigError, match=r"government X, wilayah.kode: .*13.1"):
        load_agencies(unquoted)  # YAML read 13.10 as the number 13.1: not a region code
    level = _file(tmp_path, f"agencies:\n  - kode: X\n    wilayah: {{kode: '18', tingkat: negara}}\n{source}")
    with pytest.raises(ConfigError, match=r"government X, wilayah.tingkat: "):
        load_agencies(level)


def test_a_misspelt_government_setting_is_refused(tmp_path):
    path = _file(tmp_path, "agencies:\n  - kode: X\n    perodicity: quarterly\n"
                           "    sources: [{kind: canonical_csv, entities: [pegawai]}]\n")
    with pytest.raises(ConfigError, match=r"government X, perodicity: unknown setting \(known: kode, nama, "
                                          r"periodicity, sources, gates[,)]"):
        load_agencies(path)
    path = _file(tmp_path, "agencies:\n  - kode: X\n    periodicity: weekly\n"
                           "    sources: [{kind: canonical_csv, entities: [pegawai]}]\n")
    with pytest.raises(ConfigError, match=r"government X, periodicity: must be 'monthly' or 'quarterly', not 'weekly'$"):
        load_agencies(path)
    path = _file(tmp_path, "agencie:\n  - kode: X\n")
    with pytest.raises(ConfigError, match=r"agencie: unknown setting \(known: gates, agencies\)$"):
        load_agencies(path)


def test_the_shipped_file_is_named_as_a_person_names_it(tmp_path, monkeypatch):
    from etl.config import PROJECT_DIR

    shipped = (PROJECT_DIR / "config" / "agencies.yml").read_text(encoding="utf-8")
    path = PROJECT_DIR / "config" / f".test-{tmp_path.name}.yml"
    path.write_text(shipped.replace("header_search_rows: 20", "header_serch_rows: 20"), encoding="utf-8")
    try:
        with pytest.raises(ConfigError, match=rf"^config/\.test-{tmp_path.name}\.yml: government KEPAHIANG, "
                                              r"options\.header_serch_rows: unknown option of ekinerja_xlsx"):
            load_agencies(path)
    finally:
        path.unlink()


def _sources_in_use():
    """(where, kind, options) of every source in the shipped agencies file and the corpus's governments."""
    import json

    import yaml

    from etl.config import PROJECT_DIR

    document = yaml.safe_load((PROJECT_DIR / "config" / "agencies.yml").read_text(encoding="utf-8"))
    for agency in document["agencies"]:
        for source in agency["sources"]:
            yield f"config/agencies.yml {agency['kode']}", source["kind"], source.get("options") or {}
    cases = json.loads((PROJECT_DIR / "tests" / "corpus" / "cases.json").read_text(encoding="utf-8"))
    for kind, agency in cases["agencies"].items():
        yield f"tests/corpus {agency['kode']}", kind, agency.get("options") or {}


def test_every_option_in_use_today_stays_valid():
    from etl.config import options_model

    seen = set()
    for where, kind, options in _sources_in_use():
        options_model(kind).model_validate(options)  # raises on anything its model does not accept
        seen.add(kind)
    assert seen == {"app_db", "canonical_csv", "ekinerja_xlsx", "json_export", "mapped_csv", "siasn_api",
                    "skm_forms_csv"}


def test_the_committed_json_schema_is_current_and_checks_the_shipped_file():
    import json

    import jsonschema
    import yaml

    from etl.config import OPTIONS_DOC, PROJECT_DIR, SCHEMA_FILE, schema_text, with_options_reference

    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), \
        "docs/agencies.schema.json is stale: run `kinerja config schema --write`"
    documented = OPTIONS_DOC.read_text(encoding="utf-8")
    assert documented == with_options_reference(documented), \
        "the options' tables in docs/configuration.md are stale: run `kinerja config schema --write`"
    assert "| `delimiter` | `,` |" in documented
    validator = jsonschema.Draft202012Validator(json.loads(schema_text()))
    document = yaml.safe_load((PROJECT_DIR / "config" / "agencies.yml").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(document))
    mapped = next(s for a in document["agencies"] for s in a["sources"] if s["kind"] == "mapped_csv")
    mapped["options"]["delimter"] = ";"
    assert list(validator.iter_errors(document))


def test_kinerja_config_check_says_what_is_wrong_in_one_sentence(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from etl.cli import app

    path = _file(tmp_path, f"agencies:\n  - kode: lampung\n    sources: [{MAPPED % ', delimter: x'}]\n")
    monkeypatch.setenv("KINERJA_AGENCIES", str(path))
    refused = CliRunner().invoke(app, ["config", "check"])
    assert refused.exit_code == 1
    assert refused.stderr.startswith(f"error: {path}: government LAMPUNG, options.delimter: unknown option of "
                                     "mapped_csv (known: ") and len(refused.stderr.strip().splitlines()) == 1
    monkeypatch.delenv("KINERJA_AGENCIES")
    shipped = CliRunner().invoke(app, ["config", "check"])
    assert shipped.exit_code == 0 and "5 governments" in shipped.stdout, shipped.output


# ------------------------------------------------------------ PP 30/2019 weights per government (issue 19 item 5)

def test_pp30_weights_per_government_and_month_are_optional_and_reach_dbt(tmp_path, monkeypatch):
    """A government may set its PP 30/2019 weighting from a month on (a year may change it); a file
    without the setting (every other agencies file) is valid and gives dbt no per-government weights,
    so var pp30_cara_penilaian (70/30) applies."""
    from etl import transform

    source = "    sources: [{kind: canonical_csv, entities: [pegawai]}]\n"
    path = _file(tmp_path, "agencies:\n  - kode: v\n" + source +
                 "    pp30_2019_bobot:\n      - {mulai: '2021-07', cara_penilaian: BIASA}\n"
                 "      - {mulai: '2021-01', cara_penilaian: 360_DERAJAT}\n"
                 "  - kode: t\n" + source)
    agencies = load_agencies(path)
    assert agencies[0].pp30_bobot == (("2021-01", "360_DERAJAT"), ("2021-07", "BIASA"))
    assert agencies[1].pp30_bobot == ()
    monkeypatch.setenv("KINERJA_AGENCIES", str(path))
    assert transform.pp30_weights() == [
        {"instansi_kode": "V", "mulai": "2021-01", "cara_penilaian": "360_DERAJAT"},
        {"instansi_kode": "V", "mulai": "2021-07", "cara_penilaian": "BIASA"}]


@pytest.mark.parametrize("entry, expected", [
    ("{mulai: '2021-07', cara_penilaian: SENDIRI}",
     r"government V, pp30_2019_bobot\[0\]\.cara_penilaian: must be 'BIASA' or '360_DERAJAT', not 'SENDIRI'$"),
    ("{mulai: '2021-13', cara_penilaian: BIASA}", r"government V, pp30_2019_bobot\[0\]\.mulai: must be a month, YYYY-MM, not '2021-13'$"),
    ("{mulai: '2021-07', cara_penilaian: BIASA}, {mulai: '2021-07', cara_penilaian: 360_DERAJAT}",
     r"pp30_2019_bobot names the same month twice$"),
])
def test_a_wrong_pp30_weighting_is_refused_in_one_sentence(tmp_path, entry, expected):
    path = _file(tmp_path, "agencies:\n  - kode: v\n    sources: [{kind: canonical_csv, entities: [pegawai]}]\n"
                           f"    pp30_2019_bobot: [{entry}]\n")
    with pytest.raises(ConfigError, match=expected):
        load_agencies(path)
