"""Benchmark: validation against the COPY ceiling, on the same rows in the same run.

    .venv/bin/python bench/validation.py --employees 200000 [--workers 1,2] [--gx-sql-rows 200000]

Builds a month of canonical deliveries for one government (unit_kerja, pegawai, evaluasi_periodik,
and about four RHK lines per employee) by re-keying copies of a demo-world office, so values and
defects have the demo world's spread and every key stays unique. Then, on those files:

  copy        COPY of the files as delivered into unindexed text tables: the ceiling
  read        the connector alone (CSV -> canonical chunks)
  validate    etl.validate.delivery with N worker processes: the suites' vectorised checks judged
              by GX, reference rules, good rows and quarantine written to files
  gx-pandas   the same, with GX itself checking every row (KINERJA_VALIDATE_ENGINE=gx)
  load        etl.pipeline.load: COPY of the good rows, quarantine and bookkeeping, per batch
  gx-sql      for comparison: the same suites' expectations run by GX's SQL data source on the
              copied tables in PostgreSQL (expectations without a pandas row_condition)

Prints rows, seconds, rows/s and the ratio to COPY for each, and writes the figures as JSON
(--json). Uses KINERJA_WAREHOUSE_URL, else the embedded warehouse; works in a database of its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ENTITIES = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk")


def _nip(i: int, template: str) -> str:
    """The i-th NIP of the benchmark world: a valid date, start month and gender, unique by i."""
    import datetime as dt

    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 1998)
    gender = "1" if (i // 999) % 2 == 0 else "2"
    start = template[8:14] if template[8:14].isdigit() else "200001"
    return f"{birth:%Y%m%d}{start}{gender}{1 + i % 999:03d}"


def build(folder: Path, employees: int, seed: int = 11) -> dict[str, int]:
    """Canonical CSVs for agency BENCH, period 2026-10, from copies of the demo world's PAUH."""
    from demo import synth

    demo = folder / "_demo"
    synth.generate(synth.Settings(demo, ("2026-10",), seed=seed, employees=1000), governments=("PAUH",))
    source = demo / "PAUH" / "2026-10"

    def rows(entity):
        with open(source / f"{entity}.csv", newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    units, staff, evaluations, lines = rows("unit_kerja"), rows("pegawai"), rows("evaluasi_periodik"), rows("rhk")
    out = folder / "BENCH" / "2026-10"
    out.mkdir(parents=True, exist_ok=True)
    counts = dict.fromkeys(ENTITIES, 0)
    writers, handles = {}, []
    for entity, sample in (("unit_kerja", units), ("pegawai", staff), ("evaluasi_periodik", evaluations),
                           ("rhk", lines)):
        handle = open(out / f"{entity}.csv", "w", newline="", encoding="utf-8")
        handles.append(handle)
        writers[entity] = csv.DictWriter(handle, fieldnames=list(sample[0]), lineterminator="\n")
        writers[entity].writeheader()
    for unit in units:
        unit = unit | {"instansi_kode": "BENCH"}
        writers["unit_kerja"].writerow(unit)
        counts["unit_kerja"] += 1
    copies = -(-employees // len(staff))
    for k in range(copies):
        base = k * len(staff)
        mapping = {p["nip"]: _nip(base + j, p["nip"]) for j, p in enumerate(staff)}
        for p in staff:
            if counts["pegawai"] >= employees:
                break
            writers["pegawai"].writerow(p | {"nip": mapping[p["nip"]], "atasan_nip": mapping.get(p["atasan_nip"],
                                                                                                p["atasan_nip"])})
            counts["pegawai"] += 1
        for e in evaluations:
            if counts["evaluasi_periodik"] >= employees:
                break
            writers["evaluasi_periodik"].writerow(e | {"nip": mapping.get(e["nip"], e["nip"]),
                                                       "penilai_nip": mapping.get(e["penilai_nip"], e["penilai_nip"]),
                                                       "skp_id": f"{e['skp_id']}-{k}"})
            counts["evaluasi_periodik"] += 1
        for line in lines:
            writers["rhk"].writerow(line | {"nip": mapping.get(line["nip"], line["nip"]),
                                            "skp_id": f"{line['skp_id']}-{k}"})
            counts["rhk"] += 1
    for handle in handles:
        handle.close()
    shutil.rmtree(demo)
    return counts


def timed(fn):
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


def copy_ceiling(conn, folder: Path) -> float:
    from psycopg import sql

    from etl.load import copy_file

    seconds = 0.0
    for entity in ENTITIES:
        path = folder / f"{entity}.csv"
        with open(path, encoding="utf-8") as fh:
            columns = next(csv.reader(fh))
        table = sql.Identifier("bench", entity)
        conn.execute(sql.SQL("drop table if exists {}").format(table))
        conn.execute(sql.SQL("create unlogged table {} ({}, _row bigserial)").format(
            table, sql.SQL(", ").join(sql.SQL("{} text").format(sql.Identifier(c)) for c in columns)))
        conn.commit()
        _, took = timed(lambda: (copy_file(conn, table, columns, path), conn.commit()))
        seconds += took
    return seconds


def gx_sql(limit_rows: int) -> tuple[int, float, int]:
    """The suites' expectations (those without a pandas row_condition) on the copied tables, by GX's
    SQL data source; at most `limit_rows` rows per table."""
    import logging

    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    from etl import warehouse
    from etl.validate import load_suite_spec

    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    url = warehouse.sqlalchemy_url().render_as_string(hide_password=False).replace("$", "\\$")
    source = context.data_sources.add_postgres("bench", connection_string=url)
    rows = expectations = 0
    started = time.perf_counter()
    for entity in ENTITIES:
        spec = load_suite_spec(entity)
        configs = [ExpectationConfiguration(**e) for e in spec["expectations"] if "row_condition" not in e["kwargs"]]
        expectations += len(configs)
        suite = context.suites.add(ExpectationSuite(name=f"sql_{entity}", expectations=configs))
        asset = source.add_query_asset(f"q_{entity}", query=f"select * from bench.{entity} where _row <= {limit_rows}")
        batch = asset.add_batch_definition_whole_table("all").get_batch()
        result = batch.validate(suite, result_format={"result_format": "COMPLETE",
                                                      "unexpected_index_column_names": ["_row"]})
        rows += min(limit_rows, result.results[0].result.get("element_count") or 0)
    return rows, time.perf_counter() - started, expectations


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--gx-workers", default="2", help="worker counts for GX on every row (empty: skip)")
    parser.add_argument("--gx-sql-rows", type=int, default=100_000, help="rows per table for gx-sql (0: skip)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    os.environ.update(KINERJA_SOURCES_DIR=str(work / "sources"), KINERJA_LANDING_DIR=str(work / "landing"),
                      GX_ANALYTICS_ENABLED="False")
    agencies = work / "agencies.yml"
    agencies.write_text(
        "gates:\n  min_share_of_previous: {}\nagencies:\n  - kode: BENCH\n    nama: Benchmark\n    sources:\n"
        f"      - kind: canonical_csv\n        entities: [{', '.join(ENTITIES)}]\n"
        "        options: {path: '{sources_dir}/{agency}/{period}'}\n", encoding="utf-8")
    os.environ["KINERJA_AGENCIES"] = str(agencies)

    import psycopg
    from psycopg.conninfo import make_conninfo

    from etl import pipeline, warehouse

    base = warehouse.admin_url()  # makes the database; the pipeline then runs as owner and loader
    name = f"kinerja_bench_{os.getpid()}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    url = make_conninfo(base, dbname=name)
    os.environ["KINERJA_WAREHOUSE_URL"] = url
    figures: dict = {"employees": args.employees, "cpus": os.cpu_count(), "stages": {}}
    try:
        counts, took = timed(lambda: build(work / "sources", args.employees))
        total = sum(counts.values())
        figures["rows"] = counts
        print(f"built {total:,} rows ({', '.join(f'{e} {n:,}' for e, n in counts.items())}) in {took:.1f} s")
        folder = work / "sources" / "BENCH" / "2026-10"
        with psycopg.connect(url) as conn:
            conn.execute("create schema bench")
            copy_seconds = copy_ceiling(conn, folder)
        stages = figures["stages"]
        stages["copy"] = {"rows": total, "seconds": copy_seconds}

        landed = pipeline.extract("BENCH", "2026-10")
        from etl.config import find_agency
        from etl.sources import connector_for

        government = find_agency("BENCH")

        def read_all():
            n = 0
            for batch in landed:
                source, connector = connector_for(government, batch["entity"])
                for chunk in connector.read(government, source, batch["entity"], Path(batch["path"]), 200_000):
                    n += len(chunk)
            return n

        n, took = timed(read_all)
        stages["read"] = {"rows": n, "seconds": took}
        from etl.pipeline import validate as validate_batches  # read by the connectors, checked by validation

        validated = None
        for workers in [int(w) for w in args.workers.split(",")]:
            validated, took = timed(lambda w=workers: validate_batches(landed, workers=w))
            stages[f"validate-{workers}w"] = {"rows": sum(v["rows_received"] for v in validated), "seconds": took,
                                              "quarantined": sum(v["rows_quarantined"] for v in validated)}
        for workers in [int(w) for w in args.gx_workers.split(",") if w]:
            result, took = timed(lambda w=workers: validate_batches(landed, workers=w, engine="gx"))
            stages[f"gx-pandas-{workers}w"] = {"rows": sum(v["rows_received"] for v in result), "seconds": took,
                                               "quarantined": sum(v["rows_quarantined"] for v in result)}
        _, took = timed(lambda: pipeline.load(validated))
        stages["load"] = {"rows": total, "seconds": took}
        if args.gx_sql_rows:
            rows, took, expectations = gx_sql(args.gx_sql_rows)
            stages["gx-sql"] = {"rows": rows, "seconds": took, "expectations": expectations}
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
        shutil.rmtree(work, ignore_errors=True)

    ceiling = stages["copy"]["rows"] / stages["copy"]["seconds"]
    print(f"\n{'stage':<14}{'rows':>12}{'seconds':>10}{'rows/s':>12}{'of COPY':>9}")
    for stage, f in stages.items():
        f["rows_per_second"] = round(f["rows"] / f["seconds"]) if f["seconds"] else None
        print(f"{stage:<14}{f['rows']:>12,}{f['seconds']:>10.2f}{f['rows_per_second']:>12,}"
              f"{f['rows_per_second'] / ceiling:>9.0%}")
    best = max((k for k in stages if k.startswith("validate")), key=lambda k: stages[k]["rows_per_second"])
    ingest = 1 / (1 / stages[best]["rows_per_second"] + 1 / stages["load"]["rows_per_second"])
    figures["ingest_rows_per_second"] = round(ingest)
    figures["ingest_over_copy"] = round(ingest / ceiling, 3)
    print(f"\nvalidate ({best}) + load, one after the other: {ingest:,.0f} rows/s = {ingest / ceiling:.0%} of COPY "
          "(validate includes reading the files)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
