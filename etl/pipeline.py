"""The stages of one agency's monthly delivery, as the DAG's tasks call them.

extract   fetch each entity's delivery from the agency's source and land it unchanged
validate  map the landed file to canonical rows, run the suite chunk by chunk, split good rows
          from quarantine (files in the landing store's work area)
load      COPY the good rows into raw and record quarantine, rule counts and the batch's
          balance in audit, one transaction per batch

Only small dicts travel between the stages, so each may run in another process or machine.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from etl import landing, load as loader, warehouse
from etl.config import Agency, due_period, load_agencies
from etl.landing import LandedBatch
from etl.sources import SourceError, connector_for

CHUNK_ROWS = int(os.environ.get("KINERJA_CHUNK_ROWS", "200000"))


class AgencyBatchFailed(RuntimeError):
    """At least one of an agency's batches was rejected; the others were loaded."""


def agency(kode: str) -> Agency:
    for item in load_agencies():
        if item.kode == kode:
            return item
    raise KeyError(f"agency {kode} is not in the agencies file")


def _record_received(conn, landed: LandedBatch, seconds: float) -> None:
    conn.execute(
        """
        insert into audit.batch as b (batch_id, instansi_kode, entity, periode, source_kind, source_file,
            landing_path, checksum_sha256, size_bytes, status, extracted_at, extract_seconds)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'received', now(), %s)
        on conflict (batch_id) do update set attempts = b.attempts + 1, extracted_at = now(),
            extract_seconds = excluded.extract_seconds
        """,
        (
            landed.batch_id, landed.agency, landed.entity, landed.period, landed.source_kind,
            landed.source_file, landed.path, landed.checksum_sha256, landed.size_bytes, round(seconds, 3),
        ),
    )


def extract(agency_kode: str, period: str) -> list[dict]:
    """Land every entity the agency delivers for the period. Returns the landed batches."""
    government = agency(agency_kode)
    landed: list[LandedBatch] = []
    timings: list[float] = []
    with tempfile.TemporaryDirectory(prefix=f"kinerja-{agency_kode}-") as scratch:
        for entity in government.entities:
            due = due_period(government, entity, period)
            if due is None:  # e.g. a quarterly evaluation outside the quarter's last month
                continue
            source, connector = connector_for(government, entity)
            started = time.perf_counter()
            path = connector.fetch(government, source, entity, due, Path(scratch))
            if path is None:
                raise SourceError(f"{agency_kode} delivered no {entity} for {due}")
            # where it came from: the file as delivered, or the connector's own description (an API URL)
            described = getattr(connector, "origin", None)
            came_from = described(government, source, entity, due) if described else str(path)
            landed.append(
                landing.land(path, agency=agency_kode, entity=entity, period=due, source_kind=source.kind,
                             source_file=came_from)
            )
            timings.append(time.perf_counter() - started)
    with warehouse.transaction() as conn:
        loader.ensure_schema(conn)
        for batch, seconds in zip(landed, timings):
            _record_received(conn, batch, seconds)
    return [b.to_dict() for b in landed]


@dataclass
class Validated:
    batch: dict
    status: str  # validated | rejected
    rows_received: int
    rows_quarantined: int
    good_file: str | None
    quarantine_file: str | None
    results: list[dict]
    message: str | None
    seconds: float

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def validate(landed_batches: list[dict]) -> list[dict]:
    """Validate each landed batch; a batch that cannot be read is rejected, the others go on."""
    from etl.validate import SuiteError, Tally, validate_chunk

    outcomes = []
    for data in landed_batches:
        batch = LandedBatch.from_dict(data)
        government = agency(batch.agency)
        source, connector = connector_for(government, batch.entity)
        started = time.perf_counter()
        work = landing.work_dir(batch.batch_id)
        good_path, bad_path = work / "good.csv", work / "quarantine.csv"
        tally = Tally()
        received = quarantined = 0
        try:
            with open(good_path, "w", newline="", encoding="utf-8") as good, \
                 open(bad_path, "w", newline="", encoding="utf-8") as bad:
                bad_writer = csv.writer(bad)
                bad_writer.writerow(["batch_id", "row_number", "source_file", "row_data", "reasons"])
                header = True
                for chunk in connector.read(government, source, batch.entity, Path(batch.path), CHUNK_ROWS):
                    received += len(chunk)
                    outcome = validate_chunk(batch.entity, chunk, tally)
                    rows = outcome.good.copy()
                    rows.insert(0, "_periode", batch.period)
                    rows.insert(0, "_instansi_kode", batch.agency)
                    rows.insert(0, "_batch_id", batch.batch_id)
                    rows[loader.raw_columns(batch.entity)].to_csv(good, index=False, header=header)
                    header = False
                    columns = [c for c in chunk.columns if not c.startswith("_")]
                    for record in outcome.quarantined.to_dict("records"):
                        payload = {c: (None if _missing(record[c]) else record[c]) for c in columns}
                        bad_writer.writerow([batch.batch_id, record["_row"], batch.source_file,
                                             json.dumps(payload, ensure_ascii=False),
                                             json.dumps(record["_reasons"], ensure_ascii=False)])
                    quarantined += len(outcome.quarantined)
                if header:  # no chunk at all: not even a header row could be read
                    raise SourceError(f"{batch.source_file}: the file holds no rows")
            outcome = Validated(data, "validated", received, quarantined, str(good_path), str(bad_path),
                                [r.__dict__ | {"column_name": r.column} for r in tally.rules.values()], None,
                                time.perf_counter() - started)
        except (SourceError, SuiteError) as exc:
            outcome = Validated(data, "rejected", received, 0, None, None, [], str(exc),
                                time.perf_counter() - started)
        outcomes.append(outcome.to_dict())
    return outcomes


def _missing(value) -> bool:
    try:
        return value is None or value != value or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def load(validated_batches: list[dict]) -> list[dict]:
    """Load each validated batch in its own transaction; reject the rejected ones loudly."""
    summaries, rejected = [], []
    for item in validated_batches:
        batch = LandedBatch.from_dict(item["batch"])
        started = time.perf_counter()
        with warehouse.transaction() as conn:
            if item["status"] == "rejected":
                conn.execute(
                    """update audit.batch set status = 'rejected', message = %s, rows_received = %s,
                       rows_loaded = 0, rows_quarantined = 0, validated_at = now(), validate_seconds = %s
                       where batch_id = %s""",
                    (item["message"], item["rows_received"], round(item["seconds"], 3), batch.batch_id),
                )
                rejected.append(f"{batch.entity}: {item['message']}")
                summaries.append(_summary(batch, "rejected", item["rows_received"], 0, 0, item["message"]))
                continue
            loaded, quarantined = _load_one(conn, batch, item)
            seconds = time.perf_counter() - started
            conn.execute(
                """update audit.batch set status = 'loaded', message = null, rows_received = %s, rows_loaded = %s,
                       rows_quarantined = %s, validated_at = now(), validate_seconds = %s, loaded_at = now(),
                       load_seconds = %s
                   where batch_id = %s""",
                (item["rows_received"], loaded, quarantined, round(item["seconds"], 3), round(seconds, 3),
                 batch.batch_id),
            )
            conn.execute(
                """update audit.batch set is_current = (batch_id = %s)
                   where instansi_kode = %s and entity = %s and periode = %s""",
                (batch.batch_id, batch.agency, batch.entity, batch.period),
            )
        summaries.append(_summary(batch, "loaded", item["rows_received"], loaded, quarantined, None))
    if rejected:
        raise AgencyBatchFailed(f"{validated_batches[0]['batch']['agency']}: " + "; ".join(rejected))
    return summaries


def _load_one(conn, batch: LandedBatch, item: dict) -> tuple[int, int]:
    from psycopg import sql

    table = sql.Identifier("raw", batch.entity)
    # replace this agency's period as a whole, and this batch's earlier attempt if any
    conn.execute(sql.SQL("delete from {} where _instansi_kode = %s and _periode = %s").format(table),
                 (batch.agency, batch.period))
    conn.execute("delete from audit.quarantine where batch_id = %s", (batch.batch_id,))
    conn.execute("delete from audit.validation_result where batch_id = %s", (batch.batch_id,))
    loaded = loader.copy_file(conn, table, loader.raw_columns(batch.entity), Path(item["good_file"]))
    loader.copy_file(conn, sql.Identifier("audit", "quarantine"),
                     ["batch_id", "row_number", "source_file", "row_data", "reasons"], Path(item["quarantine_file"]))
    loader.save_validation_results(conn, batch.batch_id, item["results"])
    moved = loader.quarantine_duplicates(conn, batch.entity, batch.batch_id, batch.source_file)
    return loaded - moved, item["rows_quarantined"] + moved


def _summary(batch: LandedBatch, status: str, received: int, loaded: int, quarantined: int, message: str | None) -> dict:
    return {
        "agency": batch.agency, "entity": batch.entity, "period": batch.period, "batch_id": batch.batch_id,
        "status": status, "received": received, "loaded": loaded, "quarantined": quarantined, "message": message,
    }
