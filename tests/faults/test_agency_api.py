"""LAMPUNG's API failing, over real HTTP from the project's simulator (demo/simulator).

Here: a connection cut mid-page (the answer promises the page and breaks off halfway) is retried
and the delivery is byte for byte the API's; cut on every try, the batch fails naming the page and
nothing partial is delivered; an API that refuses service (a 429 storm asking to come back in an
hour) fails LAMPUNG's extraction cleanly — nothing landed, nothing recorded — and a later run
lands, validates and loads exactly the deliveries of an uninterrupted run.

Elsewhere: 429 storms, 5xx bursts, a cut page and tokens that stop working mid-run during a whole
month's run, absorbed by the connector's retries, the warehouse ending as a clean run's
(test_database_restart.py); each fault's retry rules and limits, timeouts included
(tests/integration/test_siasn_api.py); the API stopping mid-run failing only LAMPUNG's tasks and a
rerun of the month completing them (tests/e2e/test_agency_down_and_new_government.py).
"""

from __future__ import annotations

import pytest
from faultkit import PERIOD, landing_files
from psycopg import sql

from demo.simulator import files
from etl.config import Source, find_agency
from etl.sources import SourceError, siasn_api

pytestmark = pytest.mark.faults

QUICK = {"backoff_initial": 0.01, "backoff_max": 0.05, "backoff_jitter": 0.0, "max_attempts": 3}


def _lampung_rhk(options: dict) -> tuple:
    """LAMPUNG's agency and its RHK source as the agencies file has them, with `options` over them
    (RHK: 533 lines, two pages of 500)."""
    agency = find_agency("LAMPUNG")
    shipped = agency.source_for("rhk")
    return agency, Source(shipped.kind, shipped.entities, {**shipped.options, **options})


def test_a_connection_cut_mid_page_is_retried_and_the_delivery_is_whole(agency_api, demo_sources, tmp_path):
    agency, source = _lampung_rhk(QUICK)
    with agency_api.inject(cut_pages={2: 2}):
        path = siasn_api.fetch(agency, source, "rhk", PERIOD, tmp_path)
        served = [(r["page"], r["status"], r.get("cut", False)) for r in agency_api.requests if r["method"] == "GET"]
    assert served == [(1, 200, False), (2, 0, True), (2, 0, True), (2, 200, False)], served
    assert path.read_bytes() == files.data_file(demo_sources[0], "LAMPUNG", "siasn", "rhk", PERIOD).read_bytes()


def test_a_token_used_up_by_a_page_cut_short_is_renewed_again(agency_api, demo_sources, tmp_path):
    """Tokens good for one page: page 2 is refused (401), renewed, cut halfway with the new token
    (which the server counts as used), refused again, renewed again, then served."""
    agency, source = _lampung_rhk(QUICK)
    with agency_api.inject(token_max_uses=1, cut_pages={2: 2}):
        path = siasn_api.fetch(agency, source, "rhk", PERIOD, tmp_path)
        served = [(r["page"], r["status"]) for r in agency_api.requests if r["method"] == "GET"]
        tokens = agency_api.stats["tokens_issued"]
    assert served == [(1, 200), (2, 401), (2, 0), (2, 401), (2, 200)], served
    assert tokens == 3
    assert path.read_bytes() == files.data_file(demo_sources[0], "LAMPUNG", "siasn", "rhk", PERIOD).read_bytes()


def test_a_page_cut_on_every_try_fails_the_batch_and_delivers_nothing(agency_api, tmp_path):
    agency, source = _lampung_rhk(QUICK)
    with agency_api.inject(cut_pages={2: 99}), pytest.raises(SourceError) as failure:
        siasn_api.fetch(agency, source, "rhk", PERIOD, tmp_path)
    message = str(failure.value)
    for part in ("LAMPUNG", "rhk", PERIOD, "page 2", "3 attempts", "nothing was delivered"):
        assert part in message, message
    assert list(tmp_path.iterdir()) == []


def _lampung_rows(place) -> dict[str, list]:
    """LAMPUNG's rows in raw and its batches' balances, per entity."""
    out = {}
    with place.connect() as conn:
        for (entity,) in conn.execute("select distinct entity from audit.batch where instansi_kode = 'LAMPUNG'"):
            rows = conn.execute(sql.SQL("select * from {} where _instansi_kode = 'LAMPUNG' order by _periode, _row")
                                .format(sql.Identifier("raw", entity))).fetchall()
            balance = conn.execute(
                """select batch_id, periode, status, rows_received, rows_loaded, rows_quarantined from audit.batch
                   where instansi_kode = 'LAMPUNG' and entity = %s and is_current order by periode""",
                (entity,)).fetchall()
            out[entity] = [balance, rows]
    return out


def test_an_api_refusing_service_fails_lampung_cleanly_and_a_later_run_completes_it(
        places, agency_api, clean_run):
    from etl import pipeline

    place = places("api-refuses")
    with place.active():
        # every request answered 429, come back in an hour: more than max_retry_after allows
        with agency_api.inject(rate_limit_first=10**6, retry_after="3600"), pytest.raises(SourceError) as failure:
            pipeline.extract("LAMPUNG", PERIOD)
        message = str(failure.value)
        assert "LAMPUNG" in message and "429" in message and "max_retry_after" in message, message
        assert "nothing was delivered" in message and "Traceback" not in message
        assert landing_files(place) == {}  # not one page of LAMPUNG landed
        with place.connect() as conn:
            schema = conn.execute("select to_regclass('audit.batch')").fetchone()[0]
            recorded = schema and conn.execute("select count(*) from audit.batch").fetchone()[0]
        assert not recorded  # nor any batch recorded

        # the API serves again: the later run completes LAMPUNG, exactly as an uninterrupted one
        summaries = pipeline.load(pipeline.validate(pipeline.extract("LAMPUNG", PERIOD)))
    assert summaries and all(s["status"] == "loaded" and s["received"] == s["loaded"] + s["quarantined"]
                             for s in summaries), summaries
    assert _lampung_rows(place) == _lampung_rows(clean_run.place)
    assert landing_files(place) == {path: digest for path, digest in clean_run.landing.items()
                                    if path.startswith("LAMPUNG/")}
