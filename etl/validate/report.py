"""The validation report of a month: one static HTML page, the project's equivalent of GX Data Docs.

`render(period)` reads audit.batch, audit.validation_result and audit.quarantine and writes
`<KINERJA_HOME>/reports/validation/<period>/index.html`, and beside it `kalender.html`, the delivery
calendar's page (marts.mart_kalender_kiriman: what each government owed for the month, its status —
on time, late, replaced, refused with its gate, missing —, and each government's history by month):

  summary      per instansi and entity, the latest delivery of the month (and, in a quarter's last
               month, of the quarter 'YYYY-Qn'): status, the gate that refused it and why, rows
               received / loaded / quarantined and whether they balance, source file, checksum
  per batch    every rule with rows evaluated and failed (rules with failures first), the first
               quarantined rows, and the earlier deliveries of the same instansi/entity/periode

Quarantined rows hold personal data: the report shows a row's number, its reasons and only the
values of the columns its failed rules name (a row that broke "jenis_rhk must be UTAMA or
TAMBAHAN" shows its jenis_rhk, not its nip). The page is drawn by the template
etl/pages/templates/validation.html.j2 (its words are there) on the layout and stylesheet the
open-data pages share; every value is escaped by the templates and the page forbids scripts
(Content-Security-Policy), so an agency's `<script>` stays text.

The page depends on the warehouse only (and the agencies file, for deliveries that are due but
absent): its time stamp is the latest activity recorded for the month's batches, never the clock,
so the same warehouse renders the same bytes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from etl import pages, warehouse
from etl.canonical import ENTITIES
from etl.config import ConfigError, check_period, due_period, home, load_agencies, quarter_of

QUARANTINE_SHOWN = 20  # quarantined rows shown per batch
VALUE_SHOWN = 120  # characters of one value shown; longer ones are cut (their length is given)
CHECKSUM_SHOWN = 12

BATCH_COLUMNS = (
    "batch_id", "instansi_kode", "entity", "periode", "source_kind", "source_file", "checksum_sha256", "size_bytes",
    "status", "gate", "message", "rows_received", "rows_loaded", "rows_quarantined", "is_current", "attempts",
    "first_received_at", "extracted_at", "validated_at", "loaded_at",
)


@dataclass
class Batch:
    batch_id: str
    instansi_kode: str
    entity: str
    periode: str
    source_kind: str
    source_file: str
    checksum_sha256: str
    size_bytes: int | None
    status: str
    gate: str | None
    message: str | None
    rows_received: int | None
    rows_loaded: int | None
    rows_quarantined: int | None
    is_current: bool
    attempts: int
    first_received_at: dt.datetime
    extracted_at: dt.datetime | None
    validated_at: dt.datetime | None
    loaded_at: dt.datetime | None
    rules: list[tuple] = field(default_factory=list)  # (rule, expectation, column_name, evaluated, failed)
    quarantine: list[tuple] = field(default_factory=list)  # (row_number, row_data, reasons), first rows
    quarantine_total: int = 0
    history: list[Batch] = field(default_factory=list)  # the other deliveries of its scope, oldest first

    @property
    def scope(self) -> tuple[str, str, str]:
        return self.instansi_kode, self.entity, self.periode

    @property
    def anchor(self) -> str:
        return f"batch-{self.batch_id}"

    @property
    def last_activity(self) -> dt.datetime:
        return max(t for t in (self.first_received_at, self.extracted_at, self.validated_at, self.loaded_at) if t)

    def balance(self) -> str:
        """Whether rows received = loaded + quarantined: yes, no, pending (not all counted yet) or
        refused (a rejected delivery loads nothing)."""
        if self.status == "rejected":
            return "refused"
        if None in (self.rows_received, self.rows_loaded, self.rows_quarantined):
            return "pending"
        return "yes" if self.rows_received == self.rows_loaded + self.rows_quarantined else "no"

    @property
    def failing_rules(self) -> int:
        return sum(1 for r in self.rules if r[4])

    def named_columns(self) -> dict[str, list[str]]:
        """rule -> the columns it names: its column_name, else the entity's columns in its sentence."""
        spec = ENTITIES.get(self.entity)
        known = list(spec.columns) if spec else []
        named = {}
        for rule, _, column, _, _ in self.rules:
            if column:
                named[rule] = [c.strip() for c in column.split(",") if c.strip()]
        for _, _, reasons in self.quarantine:
            for rule in reasons or []:
                if rule not in named:
                    named[rule] = [c for c in known if re.search(rf"(?<![\w]){re.escape(c)}(?![\w])", str(rule))]
        return named

    def quarantined_rows(self) -> list[tuple[int, list[str], list[tuple[str, object]]]]:
        """The first quarantined rows as (row number, reasons, [(column, value)]): only the columns
        their failed rules name, in the entity's order (a row's other values hold personal data)."""
        named = self.named_columns()
        order = list(ENTITIES[self.entity].columns) if self.entity in ENTITIES else []
        rows = []
        for row_number, row_data, reasons in self.quarantine:
            reasons = [str(r) for r in (reasons or [])]
            columns: list[str] = []
            for rule in reasons:
                for column in named.get(rule, []):
                    if column not in columns:
                        columns.append(column)
            columns.sort(key=lambda c: (order.index(c) if c in order else len(order), c))
            data = row_data if isinstance(row_data, dict) else {}
            rows.append((row_number, reasons, [(c, data.get(c)) for c in columns]))
        return rows


def periods_of(month: str) -> list[str]:
    """The periods a month's run delivers: the month, and the quarter in the quarter's last month."""
    return [month, quarter_of(month)] if int(month[5:7]) % 3 == 0 else [month]


def default_dir(period: str) -> Path:
    return home() / "reports" / "validation" / period


def render(period: str, out_dir: Path | None = None) -> Path:
    """Write the month's validation report to `out_dir`/index.html (default
    <KINERJA_HOME>/reports/validation/<period>/) and return its path."""
    period = check_period(period)
    batches = _read(period)
    page = render_page(period, batches, _missing(period, batches))
    folder = Path(out_dir) if out_dir is not None else default_dir(period)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    _write(target, page)
    _write(folder / "kalender.html", render_calendar_page(period, calendar_rows()))
    return target


def _write(target: Path, page: str) -> None:
    """Beside it, then renamed: a reader never sees half a page."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(page.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- the delivery calendar

CALENDAR_COLUMNS = ("bulan", "instansi_kode", "entity", "periode", "status", "batas_waktu", "diterima_pertama",
                    "jumlah_kiriman", "gate", "pesan", "diterima_terakhir")
HISTORY_MONTHS = 12  # months of each government's history on the calendar page


def calendar_rows(month: str | None = None) -> list[dict]:
    """The delivery calendar (marts.mart_kalender_kiriman) for a month (the month a delivery is due
    in: a quarter's in its last month), or every month, latest first; [] before its first build.
    `kinerja status` prints it (etl.delivery_calendar.status_rows), the report draws it."""
    with warehouse.connect() as conn:
        if not conn.execute("select to_regclass('marts.mart_kalender_kiriman') is not null").fetchone()[0]:
            return []
        cursor = conn.execute(
            f"""select {', '.join(CALENDAR_COLUMNS)} from marts.mart_kalender_kiriman
                where %(month)s::text is null or bulan = %(month)s
                order by bulan desc, instansi_kode, entity""", {"month": month})
        names = [d.name for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]


def render_calendar_page(period: str, rows: list[dict]) -> str:
    """The calendar's page of the month (etl/pages/templates/kalender.html.j2): the month's rows, and
    per government its last HISTORY_MONTHS months up to this one, counted by status."""
    mine = sorted((r for r in rows if r["bulan"] == period), key=lambda r: (r["instansi_kode"], _entity_rank(r["entity"]),
                                                                             r["periode"]))
    months = sorted({r["bulan"] for r in rows if r["bulan"] <= period}, reverse=True)[:HISTORY_MONTHS]
    history: dict[str, dict[str, dict[str, int]]] = {}
    for r in sorted(rows, key=lambda r: (r["instansi_kode"], r["bulan"], r["status"])):
        if r["bulan"] in months:
            cell = history.setdefault(r["instansi_kode"], {}).setdefault(r["bulan"], {})
            cell[r["status"]] = cell.get(r["status"], 0) + 1
    counts: dict[str, int] = {}
    for r in mine:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    received = [r["diterima_terakhir"] for r in mine if r.get("diterima_terakhir")]
    return pages.render("kalender.html.j2", period=period, rows=mine, counts=dict(sorted(counts.items())),
                        history=history, months=months, history_head=[("instansi", False)] + [(m, False) for m in months],
                        as_of=max(received) if received else None)


# --------------------------------------------------------------------------- reading

def _entity_rank(name: str) -> tuple[int, str]:
    names = list(ENTITIES)
    return (names.index(name) if name in names else len(names), name)


def _scope_key(batch: Batch) -> tuple:
    return batch.instansi_kode, _entity_rank(batch.entity), batch.periode


def _read(period: str) -> list[Batch]:
    """The latest delivery of each instansi/entity/periode of the month, with its rules, first
    quarantined rows and earlier deliveries; sorted by instansi, entity (canonical order), periode."""
    with warehouse.connect() as conn:
        if not conn.execute("select to_regclass('audit.batch') is not null").fetchone()[0]:
            return []
        rows = conn.execute(
            f"select {', '.join(BATCH_COLUMNS)} from audit.batch where periode = any(%s)", (periods_of(period),)
        ).fetchall()
        scopes: dict[tuple, list[Batch]] = {}
        for row in rows:
            batch = Batch(*row)
            scopes.setdefault(batch.scope, []).append(batch)
        shown: list[Batch] = []
        for deliveries in scopes.values():
            # the latest delivery is the one the month is judged by; a rejected re-delivery does not
            # replace the loaded one in force (is_current), which stays in the history, marked
            deliveries.sort(key=lambda b: (b.extracted_at or b.first_received_at, b.first_received_at, b.batch_id))
            latest = deliveries[-1]
            latest.history = sorted(deliveries[:-1], key=lambda b: (b.first_received_at, b.batch_id))
            shown.append(latest)
        shown.sort(key=_scope_key)
        by_id = {b.batch_id: b for b in shown}
        ids = list(by_id)
        for batch_id, *rule in conn.execute(
            """select batch_id, rule, expectation, column_name, rows_evaluated, rows_failed
               from audit.validation_result where batch_id = any(%s)""",
            (ids,),
        ).fetchall():
            by_id[batch_id].rules.append(tuple(rule))
        for batch_id, total in conn.execute(
            "select batch_id, count(*) from audit.quarantine where batch_id = any(%s) group by 1", (ids,)
        ).fetchall():
            by_id[batch_id].quarantine_total = total
        for batch_id, row_number, row_data, reasons in conn.execute(
            """select batch_id, row_number, row_data, reasons from (
                   select q.*, row_number() over (partition by batch_id order by row_number) as n
                   from audit.quarantine q where batch_id = any(%s)) first_rows
               where n <= %s""",
            (ids, QUARANTINE_SHOWN),
        ).fetchall():
            by_id[batch_id].quarantine.append((row_number, row_data, reasons))
    for batch in shown:
        # failing rules first (most failures first), then by column and rule
        batch.rules.sort(key=lambda r: (r[4] == 0, -r[4], r[2] or "", r[0], r[1]))
        batch.quarantine.sort(key=lambda q: q[0])
    return shown


def _missing(period: str, batches: list[Batch]) -> list[tuple[str, str, str]] | str:
    """(instansi, entity, periode) due in the month by the agencies file but absent from the
    warehouse; or why the agencies file could not be read."""
    try:
        agencies = load_agencies()
    except ConfigError as exc:
        return str(exc)
    present = {b.scope for b in batches}
    due = []
    for agency in agencies:
        for entity_name in agency.entities:
            label = due_period(agency, entity_name, period)
            if label and (agency.kode, entity_name, label) not in present:
                due.append((agency.kode, entity_name, label))
    return sorted(due, key=lambda s: (s[0], _entity_rank(s[1]), s[2]))


# --------------------------------------------------------------------------- rendering

def render_page(period: str, batches: list[Batch], missing) -> str:
    """The page of `batches` (as `_read` returns them) and what is `missing` (as `_missing` returns
    it), drawn by etl/pages/templates/validation.html.j2 on the layout and stylesheet all pages share."""
    activity = [t for b in batches for t in [b.last_activity, *(h.last_activity for h in b.history)]]
    return pages.render(
        "validation.html.j2", period=period, periods=periods_of(period), batches=batches, missing=missing,
        as_of=max(activity) if activity else None,
        counts={s: sum(1 for b in batches if b.status == s) for s in ("loaded", "rejected", "received")},
        totals=[sum(getattr(b, c) or 0 for b in batches) for c in ("rows_received", "rows_loaded", "rows_quarantined")],
        value_shown=VALUE_SHOWN, checksum_shown=CHECKSUM_SHOWN)
