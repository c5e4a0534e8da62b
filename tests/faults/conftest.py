"""Fixtures of the fault suite (docs/reliability.md). Every module here is marked `faults`:
`.venv/bin/pytest -m faults` runs the suite alone.

Each scenario works in warehouses of its own (fresh databases on the test server, or a PostgreSQL
server of its own where the server itself is restarted) with their own landing store and open-data
folder, over the session's demo world; `clean_run` is the uninterrupted run every scenario's end
state is compared with."""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
import pytest
from corrections import NOVEMBER, OCTOBER, World, correct_october, make_world
from faultkit import PERIOD, Place, fingerprint, landing_files, package_files
from hypothesis import settings
from psycopg.conninfo import make_conninfo

# property-based tests: no example database in the checkout, no deadline on a shared 2-core machine
settings.register_profile("kinerja", database=None, deadline=None, max_examples=60, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kinerja"))

@pytest.fixture(scope="session")
def places(warehouse_url, tmp_path_factory):
    """place(label) -> a Place with a fresh database on the test server and folders of its own."""
    made: list[str] = []

    def place(label: str, **extra: str) -> Place:
        name = f"kinerja_faults_{os.getpid()}_{label}"
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
            conn.execute(f'create database "{name}"')
        made.append(name)
        return Place(label, make_conninfo(warehouse_url, dbname=name), tmp_path_factory.mktemp(f"place-{label}"),
                     dict(extra))

    yield place
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f'drop database if exists "{name}" with (force)')


@dataclass
class CleanRun:
    place: Place
    state: dict       # fingerprint of every table and view
    package: dict     # open-data/<PERIOD>/: name -> sha256
    landing: dict     # landing store: relative path -> sha256


@pytest.fixture(scope="session")
def clean_run(places, demo_world) -> CleanRun:
    """kinerja_bulanan for PERIOD, uninterrupted, in a warehouse of its own: what every fault must
    end in."""
    place = places("clean")
    run_month(place, PERIOD)
    return CleanRun(place, fingerprint(place), package_files(place, PERIOD), landing_files(place))


def run_month(place: Place, month: str):
    """kinerja_bulanan for the month in this process (as `kinerja run` does), which must succeed."""
    from etl import orchestration

    with place.active():
        dag_run = orchestration.run_period(month)
        failed = orchestration.failed_tasks(dag_run)
    assert str(dag_run.state) == "success" and not failed, (place.label, month, failed)
    return dag_run


@dataclass
class Corrected:
    world: World
    koreksi: Place        # October, November, then the corrected October
    bersih: Place         # the clean run: the corrected October, then November
    superseded: str       # the first October evaluations' batch
    corrected_nips: list  # whose rating the correction changed
    withdrawn_row: int    # the quarantined row the correction withdrew (its number in the first delivery)
    before: dict          # koreksi's marts before the correction: nip -> rating_hasil_kerja in October


@pytest.fixture(scope="session")
def corrections(places, tmp_path_factory) -> Corrected:
    """The corrections world (tests/faults/corrections.py), lived by koreksi and by bersih."""
    world = make_world(tmp_path_factory.mktemp("corrections"))
    extra = {"KINERJA_AGENCIES": str(world.agencies), "KINERJA_SOURCES_DIR": str(world.sources)}
    koreksi, bersih = places("koreksi", **extra), places("bersih", **extra)
    run_month(koreksi, OCTOBER)
    run_month(koreksi, NOVEMBER)
    with koreksi.connect() as conn:
        (first,) = conn.execute("""select batch_id from audit.batch where instansi_kode = 'PAUH' and is_current
                                   and entity = 'evaluasi_periodik' and periode = %s""", (OCTOBER,)).fetchone()
        loaded = [r[0] for r in conn.execute("select nip from raw.evaluasi_periodik where _batch_id = %s", (first,))]
        # a row quarantined for itself: withdrawing one of a pair that broke uniqueness would let its twin load
        (quarantined_row,) = conn.execute("select min(row_number) from audit.quarantine where batch_id = %s "
                                          "and reasons::text not ilike '%%unique%%'", (first,)).fetchone()
        before = dict(conn.execute("""select nip, rating_hasil_kerja from marts.fct_evaluasi_kinerja
                                      where instansi_kode = 'PAUH' and periode = %s""", (OCTOBER,)).fetchall())
    corrected, withdrawn = correct_october(world, loaded, quarantined_row)
    run_month(koreksi, OCTOBER)  # the agency sends October again
    run_month(bersih, OCTOBER)
    run_month(bersih, NOVEMBER)
    return Corrected(world, koreksi, bersih, first, corrected, withdrawn, before)
