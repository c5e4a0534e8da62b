"""The stages of one agency's monthly delivery, as the DAG's tasks call them.

extract   fetch each entity's delivery from the agency's source and land it unchanged
validate  map the landed file to canonical rows, run the suite and the reference rules chunk by
          chunk, split good rows from quarantine (files in the landing store's work area), and
          refuse whole batches that fail a gate (etl.validate.delivery)
load      COPY the good rows into raw and record quarantine, rule counts and the batch's
          balance in audit, one transaction per batch

Only small dicts travel between the stages, so each may run in another process or machine.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from pathlib import Path

from etl import landing, load as loader, warehouse
from etl.config import Agency, due_period, find_agency
from etl.landing import LandedBatch
from etl.sources import SourceError, connector_for

# each delivery's source, file, checksum and rows, each gate's decision, each stage's time: never a
# row's content (no NIP, no name) nor a credential (issue 23)
log = logging.getLogger(__name__)


class AgencyBatchFailed(RuntimeError):
    """At least one of an agency's batches was rejected; the others were loaded."""


def agency(kode: str) -> Agency:
    return find_agency(kode)


def _record_received(conn, landed: LandedBatch, seconds: float) -> None:
    """The delivery in the ledger (once: its id follows from its content) and this extraction of it."""
    conn.execute(
        """
        insert into audit.batch_delivery (batch_id, instansi_kode, entity, periode, source_kind, source_file,
            landing_path, checksum_sha256, size_bytes)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s)
        on conflict (batch_id) do nothing
        """,
        (
            landed.batch_id, landed.agency, landed.entity, landed.period, landed.source_kind,
            landed.source_file, landed.path, landed.checksum_sha256, landed.size_bytes,
        ),
    )
    conn.execute("insert into audit.batch_extraction (batch_id, extract_seconds) values (%s, %s)",
                 (landed.batch_id, round(seconds, 3)))


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
            log.info("%s %s %s: landed from %s (%s), %s bytes, sha256 %s, in %.2f s", agency_kode, entity, due,
                     came_from, source.kind, landed[-1].size_bytes, landed[-1].checksum_sha256, timings[-1])
    with warehouse.transaction() as owner:  # migrations are the owner's
        loader.ensure_schema(owner)
    with warehouse.transaction(loader=True) as conn:
        loader.record_instansi(conn, government)
        for batch, seconds in zip(landed, timings):
            _record_received(conn, batch, seconds)
        # the volume gate's yardstick, read here so that validation needs no connection of its own
        volumes = loader.previous_volumes(conn, landed) if landed else {}
    from etl import retention

    retention.redact_expired(agency_kode)  # the agency's deliveries past their retention period
    log.info("%s extract: %d delivery(ies) for %s in %.2f s", agency_kode, len(landed), period, sum(timings))
    return [b.to_dict() | {"previous_received": volumes.get(b.entity)} for b in landed]


def validate(landed_batches: list[dict]) -> list[dict]:
    """Validate one agency's landed batches (etl.validate.delivery); a batch that fails a gate is
    rejected with its reason, the others go on."""
    from etl.validate.delivery import validate_batches

    started = time.perf_counter()
    validated = validate_batches(landed_batches)
    for item in validated:
        batch = item["batch"]
        if item["status"] == "rejected":  # why, in audit.batch: a message may quote the delivery
            log.warning("%s %s %s: refused by the gate %s, %s rows read", batch["agency"], batch["entity"],
                        batch["period"], item.get("gate") or "unreadable", item.get("rows_received"))
        else:
            log.info("%s %s %s: passed the gates, %s rows read, %s quarantined, in %.2f s", batch["agency"],
                     batch["entity"], batch["period"], item["rows_received"], item["rows_quarantined"], item["seconds"])
    log.info("validate: %d batch(es) in %.2f s", len(validated), time.perf_counter() - started)
    return validated


def load(validated_batches: list[dict]) -> list[dict]:
    """Load each validated batch in its own transaction, as the runtime role; reject the rejected
    ones loudly. The period's raw partition is made by the owner beforehand (etl.load.ensure_period)."""
    summaries, rejected = [], []
    with warehouse.loader_connect(autocommit=True) as conn:  # each batch's work in a transaction of its own
        for item in validated_batches:
            batch = LandedBatch.from_dict(item["batch"])
            started = time.perf_counter()
            if item["status"] == "rejected":
                with conn.transaction():
                    # a delivery refused now that was loaded before (same content, e.g. its roster failed
                    # this time) stays loaded and in force: its rows in raw are still those (audit.batch
                    # shows its load); the attempt log says what happened to this attempt
                    conn.execute(
                        """insert into audit.batch_attempt (batch_id, attempt, status, gate, message, rows_received,
                               rows_loaded, rows_quarantined, validate_seconds)
                           select %s, greatest(count(*), 1), 'rejected', %s, %s, %s, 0, 0, %s
                           from audit.batch_extraction where batch_id = %s""",
                        (batch.batch_id, item.get("gate") or "unreadable", item["message"], item["rows_received"],
                         round(item["seconds"], 3), batch.batch_id),
                    )
                rejected.append(f"{batch.entity}: {item['message']}")
                summaries.append(_summary(batch, "rejected", item["rows_received"], 0, 0, item["message"]))
                continue
            done = None if Path(item["good_file"]).exists() else _in_force(conn, batch, item["rows_received"])
            if done:  # loaded by an earlier attempt of this task, which then cleaned its work files up
                summaries.append(_summary(batch, "loaded", item["rows_received"], *done, None))
                continue
            with warehouse.connect(autocommit=True) as owner:  # the owner makes the period's partition
                partition = loader.ensure_period(owner, batch.entity, batch.period)
            with conn.transaction():
                loaded, quarantined = _load_one(conn, partition, batch, item, started)
            summaries.append(_summary(batch, "loaded", item["rows_received"], loaded, quarantined, None))
            log.info("%s %s %s: loaded %d rows, %d quarantined, of %d read, in %.2f s", batch.agency, batch.entity,
                     batch.period, loaded, quarantined, item["rows_received"], time.perf_counter() - started)
    if rejected:
        raise AgencyBatchFailed(f"{validated_batches[0]['batch']['agency']}: " + "; ".join(rejected))
    for item in validated_batches:  # every batch is in force: its work files have served
        shutil.rmtree(Path(item["good_file"]).parent, ignore_errors=True)
    return summaries


def _in_force(conn, batch: LandedBatch, received: int) -> tuple[int, int] | None:
    """(loaded, quarantined) when this very batch is loaded and in force, else None."""
    return conn.execute(
        """select rows_loaded, rows_quarantined from audit.batch
           where batch_id = %s and status = 'loaded' and is_current and rows_received = %s""",
        (batch.batch_id, received),
    ).fetchone()


def _load_one(conn, partition, batch: LandedBatch, item: dict, started: float) -> tuple[int, int]:
    """Replace the government's period of the entity with the batch's good rows (COPY into the
    period's partition of raw), its quarantine and its rule counts: the runtime only appends, and
    audit.record_load (the owner's) checks what was written, removes the earlier delivery's rows
    and records the load."""
    # one load of a government's period at a time (a rerun started while a run still loads)
    conn.execute("select pg_advisory_xact_lock(hashtext(%s))", (f"kinerja.load|{batch.agency}|{batch.entity}|{batch.period}",))
    attempt = conn.execute("select nextval(pg_get_serial_sequence('audit.batch_attempt', 'id'))").fetchone()[0]
    results = item["results"]
    moved = 0
    if item.get("chunks", 2) <= 1:  # the suite checked the whole delivery at once: straight into raw
        loaded = loader.copy_file(conn, partition, loader.raw_columns(batch.entity), Path(item["good_file"]))
        loader.stage_quarantine(conn, Path(item["quarantine_file"]))
    else:  # several chunks: the key checked across them first, in temporary tables
        loader.stage_good(conn, batch.entity, Path(item["good_file"]))
        loader.stage_quarantine(conn, Path(item["quarantine_file"]))
        moved, failed = loader.quarantine_duplicates(conn, batch.entity, batch.batch_id, batch.source_file)
        results = loader.with_uniqueness_count(batch.entity, results, item["rows_received"], failed)
        from psycopg import sql

        with conn.cursor() as cur:
            cur.execute(sql.SQL("insert into {} select * from {}").format(partition, loader.GOOD))
            loaded = cur.rowcount
    conn.execute(sql_insert_quarantine(), (attempt,))
    loader.save_validation_results(conn, attempt, batch.batch_id, results)
    quarantined = item["rows_quarantined"] + moved
    conn.execute("select audit.record_load(%s::bigint, %s::text, %s::bigint, %s::bigint, %s::bigint, %s::numeric, %s::numeric)",
                 (attempt, batch.batch_id, item["rows_received"], loaded, quarantined, round(item["seconds"], 3),
                  round(time.perf_counter() - started, 3)))
    return loaded, quarantined


def sql_insert_quarantine():
    from psycopg import sql

    return sql.SQL("insert into audit.quarantine_row (attempt_id, batch_id, row_number, source_file, row_data, reasons) "
                   "select %s, batch_id, row_number, source_file, row_data, reasons from {}").format(loader.QUARANTINE)


def _summary(batch: LandedBatch, status: str, received: int, loaded: int, quarantined: int, message: str | None) -> dict:
    return {
        "agency": batch.agency, "entity": batch.entity, "period": batch.period, "batch_id": batch.batch_id,
        "status": status, "received": received, "loaded": loaded, "quarantined": quarantined, "message": message,
    }
