"""The delivery calendar: what each government owes for a month, by when, and whether anything came.

What a government owes follows from the agencies file: each entity of its sources, in the period
etl.config.due_period gives for the month (a quarterly one only in a quarter's last month). By when:
`deadline_day` of the month after the period (default the 10th; a quarter's deliveries by that day
of the month after the quarter).

A run records the month's expectation in the ledger before it maps over the governments
(`check_month`, the DAG's first task and `kinerja run`): one row per government, entity and period in
audit.delivery_expected, with what a cheap look at the source found (the connector's `probe`, where
it has one: a file on disk; None where it has none: an API or an application's database, assumed
delivered). A government with nothing at all for the month is reported in one sentence and left out
of the run's mapping; its rows say so, and the calendar shows it missing. The runtime role only
appends to that table, as to the rest of the ledger (etl/access.py).

dbt reads the expectation against the batch ledger (stg_audit__delivery_expected, stg_audit__batch)
into marts.mart_kalender_kiriman (on time, late, missing, refused with its gate, replaced by a
re-delivery; every month) and publik.pub_ketepatan_kiriman (on-time deliveries per government and
month); `kinerja status` prints the mart.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from etl import warehouse
from etl.config import Agency, due_period, load_agencies, month_of
from etl.load import ledger
from etl.load.schema import ensure_schema
from etl.sources import connector_for
from etl.validate import report

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Due:
    """One delivery a government owes: the entity's period and its deadline."""

    entity: str
    periode: str
    deadline: dt.date


@dataclass
class MonthCheck:
    """What a look at the sources found for a month: the governments with something delivered (the
    run maps over them) and those with nothing."""

    month: str
    delivering: list[str] = field(default_factory=list)
    nothing: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        return [f"{kode}: nothing delivered for {self.month}" for kode in self.nothing]


def deadline(agency: Agency, periode: str) -> dt.date:
    """The day a period's deliveries are due: `deadline_day` of the month after the period (after
    the quarter, for YYYY-Qn)."""
    month = month_of(periode)
    year, number = int(month[:4]), int(month[5:7])
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return dt.date(year, number, agency.deadline_day)


def owed(agency: Agency, month: str) -> list[Due]:
    """What the government owes in the month, entity by entity."""
    dues = []
    for entity in agency.entities:
        periode = due_period(agency, entity, month)
        if periode is not None:
            dues.append(Due(entity, periode, deadline(agency, periode)))
    return dues


def probe(agency: Agency, entity: str, periode: str) -> bool | None:
    """Whether anything is delivered, by the connector's cheap look; None where it has none."""
    source, connector = connector_for(agency, entity)
    look = getattr(connector, "probe", None)
    return None if look is None else bool(look(agency, source, entity, periode))


def check_month(month: str, agencies: list[Agency] | None = None, record: bool = True) -> MonthCheck:
    """Look at every government's sources for the month and record what it owes in the ledger (with
    the government itself, for dim_instansi); the governments with nothing delivered are named, one
    sentence each, in the log and the result. `record=False` only looks."""
    agencies = load_agencies() if agencies is None else agencies
    check = MonthCheck(month)
    rows = []
    for agency in agencies:
        found = []
        for due in owed(agency, month):
            there = probe(agency, due.entity, due.periode)
            found.append(there)
            rows.append((agency.kode, due.entity, due.periode, month, due.deadline, there))
        (check.nothing if found and all(there is False for there in found) else check.delivering).append(agency.kode)
    if record:
        _record(agencies, rows)
    for sentence in check.sentences():
        log.warning(sentence)
    return check


def _record(agencies: list[Agency], rows: list[tuple]) -> None:
    """The governments and what they owe, in the ledger (etl/load/ledger.py: every write to audit.*)."""
    with warehouse.transaction() as owner:  # migrations are the owner's (etl/load/sql/004_delivery_calendar.sql)
        ensure_schema(owner)
    with warehouse.transaction(loader=True) as conn:
        for agency in agencies:
            ledger.record_instansi(conn, agency)
        ledger.record_expected(conn, rows)


# ------------------------------------------------------------------------ kinerja status
STATUSES = ("tepat_waktu", "terlambat", "diganti", "ditolak", "diterima", "belum_jatuh_tempo", "hilang")


def status_rows(month: str | None = None) -> list[dict]:
    """The delivery calendar (marts.mart_kalender_kiriman) for a month (the month a delivery is
    due in: a quarter's in its last month), or every month, latest first (the query is the
    validation report's, etl.validate.report.calendar_rows, which draws it as a page)."""
    return report.calendar_rows(month)
