"""Backfill: consolidate a range of months at once, the way a data team loads a newly onboarded
government's history (or the demo world's year on a first look).

Each month's deliveries go through the same stages as the monthly run (etl.pipeline: extract,
validate, load — one government's failure for a month never stops the others), then dbt builds
once over every period (no `period` var: every period is rebuilt, and the disclosure audit's holds
are made for every month the public tables hold), then each month's validation report is written
and, oldest first, each month is published (each package audited with the ones before it).

Rerunning it over months already loaded changes nothing: landing and the ledger know each
delivery by its content, a batch already in force is not loaded again, and the build is
deterministic (tests/e2e/test_backfill.py compares checksums of every mart and public table).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from etl import pipeline
from etl.config import check_period, load_agencies
from etl.publish import publish_with_report
from etl.validate import report as validation_report

log = logging.getLogger(__name__)

MAX_MONTHS = 120  # ten years: beyond it a range is a typing mistake, not a history


class BackfillError(ValueError):
    """The range of months makes no sense (one sentence)."""


@dataclass
class AgencyMonth:
    agency: str
    period: str
    status: str          # loaded, rejected (a batch refused by a gate), failed (nothing could be read)
    batches: int = 0
    message: str | None = None


@dataclass
class Result:
    months: list[str]
    outcomes: list[AgencyMonth] = field(default_factory=list)
    ingest_seconds: float = 0.0
    transform_seconds: float = 0.0
    publish_seconds: float = 0.0
    published: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[AgencyMonth]:
        return [o for o in self.outcomes if o.status != "loaded"]


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYY-MM, both included), refusing a reversed or huge range."""
    first, last = check_period(first), check_period(last)
    if first > last:
        raise BackfillError(f"--from {first} is after --to {last}: give the earlier month first")
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year}-{month:02d}" <= last:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if len(months) > MAX_MONTHS:
        raise BackfillError(f"{first}..{last} is {len(months)} months; a backfill takes at most {MAX_MONTHS}")
    return months


def ingest(agency_kode: str, period: str) -> AgencyMonth:
    """One government's month through extract, validate and load; its failure is reported, not raised."""
    try:
        summaries = pipeline.load(pipeline.validate(pipeline.extract(agency_kode, period)))
    except pipeline.AgencyBatchFailed as exc:
        return AgencyMonth(agency_kode, period, "rejected", message=str(exc))
    except Exception as exc:  # noqa: BLE001 - one government's broken month never stops the others
        log.warning("backfill: %s %s could not be ingested: %s", agency_kode, period, exc)
        return AgencyMonth(agency_kode, period, "failed", message=f"{type(exc).__name__}: {exc}".splitlines()[0])
    return AgencyMonth(agency_kode, period, "loaded", batches=len(summaries))


def backfill(first: str, last: str, agencies: list[str] | None = None, publish: bool = True,
             progress: Callable[[str], None] = lambda text: None) -> Result:
    """Ingest every month of first..last for the governments (default: all in the agencies file),
    build dbt once, write each month's validation report and publish each month, oldest first."""
    months = months_between(first, last)
    known = [agency.kode for agency in load_agencies()]
    chosen = agencies or known
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        raise BackfillError(f"unknown government(s) {', '.join(unknown)}; the agencies file has {', '.join(known)}")
    result = Result(months)
    started = time.perf_counter()
    for month in months:
        for kode in chosen:
            progress(f"{month} {kode}: extract, validate, load")
            outcome = ingest(kode, month)
            result.outcomes.append(outcome)
            log.info("backfill: %s %s %s (%d batches)%s", kode, month, outcome.status, outcome.batches,
                     f": {outcome.message}" if outcome.message else "")
    result.ingest_seconds = time.perf_counter() - started
    loaded = [m for m in months if any(o.period == m and o.status != "failed" for o in result.outcomes)]
    if not loaded:
        return result
    started = time.perf_counter()
    progress(f"dbt build over {len(months)} month(s)")
    pipeline.build()
    result.transform_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for month in loaded:
        progress(f"{month}: validation report")
        validation_report.render(month)
    if publish:
        for month in loaded:
            progress(f"{month}: publishing")
            publish_with_report(month)
            result.published.append(month)
    result.publish_seconds = time.perf_counter() - started
    return result
