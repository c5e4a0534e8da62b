"""The stages of one agency's monthly delivery, as the DAG's tasks call them: this module only
sequences them, each stage's work is in its own home.

extract   the source stage fetches each entity's delivery (etl.sources), the landing store keeps it
          unchanged (etl.landing), the ledger records it (etl.load.receive), the landed files past
          their retention period are redacted (etl.retention)
validate  the source stage maps each landed file to canonical chunks, which validation checks
          (etl.validate.delivery: the suite, the reference rules, the gates), splitting good rows
          from quarantine into files in the landing store's work area
load      COPY the good rows into raw and record quarantine, rule counts and the batch's balance in
          the ledger, one transaction per batch (etl.load)
build     the month's dbt build (etl.transform), then the disclosure audit of its public tables and
          the holds it asks for (etl.publish.repair), each hold's models built again

Only small dicts travel between the stages, so each may run in another process or machine.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from etl import landing, load as loader, retention, transform
from etl.progress import event
from etl.config import Agency, due_period, find_agency
from etl.landing import LandedBatch
from etl.load import AgencyBatchFailed
from etl.publish import repair
from etl.sources import SourceError, connector_for
from etl.validate.delivery import validate_batches
from etl.validate.gates import yardstick

__all__ = ["AgencyBatchFailed", "agency", "build", "extract", "load", "read_landed", "validate"]

# each delivery's source, file, checksum and rows, each gate's decision, each stage's time: never a
# row's content (no NIP, no name) nor a credential (issue 23)
log = logging.getLogger(__name__)
holds_log = logging.getLogger("etl.transform")  # the holds are logged where the build's log always said them


def agency(kode: str) -> Agency:
    return find_agency(kode)


def extract(agency_kode: str, period: str) -> list[dict]:
    """Land every entity the agency delivers for the period. Returns the landed batches, each with
    the rows received in the period before (the volume gate's yardstick, read here so that
    validation needs no connection of its own)."""
    government = agency(agency_kode)
    landed: list[LandedBatch] = []
    timings: list[float] = []
    log.info("%s extract: started for %s", agency_kode, period, extra=event("extract", agency_kode, state="start"))
    with _stage_failure("extract", agency_kode), tempfile.TemporaryDirectory(prefix=f"kinerja-{agency_kode}-") as scratch:
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
                     came_from, source.kind, landed[-1].size_bytes, landed[-1].checksum_sha256, timings[-1],
                     extra=event("extract", agency_kode, entity=entity, seconds=timings[-1]))
        loader.receive(government, landed, timings)
        volumes = yardstick(landed)
        retention.redact_expired(agency_kode)  # the agency's deliveries past their retention period
    log.info("%s extract: %d delivery(ies) for %s in %.2f s", agency_kode, len(landed), period, sum(timings),
             extra=event("extract", agency_kode, seconds=sum(timings), state="finished"))
    return [b.to_dict() | {"previous_received": volumes.get(b.entity)} for b in landed]


@contextlib.contextmanager
def _stage_failure(stage: str, agency_kode: str | None) -> Iterator[None]:
    """A stage that raises is logged as failed for its government (the progress board shows it) and
    raises on; the record names the exception's kind only (its text may quote a delivery)."""
    try:
        yield
    except Exception as exc:
        log.warning("%s %s: failed (%s)", agency_kode, stage, type(exc).__name__,
                    extra=event(stage, agency_kode, state="failed"))
        raise


def read_landed(batch: LandedBatch, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """A landed delivery as canonical chunks, read by its agency's connector (the source stage)."""
    government = agency(batch.agency)
    source, connector = connector_for(government, batch.entity)
    return connector.read(government, source, batch.entity, Path(batch.path), chunk_rows)



def validate(landed_batches: list[dict], workers: int | None = None, chunk_rows: int | None = None,
             engine: str | None = None) -> list[dict]:
    """Validate one agency's landed batches (etl.validate.delivery), read through the source stage;
    a batch that fails a gate is rejected with its reason, the others go on."""
    started = time.perf_counter()
    kode = landed_batches[0]["agency"] if landed_batches else None
    if kode:
        log.info("%s validate: started, %d delivery(ies)", kode, len(landed_batches),
                 extra=event("validate", kode, state="start"))
    with _stage_failure("validate", kode):
        validated = validate_batches(landed_batches, read_landed, workers=workers, chunk_rows=chunk_rows,
                                     engine=engine)
    for item in validated:
        batch = item["batch"]
        if item["status"] == "rejected":  # why, in audit.batch: a message may quote the delivery
            log.warning("%s %s %s: refused by the gate %s, %s rows read", batch["agency"], batch["entity"],
                        batch["period"], item.get("gate") or "unreadable", item.get("rows_received"),
                        extra=event("validate", batch["agency"], entity=batch["entity"], rows=item.get("rows_received"),
                                    state="refused"))
        else:
            log.info("%s %s %s: passed the gates, %s rows read, %s quarantined, in %.2f s", batch["agency"],
                     batch["entity"], batch["period"], item["rows_received"], item["rows_quarantined"], item["seconds"],
                     extra=event("validate", batch["agency"], entity=batch["entity"], rows=item["rows_received"],
                                 quarantined=item["rows_quarantined"], seconds=item["seconds"]))
    log.info("validate: %d batch(es) in %.2f s", len(validated), time.perf_counter() - started,
             extra=event("validate", kode, seconds=time.perf_counter() - started, state="finished"))
    return validated


def load(validated_batches: list[dict]) -> list[dict]:
    """Load each validated batch in its own transaction (etl.load); reject the rejected ones loudly
    (AgencyBatchFailed, after the others are loaded)."""
    started = time.perf_counter()
    kode = validated_batches[0]["batch"]["agency"] if validated_batches else None
    if kode:
        log.info("%s load: started, %d batch(es)", kode, len(validated_batches), extra=event("load", kode, state="start"))
    state = "failed"
    try:
        summaries = loader.load_batches(validated_batches)  # logs each batch's rows (etl.load)
        state = "finished"
        return summaries
    except loader.AgencyBatchFailed:
        state = "finished"  # the refused ones are shown as refused; the others were loaded
        raise
    finally:
        log.info("load: %d batch(es) in %.2f s", len(validated_batches), time.perf_counter() - started,
                 extra=event("load", kode, seconds=time.perf_counter() - started, state=state))


def build(period: str | None = None, unit_tests: bool = False) -> transform.DbtOutcome:
    """The marts and public tables of a month (of every month published, when not for one): dbt's
    build (etl.transform.build), then the disclosure audit of the public tables and the holds it
    asks for (etl.publish.repair), the held models built again, month by month."""
    repair.clear(transform.period_labels(period) if period else None)
    outcome = transform.build(period, unit_tests=unit_tests)
    for month in [period] if period else transform.published_months():
        made = repair.repair(month, lambda select, month=month: transform.rebuild(month, select))
        for hold in made:
            holds_log.warning("disclosure audit: held %s %s of %s %s (level %d): %s", hold.tabel, hold.grup,
                        hold.instansi_kode, hold.periode, hold.tingkat, hold.alasan)
    return outcome
