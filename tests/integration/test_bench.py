"""`kinerja bench` on a small national-shaped month: the real pipeline, the COPY ceiling and the plain
way all run on the same rows and the figures are written. No timing is asserted (figures come from
the benchmark itself, never from a timed test); what is checked is that every stage ran on every row
and that both ratios are computed from them."""

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
    figures = bench.run(3000, per_instansi=1500, plain=True, results=tmp_path, echo=lines.append)
    total = sum(figures["rows"].values())
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
