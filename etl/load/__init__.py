"""Loading: COPY validated rows into `raw`, quarantine into `audit`, in one transaction per batch.

Each (agency, entity, period) is replaced as a whole: the rows of the earlier delivery for that
period are replaced by the new ones, together with the batch's audit record, its quarantine and
its validation results, in a single transaction. A crash halfway leaves the previous state; a rerun
of the same delivery (same batch id) leaves identical tables.

The package, one module a kind of work:

  schema.py   raw and audit, made and upgraded by the owner: the versioned files of sql/, applied in
              order, and raw's partitions per period (ensure_period)
  copy.py     COPY of a work file into a table, and the load's temporary tables
  ledger.py   the batch ledger: every write to audit.*
  here        receive (a landed batch into the ledger) and load_batches (the stage's task)

The natural key checked across the chunks of a large delivery is validation's rule
(etl.validate.keys), run here on the load's temporary tables before anything reaches raw.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

import psycopg
from psycopg import sql

from etl import warehouse
from etl.config import Agency
from etl.landing import LandedBatch
from etl.load import ledger
from etl.load.copy import GOOD, QUARANTINE, copy_file, stage_good, stage_quarantine
from etl.load.schema import (
    HASH_PARTITIONS, ForeignPartition, analyze_period, ensure_period, ensure_schema, period_partition, schema_version,
)
from etl.progress import event
from etl.raw_csv import raw_columns
from etl.validate.keys import quarantine_duplicates, with_uniqueness_count

__all__ = [
    "HASH_PARTITIONS", "AgencyBatchFailed", "ForeignPartition", "analyze_period", "copy_file", "ensure_period", "ensure_schema", "ledger", "load_batches",
    "period_partition", "receive", "schema_version",
]


# each batch's rows loaded and quarantined and its time: never a row's content (issue 23)
log = logging.getLogger(__name__)


class AgencyBatchFailed(RuntimeError):
    """At least one of an agency's batches was rejected; the others were loaded."""


def receive(government: Agency, landed: list[LandedBatch], seconds: list[float]) -> None:
    """The landed batches of one extraction in the ledger, with the government as the agencies file
    describes it; the owner first brings raw and audit to this version (nothing to do, and nothing
    locked, when they are)."""
    with warehouse.transaction() as owner:  # migrations are the owner's
        ensure_schema(owner)
    with warehouse.transaction(loader=True) as conn:
        ledger.record_instansi(conn, government)
        for batch, took in zip(landed, seconds):
            ledger.record_received(conn, batch, took)


def load_batches(validated_batches: list[dict]) -> list[dict]:
    """Load each validated batch in its own transaction, as the runtime role; reject the rejected
    ones loudly. The period's raw partition is made by the owner beforehand (ensure_period)."""
    summaries, rejected = [], []
    with warehouse.loader_connect(autocommit=True) as conn:  # each batch's work in a transaction of its own
        for item in validated_batches:
            batch = LandedBatch.from_dict(item["batch"])
            started = time.perf_counter()
            if item["status"] == "rejected":
                with conn.transaction():
                    attempt = ledger.record_rejected(conn, batch, item.get("gate") or "unreadable", item["message"],
                                                     item["rows_received"], item["seconds"])
                    ledger.record_judgement(conn, batch.batch_id, attempt, "validation", item.get("gx_judged", False),
                                            item.get("gx_result"), item.get("gx_rows_judged"))
                rejected.append(f"{batch.entity}: {item['message']}")
                log.info("%s %s %s: refused, nothing loaded", batch.agency, batch.entity, batch.period,
                         extra=event("load", batch.agency, entity=batch.entity, state="refused"))
                summaries.append(_summary(batch, "rejected", item["rows_received"], 0, 0, item["message"]))
                continue
            done = None if Path(item["good_file"]).exists() else ledger.in_force(conn, batch, item["rows_received"])
            if done:  # loaded by an earlier attempt of this task, which then cleaned its work files up
                summaries.append(_summary(batch, "loaded", item["rows_received"], *done, None))
                continue
            with warehouse.connect(autocommit=True) as owner:  # the owner makes the period's partition
                partition = ensure_period(owner, batch.entity, batch.period)
            with conn.transaction():
                loaded, quarantined = load_batch(conn, partition, batch, item, started)
            summaries.append(_summary(batch, "loaded", item["rows_received"], loaded, quarantined, None))
            log.info("%s %s %s: loaded %d rows, %d quarantined, of %d read, in %.2f s", batch.agency, batch.entity,
                     batch.period, loaded, quarantined, item["rows_received"], time.perf_counter() - started,
                     extra=event("load", batch.agency, entity=batch.entity, rows=loaded, quarantined=quarantined,
                                 seconds=time.perf_counter() - started))
    if rejected:
        raise AgencyBatchFailed(f"{validated_batches[0]['batch']['agency']}: " + "; ".join(rejected))
    for item in validated_batches:  # every batch is in force: its work files have served
        shutil.rmtree(Path(item["good_file"]).parent, ignore_errors=True)
    return summaries


def load_batch(conn: psycopg.Connection, partition: sql.Identifier, batch: LandedBatch, item: dict,
               started: float) -> tuple[int, int]:
    """Replace the government's period of the entity with the batch's good rows (COPY into the
    period's partition of raw), its quarantine and its rule counts: the runtime only appends, and
    audit.record_load (the owner's) checks what was written, removes the earlier delivery's rows
    and records the load."""
    # one load of a government's period at a time (a rerun started while a run still loads)
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"kinerja.load|{batch.agency}|{batch.entity}|{batch.period}",))
    attempt = ledger.next_attempt(conn)
    results = item["results"]
    moved = 0
    if item.get("chunks", 2) <= 1:  # the suite checked the whole delivery at once: straight into raw
        loaded = copy_file(conn, partition, raw_columns(batch.entity), Path(item["good_file"]))
        stage_quarantine(conn, Path(item["quarantine_file"]))
    else:  # several chunks: the key checked across them first, in temporary tables
        stage_good(conn, batch.entity, Path(item["good_file"]))
        stage_quarantine(conn, Path(item["quarantine_file"]))
        moved, failed = quarantine_duplicates(conn, GOOD, QUARANTINE, batch.entity, batch.batch_id, batch.source_file)
        results = with_uniqueness_count(batch.entity, results, item["rows_received"], failed)
        with conn.cursor() as cur:
            cur.execute(sql.SQL("insert into {} select * from {}").format(partition, GOOD))
            loaded = cur.rowcount
    ledger.record_quarantine(conn, attempt)
    ledger.save_validation_results(conn, attempt, batch.batch_id, results)
    quarantined = item["rows_quarantined"] + moved
    ledger.record_load(conn, attempt, batch, item["rows_received"], loaded, quarantined, item["seconds"],
                       time.perf_counter() - started)
    ledger.record_judgement(conn, batch.batch_id, attempt, "validation", item.get("gx_judged", False),
                            item.get("gx_result"), item.get("gx_rows_judged"))
    return loaded, quarantined


def _summary(batch: LandedBatch, status: str, received: int, loaded: int, quarantined: int, message: str | None) -> dict:
    return {
        "agency": batch.agency, "entity": batch.entity, "period": batch.period, "batch_id": batch.batch_id,
        "status": status, "received": received, "loaded": loaded, "quarantined": quarantined, "message": message,
    }
