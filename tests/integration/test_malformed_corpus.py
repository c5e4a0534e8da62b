"""Every malformed delivery of tests/corpus/ through the real path: extract -> validate -> load.

Each case (tests/corpus/cases.json, made by tests/corpus/make_corpus.py) is delivered by a test
agency of its connector kind that delivers only the case's entity, from a drop folder in tmp_path.
A case either ends as a rejected batch (the expected gate, nothing loaded, a message that names
the file and says why) or as a loaded batch whose rows balance (received = loaded + quarantined)
with exactly the expected rows quarantined for the expected rules. Nothing may raise but
AgencyBatchFailed, which load raises for a rejected batch.

The API kind cannot get a broken file over HTTP (its fetch re-serialises the records), so for it
the case file stands in for what fetch landed: fetch is replaced by one returning the file, and
everything after it (landing, read, validation, load) is the product's own.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from etl import pipeline
from etl.canonical import ENTITIES
from etl.config import due_period, find_agency
from etl.sources import siasn_api

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCUMENT = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
CASES = DOCUMENT["cases"]


def _make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


make_corpus = _make_corpus()


def test_the_corpus_has_at_least_thirty_cases_and_covers_every_file_kind():
    assert len(CASES) >= 30
    assert {c["kind"] for c in CASES} == set(DOCUMENT["agencies"])
    assert len({c["id"] for c in CASES}) == len(CASES)
    outcomes = {c["expect"]["status"] for c in CASES}
    assert outcomes == {"rejected", "loaded"}


def test_the_files_on_disk_are_what_make_corpus_writes():
    """The corpus is reproducible: regenerating it changes no byte."""
    assert (CORPUS / "cases.json").read_text(encoding="utf-8") == make_corpus.cases_document()
    for case in CASES:
        if case.get("generated"):
            assert case["file"] is None
            continue
        assert (CORPUS / case["file"]).read_bytes() == make_corpus.build(case["id"]), case["id"]
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
               if p.is_file() and p.parent != CORPUS and "__pycache__" not in p.parts}
    assert on_disk == {c["file"] for c in CASES if not c.get("generated")}


def _agencies_file(path: Path, case: dict) -> Path:
    agency = DOCUMENT["agencies"][case["kind"]]
    # a drop folder for the kinds that read one (the API's delivery is handed over by the test: no path)
    folder = {} if case["kind"] == "siasn_api" else {"path": "{sources_dir}/{agency}/{period}"}
    options = {**folder, **agency["options"]}
    document = {
        # no volume gate: each case stands alone, whatever earlier cases loaded
        "gates": {"min_share_of_previous": {e: None for e in ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk")}},
        "agencies": [{
            "kode": agency["kode"], "nama": f"Corpus agency for {case['kind']}", "periodicity": "monthly",
            "sources": [{"kind": case["kind"], "entities": [case["entity"]], "options": options}],
        }],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_a_malformed_delivery_is_refused_or_quarantined_and_never_crashes(case, db, tmp_path, monkeypatch):
    kode, entity, expect = case["agency"], case["entity"], case["expect"]
    period = case.get("period", DOCUMENT["period"])
    content = make_corpus.build(case["id"]) if case.get("generated") else (CORPUS / case["file"]).read_bytes()
    monkeypatch.setenv("KINERJA_SOURCES_DIR", str(tmp_path / "sources"))
    monkeypatch.setenv("KINERJA_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("KINERJA_AGENCIES", str(_agencies_file(tmp_path / "agencies.yml", case)))
    # the drop folder of the period due in that month (a survey population: the quarter)
    folder = tmp_path / "sources" / kode / due_period(find_agency(kode), entity, period)
    folder.mkdir(parents=True)
    delivered = folder / case["delivered_as"]
    delivered.write_bytes(content)
    if case["kind"] == "siasn_api":
        monkeypatch.setattr(siasn_api, "fetch", lambda agency, source, entity_name, due, scratch: delivered)

    landed = pipeline.extract(kode, period)
    assert [b["entity"] for b in landed] == [entity]
    batch_id = landed[0]["batch_id"]
    validated = pipeline.validate(landed)
    if expect["status"] == "rejected":
        with pytest.raises(pipeline.AgencyBatchFailed):
            pipeline.load(validated)
    else:
        pipeline.load(validated)

    status, gate, message, received, rows_loaded, quarantined, source_file = db.execute(
        """select status, gate, message, rows_received, rows_loaded, rows_quarantined, source_file
           from audit.batch where batch_id = %s""", (batch_id,)).fetchone()
    in_raw = db.execute(f"select count(*) from raw.{entity} where _batch_id = %s", (batch_id,)).fetchone()[0]
    problems = dict(db.execute(
        "select row_number, reasons from audit.quarantine where batch_id = %s", (batch_id,)).fetchall())

    if expect["status"] == "rejected":
        assert (status, gate) == ("rejected", expect["gate"]), message
        assert rows_loaded == 0 and in_raw == 0 and not problems
        assert delivered.name in message or source_file in message, message
        assert re.search(expect["message"], message, re.DOTALL), message
        assert "Traceback" not in message
        return

    assert (status, gate, message) == ("loaded", None, None)
    assert received == expect["received"]
    assert received == rows_loaded + quarantined
    assert rows_loaded == in_raw
    expected = {int(row): rules for row, rules in expect["quarantine"].items()}
    assert quarantined == len(expected)
    assert set(problems) == set(expected), problems
    for row, rules in expected.items():
        missing = [r for r in rules if r not in problems[row]]
        assert not missing, f"row {row}: reasons {problems[row]} lack {missing}"
    for check in expect.get("raw", []):
        assert check["column"] in ENTITIES[entity].columns
        found = db.execute(f'select "{check["column"]}" from raw.{entity} where _batch_id = %s and _row = %s',
                           (batch_id, check["row"])).fetchall()
        assert found == [(check["value"],)], f"raw row {check['row']} {check['column']}: {found}"
