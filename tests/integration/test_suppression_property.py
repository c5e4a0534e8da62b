"""The suppression holds on governments nobody has seen: generated units and staff (hypothesis)
through the real SQL of the public cells (dbt's compiled sel_predikat and
sel_kepatuhan, on a database of their own), written as the public reads the tables,
then the disclosure audit — and, where it still finds something, the holds etl/publish/repair.py
asks for, as a monthly build does, at most repair.MAX_ROUNDS times — and the privacy scan's checks
across tables. Any pinned count, any unit given away by its zeros, any evaluated count withheld in
one table and shown in the other, left at the end, fails. How many governments needed a hold is in
hypothesis' statistics (pytest --hypothesis-show-statistics).

The demo world holds a handful of shapes; real governments hold more (a head alone in the root,
units all rated Baik, a unit with nobody evaluated, everybody evaluated, rare predikat scattered):
the generator draws them on purpose."""

import csv
import os
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from psycopg.conninfo import make_conninfo

from etl.publish import disclosure, privacy, repair

PERIOD = "2026-09"
PREDIKAT = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
PROTECTION = disclosure.Protection(lebar_minimum=1, min_kelompok=10, min_cell_size=5)


@pytest.fixture(scope="module")
def cells_sql(warehouse_url, tmp_path_factory):
    """A database of its own with the two seeds and the holds' staging view, and the compiled SQL
    of the two cell models."""
    from etl import transform, warehouse

    name = f"{psycopg.connect(warehouse_url).info.dbname}_sdc"
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = make_conninfo(warehouse_url, dbname=name)
    saved = {k: os.environ.get(k) for k in ("KINERJA_WAREHOUSE_URL", "KINERJA_DBT_TARGET_DIR")}
    target = tmp_path_factory.mktemp("dbt-target")
    os.environ.update(KINERJA_WAREHOUSE_URL=url, KINERJA_DBT_TARGET_DIR=str(target))
    try:
        transform.dbt("seed", "--select", "predikat_pegawai", "pita_nilai_pp30_2019")
        transform.dbt("run-operation", "buat_tahan_tambahan")
        transform.dbt("run", "--select", "stg_kendali_publik__tahan_tambahan")  # the cells read the holds through it
        with warehouse.connect(autocommit=True) as conn:
            conn.execute("create schema if not exists intermediate")
            conn.execute("""create table intermediate.int_pegawai__periode (
                instansi_kode text, periode text, periode_pengiriman text, nip text, unit_kode text,
                is_punya_skp boolean, is_dievaluasi boolean, is_tepat_waktu boolean, regime text, predikat text)""")
            conn.execute("""create table intermediate.sel_unit_terbit (
                instansi_kode text, periode text, unit_kode text, unit_terbit_kode text, jumlah_pegawai integer)""")
            conn.execute("""create table intermediate.sel_predikat (
                instansi_kode text, periode text, regime text, baris text, kolom text, jumlah bigint,
                is_margin boolean, is_tetap boolean, is_primer boolean, is_disembunyikan boolean, urutan integer)""")
        transform.dbt("compile", "--select", "sel_predikat", "sel_kepatuhan")
        compiled = {model: next(target.rglob(f"{model}.sql")).read_text(encoding="utf-8")
                    for model in ("sel_predikat", "sel_kepatuhan")}
        yield url, compiled
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with psycopg.connect(warehouse_url, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


@st.composite
def governments(draw):
    """A root and 2-7 units: headcounts, who was evaluated, each one's predikat, SKP and timing."""
    everybody = draw(st.booleans())  # the whole instansi evaluated: totals follow from headcounts
    units = {"ROOT": draw(st.integers(1, 3))}
    for i in range(draw(st.integers(2, 7))):
        units[f"U{i}"] = draw(st.sampled_from([draw(st.integers(1, 9)), draw(st.integers(10, 45))]))
    people = []
    for unit, size in units.items():
        shape = draw(st.sampled_from(["one", "skewed", "spread"]))
        main = draw(st.sampled_from(PREDIKAT[:3]))
        for n in range(size):
            evaluated = everybody or draw(st.integers(0, 19)) > 0
            if shape == "one":
                predikat = main
            elif shape == "skewed":
                predikat = main if draw(st.integers(0, 9)) > 1 else draw(st.sampled_from(PREDIKAT))
            else:
                predikat = draw(st.sampled_from(PREDIKAT[:4]))
            people.append((f"{unit}-{n}", unit, draw(st.integers(0, 24)) > 0, evaluated,
                           evaluated and draw(st.integers(0, 9)) > 0, predikat if evaluated else None))
    return units, people


def _write(folder: Path, name: str, rows: list[dict]) -> None:
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _package(folder: Path, predikat: list[tuple], kepatuhan: list[tuple]) -> None:
    """The four tables as pub_distribusi_predikat(_unit) and pub_kepatuhan(_unit) publish the cells."""
    common = {"instansi_kode": "X", "periode": PERIOD, "bulan_laporan": PERIOD, "regime": "PERMEN6_2022"}
    cell = {(b, k): (None if hidden else n) for b, k, n, hidden in predikat}
    shown = lambda v: "" if v is None else v  # noqa: E731
    units = sorted({b for b, _, _, _ in predikat if b != "*"})
    _write(folder, "distribusi_predikat", [{**common, "predikat": p, "jumlah_pegawai": shown(cell[("*", p)]),
                                            "jumlah_dinilai": shown(cell[("*", "*")])} for p in PREDIKAT])
    _write(folder, "distribusi_predikat_unit", [
        {**common, "unit_kode": u, "predikat": p, "jumlah_pegawai": shown(cell[(u, p)]),
         "jumlah_dinilai_unit": shown(cell[(u, "*")])} for u in units for p in PREDIKAT])
    ya = {(m, b): (None if hidden else n) for m, b, k, n, hidden in kepatuhan if k == "YA"}
    head = {b: n for m, b, k, n, hidden in kepatuhan if k == "*"}
    measures = ("punya_skp", "dievaluasi", "tepat_waktu")

    def row(b):
        return {"jumlah_pegawai": head[b], **{f"jumlah_{m}": shown(ya[(m, b)]) for m in measures}}
    common.pop("regime")
    _write(folder, "kepatuhan", [{**common, **row("*")}])
    _write(folder, "kepatuhan_unit", [{**common, "unit_kode": u, **row(u)} for u in sorted(head) if u != "*"])


@settings(max_examples=int(os.environ.get("KINERJA_SDC_EXAMPLES", "40")), deadline=None,
          derandomize=not os.environ.get("KINERJA_SDC_EXPLORE"),  # CI: the same examples every run
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(government=governments())
def test_no_generated_government_gives_a_withheld_number_away(cells_sql, tmp_path_factory, government):
    url, compiled = cells_sql
    units, people = government
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("truncate intermediate.int_pegawai__periode, intermediate.sel_unit_terbit, "
                     "intermediate.tahan_tambahan")
        with conn.cursor().copy("copy intermediate.int_pegawai__periode from stdin") as copy:
            for nip, unit, skp, evaluated, on_time, predikat in people:
                copy.write_row(("X", PERIOD, PERIOD, nip, unit, skp or evaluated, evaluated, on_time,
                                "PERMEN6_2022" if evaluated else None, predikat))
        with conn.cursor().copy("copy intermediate.sel_unit_terbit from stdin") as copy:
            for unit, size in units.items():
                copy.write_row(("X", PERIOD, unit, unit, size))
        held: set[tuple] = set()
        for round_ in range(repair.MAX_ROUNDS + 1):
            conn.execute("truncate intermediate.sel_predikat")
            conn.execute(f"insert into intermediate.sel_predikat {compiled['sel_predikat']}")
            predikat = conn.execute("select baris, kolom, jumlah, is_disembunyikan "
                                    "from intermediate.sel_predikat").fetchall()
            kepatuhan = conn.execute(f"select ukuran, baris, kolom, jumlah, is_disembunyikan "
                                     f"from ({compiled['sel_kepatuhan']}) as sel").fetchall()
            if not predikat:  # nobody evaluated at all: no predikat table to protect
                return
            folder = tmp_path_factory.mktemp(PERIOD) / PERIOD
            folder.mkdir()
            _package(folder, predikat, kepatuhan)
            audit = disclosure.audit_folders(PERIOD, folder, {}, PROTECTION)
            if not audit.findings or round_ == repair.MAX_ROUNDS:
                break
            holds = repair.holds_for(audit.findings, PERIOD, {("X", PERIOD): {"PERMEN6_2022"}}, held)
            if not holds:
                break
            with conn.cursor().copy("copy intermediate.tahan_tambahan (instansi_kode, periode, tabel, grup, "
                                    "tingkat, baris, alasan) from stdin") as copy:
                for h in holds:
                    copy.write_row((h.instansi_kode, h.periode, h.tabel, h.grup, h.tingkat, h.baris, h.alasan))
            held |= {(h.instansi_kode, h.periode, h.tabel, h.grup, h.tingkat, h.baris) for h in holds}
    event(f"holds needed: {round_} round(s)")
    assert audit.findings == [], (units, [str(f) for f in audit.findings])
    assert privacy.across_tables(folder) == [], units
