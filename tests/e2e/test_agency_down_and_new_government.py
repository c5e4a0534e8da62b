"""One agency's source going down mid-run fails only that agency; a rerun completes it. A new government of an
existing kind, added to the agencies file alone, loads. Both through the real DAG, in-process."""

import os
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.e2e

PERIOD = "2026-10"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def agencies_with_a_new_government(demo_world, tmp_path_factory):
    """The shipped agencies file plus KOTABARU (a canonical CSV drop), with quick API retries."""
    from demo.synth import Settings, plant, world
    from demo.synth.__init__ import World
    from demo.synth.writers import canonical_csv

    out, _ = demo_world
    kotabaru = world.Government("KOTABARU", "Pemerintah Kota Baru", "kota", "monthly", "PERMEN6_2022", 0.1,
                                ("Dinas Kependudukan", "Dinas Kesehatan"), ("Kelurahan",))
    tally = plant.Tally()
    source = World(kotabaru, Settings(out, (PERIOD,), seed=11, employees=600), tally)
    for entity in ("unit_kerja", "pegawai", "evaluasi_periodik"):
        canonical_csv.write(out, "KOTABARU", entity, PERIOD, source._counted(entity, PERIOD,
                                                                              getattr(source, entity)(PERIOD)))
    document = yaml.safe_load((ROOT / "config" / "agencies.yml").read_text())
    for agency in document["agencies"]:
        for s in agency["sources"]:
            if s["kind"] == "siasn_api":  # give up quickly on a dead API
                s["options"].update(max_attempts=2, backoff_initial=0.05, backoff_max=0.1, connect_timeout=1)
    document["agencies"].append({
        "kode": "KOTABARU", "nama": "Pemerintah Kota Baru", "periodicity": "monthly",
        "sources": [{"kind": "canonical_csv", "entities": ["unit_kerja", "pegawai", "evaluasi_periodik"],
                     "options": {"path": "{sources_dir}/{agency}/{period}"}}],
    })
    path = tmp_path_factory.mktemp("config") / "agencies.yml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    saved = {k: os.environ.get(k) for k in ("KINERJA_AGENCIES", "KINERJA_TASK_RETRIES", "KINERJA_SIASN_ORIGIN")}
    os.environ.update(KINERJA_AGENCIES=str(path), KINERJA_TASK_RETRIES="0")
    yield tally.to_dict()["KOTABARU"][PERIOD]
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _loaded(db, agency):
    return db.execute("select entity, rows_received, rows_loaded, rows_quarantined from audit.batch "
                      "where instansi_kode = %s and periode = %s and is_current and status = 'loaded' order by 1",
                      (agency, PERIOD)).fetchall()


def test_the_api_stopping_mid_run_fails_only_lampung_and_a_rerun_completes_it(agencies_with_a_new_government,
                                                                               demo_world, db):
    from etl import orchestration
    from demo.simulator import start_background

    out, manifest = demo_world
    # the agency's server answers three data requests of LAMPUNG's extract, then goes away mid-run
    with start_background(out, port=0, stop_after=3) as simulator:
        os.environ["KINERJA_SIASN_ORIGIN"] = simulator.url
        dag_run = orchestration.run_period(PERIOD)
        served = [r for r in simulator.requests if r["status"] == 200 and "/oauth2/" not in r["path"]]
    assert simulator.stopped and len(served) == 3, simulator.requests
    failed = dict(orchestration.failed_tasks(dag_run))
    assert str(dag_run.state) == "failed"  # the run does not look complete while a government is missing
    assert "agency.extract[LAMPUNG]" in failed
    assert all("LAMPUNG" in name or name == "every_agency_loaded" for name in failed), failed
    assert _loaded(db, "LAMPUNG") == []
    for agency in ("KEPAHIANG", "PAUH", "JAMBI", "WANGGAR", "KOTABARU"):
        assert _loaded(db, agency), agency  # the others were loaded ...
    published = Path(os.environ["KINERJA_OPEN_DATA_DIR"]) / PERIOD / "distribusi_predikat.csv"
    assert published.exists()  # ... and published

    with start_background(out, port=0) as simulator:
        os.environ["KINERJA_SIASN_ORIGIN"] = simulator.url
        rerun = orchestration.run_period(PERIOD)
    assert str(rerun.state) == "success", orchestration.failed_tasks(rerun)
    expected = manifest["agencies"]["LAMPUNG"][PERIOD]
    assert {e: (r, q) for e, r, _, q in _loaded(db, "LAMPUNG")} == \
        {e: (c["rows"], c["rows_quarantined"]) for e, c in expected.items()}


def test_a_government_added_by_config_alone_loads(agencies_with_a_new_government, db):
    expected = agencies_with_a_new_government
    loaded = {e: (r, l, q) for e, r, l, q in _loaded(db, "KOTABARU")}
    assert set(loaded) == {"unit_kerja", "pegawai", "evaluasi_periodik"}
    for entity, (received, rows_loaded, quarantined) in loaded.items():
        assert received == rows_loaded + quarantined
        assert (received, quarantined) == (expected[entity]["rows"], expected[entity]["rows_quarantined"])
    assert db.execute("select count(*) from marts.fct_evaluasi_kinerja where instansi_kode = 'KOTABARU'"
                      ).fetchone()[0] == loaded["evaluasi_periodik"][1]
