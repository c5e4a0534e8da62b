"""`kinerja bench` on a small national-shaped month: the real pipeline, the COPY ceiling and the plain
way all run on the same rows and the figures are written. No timing is asserted (figures come from
the benchmark itself, never from a timed test); what is checked is that every stage ran on every row
and that both ratios are computed from them. A quarter's last month loads its quarterly deliveries,
and the annual run (kinerja bench --annual) loads the year's annual evaluations and builds an annual
mart and public table for every government."""

import csv
import json

import pytest

from bench import world as national


def test_the_world_is_national_shaped_and_every_key_unique(tmp_path):
    world = national.build(tmp_path, 2500, per_instansi=1000)
    assert world.agencies == ["N0001", "N0002", "N0003"]
    assert world.rows["pegawai"] == 2500 and world.rows["evaluasi_periodik"] >= 2500
    assert 4.5 <= world.rows["rhk"] / world.rows["pegawai"] <= 5.5  # about five RHK lines each
    assert 0.2 <= world.rows["skm_responden"] / world.rows["pegawai"] <= 0.25  # the national survey rate
    assert 0.05 <= world.rows["pelatihan"] / world.rows["pegawai"] <= 0.25  # the demo world's training rate
    assert 0.009 <= world.rows["pengaduan"] / world.rows["pegawai"] <= 0.012  # complaints, every government some
    assert 0.49 <= world.rows["transaksi_layanan"] / world.rows["pegawai"] <= 0.51  # service requests
    assert 0.8 <= world.rows["umpan_balik"] / world.rows["rhk"] <= 1.2  # about one feedback per RHK line
    assert 6.5 <= world.rows["perilaku_kerja"] / world.rows["evaluasi_periodik"] <= 7  # seven values per evaluation
    assert 0.9 <= world.rows["laporan_kinerja"] / world.rows["pegawai"] <= 0.96  # most staff file a report
    # the demo world's careers at its rates: acting posts beside definitive ones, second SKPs, retirements
    assert 0.002 <= world.careers["plt_plh"] / world.rows["pegawai"] <= 0.05, world.careers
    assert world.careers["dua_skp"] > 0 and world.careers["pensiun"] < 0.01 * world.rows["pegawai"], world.careers
    for kode in world.agencies:
        for entity, key in {**national.ID_COLUMN, "umpan_balik": "umpan_balik_id"}.items():
            with open(tmp_path / kode / world.period / f"{entity}.csv", encoding="utf-8") as fh:
                ids = [line.split(",", 1)[0] for line in fh.readlines()[1:]]
            assert ids and len(ids) == len(set(ids)), (kode, entity)
    nips = []
    for kode in world.agencies:
        with open(tmp_path / kode / world.period / "pegawai.csv", encoding="utf-8") as fh:
            nips += [line.split(",", 1)[0] for line in fh.readlines()[1:]]
    assert len(nips) == len(set(nips)) == 2500


@pytest.mark.e2e
def test_the_benchmark_runs_every_stage_on_every_row(warehouse_url, tmp_path):
    import bench

    lines = []
    # a quarter's last month: the month's deliveries and the quarter's (one run covers both, for the suite's time)
    figures = bench.run(1500, per_instansi=750, plain=True, results=tmp_path, echo=lines.append, period="2026-12")
    total = sum(figures["rows"].values())
    assert figures["period"] == "2026-12" and figures["quarter"] == "2026-Q4"
    assert set(figures["quarterly"]) == set(national.QUARTERLY) and all(figures["quarterly"].values())
    # every entity's rows reached the warehouse: received as written, loaded or quarantined, batch by batch
    for entity, rows in figures["rows"].items():
        label = f"{entity} {'2026-Q4' if entity in national.QUARTERLY else '2026-12'}"
        counted = figures["batches"][label]
        assert counted["batches"] == 2 and counted["received"] == rows
        assert counted["loaded"] + counted["quarantined"] == rows and counted["loaded"] > 0, label
    stages = {group: {s["name"]: s for s in items} for group, items in figures["stages"].items()}
    assert list(stages["ours"]) == ["extract", "validate", "load", "ingest", "dbt", "publish"]
    assert list(stages["ceiling"]) == ["copy"]
    assert list(stages["plain"]) == ["read", "validate", "to_sql", "dbt"]
    assert all(s["rows"] == total and s["seconds"] > 0 and s["peak_mb"] > 0
               for items in stages.values() for s in items.values())
    ingest = stages["ours"]["ingest"]["seconds"]
    assert figures["ingest_rows_per_second"] == round(total / ingest)
    phases = sum(stages["ours"][s]["seconds"] for s in ("extract", "validate", "load"))
    assert figures["ingest_in_phases_rows_per_second"] == round(total / phases)
    assert figures["ingest_over_copy"] == pytest.approx(total / ingest / stages["ceiling"]["copy"]["rows_per_second"],
                                                         abs=0.0005)  # kept to three decimals
    assert figures["plain_over_ours"] > 0
    written = json.loads((tmp_path / figures["written_to"].rsplit("/", 1)[1]).read_text())
    assert written["ingest_over_copy"] == figures["ingest_over_copy"]
    assert any("of COPY" in line for line in lines) and any("times ours" in line for line in lines)


def _column(path, name):
    with open(path, newline="", encoding="utf-8") as fh:
        return [row[name] for row in csv.DictReader(fh)]


def test_a_quarters_last_month_carries_the_quarterly_deliveries(tmp_path):
    december = national.build(tmp_path / "12", 2500, "2026-12", per_instansi=1000)
    november = national.build(tmp_path / "11", 2500, "2026-11", per_instansi=1000)
    assert set(national.QUARTERLY) <= set(december.entities) and not set(national.QUARTERLY) & set(november.entities)
    assert december.entities[:len(national.ENTITIES)] == november.entities == national.ENTITIES
    for kode in december.agencies:
        for entity in national.QUARTERLY:
            path = tmp_path / "12" / kode / "2026-Q4" / f"{entity}.csv"
            assert december.path(kode, entity) == path
            assert set(_column(path, "instansi_kode")) == {kode}, (kode, entity)
            assert set(_column(path, "periode")) == {"2026-Q4"}, (kode, entity)
    # every government the same OPDs' indicators and service units, once (not per copy of the people)
    assert december.rows["iku"] % 3 == 0 and december.rows["skm_populasi"] % 3 == 0 and december.rows["iku"] > 0
    units = {u for kode in december.agencies for u in _column(december.path(kode, "unit_kerja"), "unit_kode")}
    for kode in december.agencies:
        assert set(_column(december.path(kode, "iku"), "unit_kode")) <= units
        assert set(_column(december.path(kode, "skm_populasi"), "unit_layanan_kode")) <= units
    listed = december.agencies_file(tmp_path / "agencies.yml").read_text()
    assert "iku" in listed and "skm_populasi" in listed


def test_the_annual_world_keeps_each_person_all_year_with_one_annual_evaluation(tmp_path):
    year = national.Year(tmp_path, 2500, "2026", per_instansi=1000)
    assert year.agencies == ["N0001", "N0002", "N0003"]
    rosters = {}
    for month in year.months:
        world = year.month(month)
        assert world.entities == national.ANNUAL_UPSTREAM
        assert 0.9 * 2500 <= world.rows["pegawai"] <= 2500, world.rows  # the month's own people of the year's 2,500
        rosters[month] = {n for kode in world.agencies for n in _column(world.path(kode, "pegawai"), "nip")}
        periodic = {n for kode in world.agencies for n in _column(world.path(kode, "evaluasi_periodik"), "nip")}
        assert periodic <= rosters[month]
    annual = year.annual()
    nips = [n for kode in annual.agencies for n in _column(annual.path(kode, national.ANNUAL), "nip")]
    assert len(nips) == len(set(nips)) == annual.rows[national.ANNUAL]  # one annual evaluation per employee
    assert set(nips) <= set().union(*rosters.values())  # the people of the year, under the months' NIPs
    assert len(set(nips) & rosters["2026-12"]) >= 0.95 * len(nips)
    assert len(rosters["2026-01"] & rosters["2026-12"]) >= 0.9 * len(rosters["2026-12"])  # the same people all year
    assert annual.total == len(nips) >= 0.9 * 2500
    for kode in annual.agencies:
        assert {u.split(".")[0] for u in _column(annual.path(kode, national.ANNUAL), "unit_kode")} == {kode}


def test_the_history_world_keeps_each_person_and_moves_only_the_careers(tmp_path):
    # kinerja bench --history-months: one template over the whole calendar, re-keyed by one roster, so
    # a month's roster differs from the last by its careers; with a template per month, someone retiring
    # in October shifted every later person's NIP (the snapshot saw 19,888 people of 20,000 leave and
    # as many arrive). A quarter's last month carries its quarterly deliveries from the same template.
    months = ["2026-08", "2026-09", "2026-10"]
    made = national.template(tmp_path / "_template", tuple(months))
    roster = national.history_roster(made, months)
    units = {}
    for month in months:
        world = national.build(tmp_path / "sources", 2500, month, per_instansi=1000, made=made, roster=roster)
        assert bool(national.quarter_of(month)) == (set(national.QUARTERLY) <= set(world.entities)), month
        units[month] = {}
        for kode in world.agencies:
            with open(world.path(kode, "pegawai"), encoding="utf-8") as fh:
                units[month] |= {p["nip"]: p["unit_kode"] for p in csv.DictReader(fh)}
    for before, after in zip(months, months[1:]):
        kept = units[before].keys() & units[after].keys()
        assert len(kept) >= 0.95 * len(units[after]), (before, after)  # the same people under the same NIPs
        moved = sum(units[before][n] != units[after][n] for n in kept)
        assert moved <= 0.1 * len(kept), (before, after, moved)  # a month's transfers and promotions, no more


@pytest.mark.e2e
def test_the_annual_run_loads_the_year_and_builds_the_annual_marts_for_every_government(warehouse_url, tmp_path):
    import bench

    lines = []
    figures = bench.run_annual(1500, "2026", per_instansi=750, results=tmp_path, echo=lines.append)
    written = figures["rows"][national.ANNUAL]
    assert figures["instansi"] == 2 and written >= 0.9 * 1500
    annual = figures["batches"][f"{national.ANNUAL} 2026"]
    assert annual["batches"] == 2 and annual["received"] == written == annual["loaded"] + annual["quarantined"]
    # the year's months of what the annual marts read, every one loaded and balanced
    for month, rows in figures["months"].items():
        assert set(rows) == set(national.ANNUAL_UPSTREAM)
        for entity, count in rows.items():
            counted = figures["batches"][f"{entity} {month}"]
            assert counted["received"] == count == counted["loaded"] + counted["quarantined"]
    assert len(figures["months"]) == 12
    tables = figures["annual_tables"]
    assert set(tables) == set(bench.ANNUAL_TABLES)
    assert all(t["instansi"] == 2 and t["rows"] > 0 for t in tables.values()), tables
    assert tables["marts.fct_evaluasi_tahunan"]["rows"] == annual["loaded"]  # every loaded evaluation in the fact
    assert tables["marts.mart_tahunan_periodik"]["rows"] == annual["loaded"]  # each set against his year
    stages = {group: {s["name"]: s for s in items} for group, items in figures["stages"].items()}
    assert list(stages["ours"]) == ["ingest", "dbt", "publish"] and list(stages["ceiling"]) == ["copy"]
    assert all(s["rows"] == written and s["seconds"] > 0 and s["peak_mb"] > 0
               for items in stages.values() for s in items.values())
    assert figures["files_published"] > 0
    assert figures["ingest_over_copy"] == pytest.approx(
        written / stages["ours"]["ingest"]["seconds"] / stages["ceiling"]["copy"]["rows_per_second"], abs=0.0005)
    assert json.loads((tmp_path / figures["written_to"].rsplit("/", 1)[1]).read_text())["kind"] == "annual"
    assert any("of COPY" in line for line in lines)
