"""The validation report of a month: one static HTML page, the project's equivalent of GX Data Docs.

`render(period)` reads audit.batch, audit.validation_result and audit.quarantine and writes
`<KINERJA_HOME>/reports/validation/<period>/index.html`:

  summary      per instansi and entity, the latest delivery of the month (and, in a quarter's last
               month, of the quarter 'YYYY-Qn'): status, the gate that refused it and why, rows
               received / loaded / quarantined and whether they balance, source file, checksum
  per batch    every rule with rows evaluated and failed (rules with failures first), the first
               quarantined rows, and the earlier deliveries of the same instansi/entity/periode

Quarantined rows hold personal data: the report shows a row's number, its reasons and only the
values of the columns its failed rules name (a row that broke "jenis_rhk must be UTAMA or
TAMBAHAN" shows its jenis_rhk, not its nip). Every value is HTML-escaped and the page forbids
scripts (Content-Security-Policy), so an agency's `<script>` stays text.

The page depends on the warehouse only (and the agencies file, for deliveries that are due but
absent): its time stamp is the latest activity recorded for the month's batches, never the clock,
so the same warehouse renders the same bytes.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from etl import warehouse
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
        if self.status == "rejected":
            return "refused whole"
        if None in (self.rows_received, self.rows_loaded, self.rows_quarantined):
            return "not yet"
        return "yes" if self.rows_received == self.rows_loaded + self.rows_quarantined else "NO"


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
    # write beside it, then rename: a reader never sees half a page
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".html")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(page.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


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

CSS = """
:root{--fg:#1d232a;--muted:#5b6570;--line:#d8dde3;--bg:#fff;--head:#f3f5f7;--bad:#b3261e;--badbg:#fdecea;
--ok:#1e7d34;--okbg:#e8f5ec;--warnbg:#fff6e0}
*{box-sizing:border-box}
body{margin:0 auto;max-width:78rem;padding:1rem;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
color:var(--fg);background:var(--bg)}
h1{font-size:1.45rem;margin:.2rem 0 .4rem}h2{font-size:1.15rem;margin:2rem 0 .4rem;padding-top:.6rem;
border-top:2px solid var(--line)}h3{font-size:1rem;margin:1.1rem 0 .3rem}
p,li{max-width:60rem}.muted{color:var(--muted)}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.3rem 0 .8rem}
table{border-collapse:collapse;font-size:.9rem;min-width:100%}
th,td{border-bottom:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.fail td{background:var(--badbg)}tr.fail td.failed{color:var(--bad);font-weight:700}
.status{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:.85em;white-space:nowrap}
.loaded{background:var(--okbg);color:var(--ok)}.rejected{background:var(--badbg);color:var(--bad);font-weight:600}
.received{background:var(--warnbg)}
.no{color:var(--bad);font-weight:700}
code{font:.85em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
.wrap{overflow-wrap:anywhere;min-width:10rem}
.message{background:var(--badbg);border-left:4px solid var(--bad);padding:.5rem .7rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.3rem 0}dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
ul.reasons{margin:0;padding-left:1.1rem}
@media (max-width:40rem){body{padding:.6rem;font-size:14px}dl{grid-template-columns:1fr}dd{margin-bottom:.3rem}}
""".strip()


def e(value) -> str:
    """Any value as escaped HTML text ('—' for none)."""
    return "—" if value is None else html.escape(str(value), quote=True)


def num(value) -> str:
    return "—" if value is None else f"{value:,}"


def when(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc)
    return f"{value:%Y-%m-%d %H:%M:%S} UTC"


def share(failed: int, evaluated: int) -> str:
    if not evaluated:
        return "—"
    fraction = failed / evaluated
    if failed and fraction < 0.0005:
        return "&lt;0.1%"
    return f"{fraction:.1%}"


def status_badge(status: str) -> str:
    return f'<span class="status {e(status)}">{e(status)}</span>'


def table(headers: list[tuple[str, str]], rows: list[str], css_class: str) -> str:
    head = "".join(f'<th class="n">{e(h)}</th>' if kind == "n" else f"<th>{e(h)}</th>" for h, kind in headers)
    return (f'<div class="scroll"><table class="{css_class}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def render_page(period: str, batches: list[Batch], missing) -> str:
    """The page of `batches` (as `_read` returns them) and what is `missing` (as `_missing` returns it)."""
    periods = periods_of(period)
    activity = [t for b in batches for t in [b.last_activity, *(h.last_activity for h in b.history)]]
    as_of = when(max(activity)) if activity else "no batches recorded"
    covered = (f"the month {e(periods[0])} and the quarter {e(periods[1])} (due in its last month)"
               if len(periods) > 1 else f"the month {e(periods[0])}")
    counts = {s: sum(1 for b in batches if b.status == s) for s in ("loaded", "rejected", "received")}
    totals = [sum(getattr(b, c) or 0 for b in batches) for c in ("rows_received", "rows_loaded", "rows_quarantined")]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="robots" content="noindex, nofollow">',
        f"<title>Validation report · periode {e(period)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<header><h1>Validation report · periode {e(period)}</h1>",
        f'<p>Deliveries of {covered}, as the warehouse holds them. '
        f'Generated from the warehouse as of <strong class="as-of">{e(as_of)}</strong> (the latest batch activity '
        "recorded for these deliveries).</p>",
        f'<p class="muted">{len(batches)} batches: {counts["loaded"]} loaded, {counts["rejected"]} rejected'
        + (f', {counts["received"]} received but not yet validated' if counts["received"] else "")
        + f"; rows received {num(totals[0])}, loaded {num(totals[1])}, quarantined {num(totals[2])}. "
        "Internal: quarantined rows are shown only by the values their failed rules name.</p></header>",
        _summary(batches),
        _missing_section(missing),
    ]
    parts += [_batch_section(b) for b in batches]
    parts.append('<footer><p class="muted">Source: audit.batch, audit.validation_result and audit.quarantine. '
                 "Rows are numbered as in the delivered file (in a CSV the header is row 1).</p></footer>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _summary(batches: list[Batch]) -> str:
    if not batches:
        return "<section><h2>Summary</h2><p>The warehouse holds no batches for this month.</p></section>"
    headers = [("instansi", "t"), ("entity", "t"), ("periode", "t"), ("status", "t"), ("gate", "t"),
               ("received", "n"), ("loaded", "n"), ("quarantined", "n"), ("balances", "t"), ("source file", "t"),
               ("checksum", "t"), ("message", "t")]
    rows = []
    for b in batches:
        balance = b.balance()
        balance_class = ' class="no"' if balance == "NO" else ""
        checksum = b.checksum_sha256[:CHECKSUM_SHOWN]
        rows.append(
            f'<tr id="summary-{e(b.batch_id)}" class="{e(b.status)}">'
            f'<td><a href="#{e(b.anchor)}">{e(b.instansi_kode)}</a></td>'
            f'<td><a href="#{e(b.anchor)}">{e(b.entity)}</a></td><td>{e(b.periode)}</td>'
            f"<td>{status_badge(b.status)}</td><td>{e(b.gate)}</td>"
            f'<td class="n">{num(b.rows_received)}</td><td class="n">{num(b.rows_loaded)}</td>'
            f'<td class="n">{num(b.rows_quarantined)}</td>'
            f"<td{balance_class}>{e(balance)}</td>"
            f'<td class="wrap"><code>{e(b.source_file)}</code></td>'
            f'<td><code title="{e(b.checksum_sha256)}">{e(checksum)}…</code></td>'
            f'<td class="wrap">{e(b.message) if b.status == "rejected" else ""}</td></tr>'
        )
    legend = ("<p class=\"muted\">One row per instansi, entity and periode: its latest delivery. Balances: rows "
              "received = loaded + quarantined. A rejected delivery loads nothing; the delivery in force before it, "
              "if any, is listed under its batch.</p>")
    return f"<section><h2>Summary</h2>{legend}{table(headers, rows, 'summary')}</section>"


def _missing_section(missing) -> str:
    if isinstance(missing, str):
        return (f'<section><h2>Due but not delivered</h2><p class="muted">Not known: the agencies file could not be '
                f"read ({e(missing)}).</p></section>")
    if not missing:
        return ""
    items = "".join(f"<li>{e(a)} · {e(n)} · {e(p)}</li>" for a, n, p in missing)
    return (f'<section><h2>Due but not delivered</h2><p class="muted">Due this month by the agencies file, but no '
            f'batch is recorded in the warehouse:</p><ul class="missing">{items}</ul></section>')


def _batch_section(b: Batch) -> str:
    parts = [f'<section id="{e(b.anchor)}" class="batch">',
             f"<h2>{e(b.instansi_kode)} · {e(b.entity)} · {e(b.periode)} {status_badge(b.status)}</h2>",
             "<dl>",
             f"<dt>batch</dt><dd><code>{e(b.batch_id)}</code></dd>",
             f"<dt>source</dt><dd><code>{e(b.source_file)}</code> ({e(b.source_kind)}"
             + (f", {num(b.size_bytes)} bytes" if b.size_bytes is not None else "") + ")</dd>",
             f"<dt>checksum</dt><dd><code>sha256 {e(b.checksum_sha256)}</code></dd>",
             f"<dt>first received</dt><dd>{e(when(b.first_received_at))}</dd>",
             f"<dt>validated</dt><dd>{e(when(b.validated_at))}</dd>",
             f"<dt>loaded</dt><dd>{e(when(b.loaded_at))}</dd>",
             f"<dt>attempts</dt><dd>{num(b.attempts)}</dd>",
             "</dl>"]
    if b.status == "rejected":
        parts.append(f'<p class="message">Refused whole at the <strong class="gate">{e(b.gate)}</strong> gate: '
                     f'<span class="reason">{e(b.message)}</span></p>')
        if b.is_current:
            # the same delivery (same batch id) was loaded before and a later attempt was refused:
            # audit.batch says rejected, but the earlier load's rows are still the ones in raw
            parts.append('<p class="muted in-force">This batch is still marked in force (is_current): the same '
                         "delivery was loaded earlier and its rows, rules and quarantine below are from that load; "
                         "a later attempt was refused.</p>")
    parts.append(_rules(b))
    parts.append(_quarantine(b))
    parts.append(_history(b))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def _rules(b: Batch) -> str:
    if not b.rules:
        why = ("it was refused before its rules were counted" if b.status == "rejected"
               else "it has not been validated yet" if b.status == "received" else "none were recorded")
        return f'<h3>Rules</h3><p class="muted">No rule results: {e(why)}.</p>'
    failing = sum(1 for r in b.rules if r[4])
    headers = [("rule", "t"), ("expectation", "t"), ("column", "t"), ("rows evaluated", "n"), ("rows failed", "n"),
               ("share failed", "n")]
    rows = []
    for rule, expectation, column, evaluated, failed in b.rules:
        row_class = ' class="fail"' if failed else ""
        rows.append(
            f'<tr{row_class}><td>{e(rule)}</td><td><code>{e(expectation)}</code></td>'
            f'<td><code>{e(column)}</code></td><td class="n">{num(evaluated)}</td>'
            f'<td class="n failed">{num(failed)}</td><td class="n">{share(failed, evaluated)}</td></tr>'
        )
    head = f"<h3>Rules: {len(b.rules)}, {failing} with failures</h3>"
    return head + table(headers, rows, "rules")


def _named_columns(b: Batch) -> dict[str, list[str]]:
    """rule -> the columns it names: its column_name, else the entity's columns in its sentence."""
    spec = ENTITIES.get(b.entity)
    known = list(spec.columns) if spec else []
    named = {}
    for rule, _, column, _, _ in b.rules:
        if column:
            named[rule] = [c.strip() for c in column.split(",") if c.strip()]
    for _, _, reasons in b.quarantine:
        for rule in reasons or []:
            if rule not in named:
                named[rule] = [c for c in known if re.search(rf"(?<![\w]){re.escape(c)}(?![\w])", str(rule))]
    return named


def _value(value) -> str:
    if value is None or value == "":
        return '<span class="muted">(empty)</span>'
    text = value if isinstance(value, str) else str(value)
    if len(text) > VALUE_SHOWN:
        return f"<code>{e(text[:VALUE_SHOWN])}</code>… ({len(text):,} characters)"
    return f"<code>{e(text)}</code>"


def _quarantine(b: Batch) -> str:
    if not b.quarantine_total:
        return ""
    named = _named_columns(b)
    order = list(ENTITIES[b.entity].columns) if b.entity in ENTITIES else []
    rows = []
    for row_number, row_data, reasons in b.quarantine:
        reasons = [str(r) for r in (reasons or [])]
        columns: list[str] = []
        for rule in reasons:
            for column in named.get(rule, []):
                if column not in columns:
                    columns.append(column)
        columns.sort(key=lambda c: (order.index(c) if c in order else len(order), c))
        data = row_data if isinstance(row_data, dict) else {}
        values = "<br>".join(f"<code>{e(c)}</code> = {_value(data.get(c))}" for c in columns) or "—"
        reason_list = "".join(f"<li>{e(r)}</li>" for r in reasons)
        rows.append(f'<tr><td class="n">{num(row_number)}</td><td><ul class="reasons">{reason_list}</ul></td>'
                    f'<td class="wrap">{values}</td></tr>')
    shown = len(b.quarantine)
    head = (f"<h3>Quarantined rows: {num(b.quarantine_total)}"
            + (f", the first {num(shown)} shown" if shown < b.quarantine_total else "") + "</h3>")
    note = ('<p class="muted">Only the values of the columns the failed rules name are shown. All rows: '
            f"<code>select row_number, reasons from audit.quarantine where batch_id = '{e(b.batch_id)}' "
            "order by row_number</code></p>")
    headers = [("row", "n"), ("reasons", "t"), ("values of the columns named", "t")]
    return head + table(headers, rows, "quarantine") + note


def _history(b: Batch) -> str:
    if not b.history:
        return ""
    headers = [("batch", "t"), ("first received", "t"), ("status", "t"), ("gate", "t"), ("received", "n"),
               ("loaded", "n"), ("quarantined", "n"), ("checksum", "t"), ("in force", "t")]
    rows = []
    for h in b.history:
        rows.append(
            f"<tr><td><code>{e(h.batch_id)}</code></td><td>{e(when(h.first_received_at))}</td>"
            f'<td>{status_badge(h.status)}</td><td>{e(h.gate)}</td><td class="n">{num(h.rows_received)}</td>'
            f'<td class="n">{num(h.rows_loaded)}</td><td class="n">{num(h.rows_quarantined)}</td>'
            f'<td><code title="{e(h.checksum_sha256)}">{e(h.checksum_sha256[:CHECKSUM_SHOWN])}…</code></td>'
            f'<td>{"yes: its rows are the ones loaded" if h.is_current else ""}</td></tr>'
        )
    return (f"<h3>Earlier deliveries of {e(b.instansi_kode)} · {e(b.entity)} · {e(b.periode)}</h3>"
            + table(headers, rows, "history"))
