"""Notifications: who is told that a delivery was refused, is missing past its deadline, or that a
month's run failed (issue 23 item 4), by e-mail and by a chat tool's incoming webhook.

What is said comes from the warehouse's ledger, never from a delivery's rows: each message names
the government (its code and name from the agencies file), the entity, the period, the kind and its
reason — the gate that refused a delivery with a fixed description of it and the rows read, the
deadline a missing delivery passed, the stage a run failed in — and the link to the month's
validation report (KINERJA_REPORT_BASE_URL, else the report's file). A refusal's own message in the
ledger may quote the delivery (a value, a header), so it is not sent; no NIP, name or free text is.

One message per government, month and kind lists its deliveries (entity and period, each with its
reason and link). Each is told once per channel: audit.notification (etl/load/sql/006_notification.sql)
records what went out per government, entity, period, kind and channel, and what is recorded is
not told again (the run's end and the daily deadline check both see a missing delivery;
a rerun of the month sees the same refusal). A channel that fails is not recorded, so the next
check tries it again; the others are not held up.

The channels are plain objects (Smtp, Webhook): the Airflow notifier (etl/notifiers.py) makes them
from Airflow connections; this module knows nothing of Airflow and is tested without it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage

from etl import warehouse
from etl.config import load_agencies
from etl.delivery_calendar import owed
from etl.load.schema import ensure_schema
from etl.settings import environment
from etl.validate import report

log = logging.getLogger(__name__)

KINDS = {"ditolak": "refused", "hilang": "missing past its deadline", "belum": "not delivered yet",
         "gagal": "run failed"}
ALL = "SEMUA"  # a run's failure that no single government explains
NO_ENTITY = "-"

# what each gate means, in words of our own (a refusal's ledger message may quote the delivery)
GATES = {
    "unreadable": "the file could not be read as its source kind",
    "header": "columns the format requires are missing from the header",
    "empty": "the delivery holds no rows",
    "volume": "far fewer rows than the period before (an export cut short?)",
    "reference": "it points at a delivery of the same month that is missing or was refused",
    "suite": "the validation suite could not judge it (GX disagreed with the compiled checks, or a rule failed to run)",
}
LOOKBACK_MONTHS = 3  # the daily check looks at what was due in the last months


@dataclass(frozen=True)
class Item:
    """One thing to tell: a government's delivery (entity, period) of a month, of a kind, and why."""

    instansi_kode: str
    nama: str
    bulan: str  # the month of the run or check it belongs to
    entity: str
    periode: str
    jenis: str  # ditolak | hilang | belum | gagal
    reason: str
    link: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """What is told once (audit.notification): government, entity, period and kind."""
        return self.instansi_kode, self.entity, self.periode, self.jenis

    def line(self) -> str:
        what = f"{self.entity} {self.periode}" if self.entity != NO_ENTITY else f"the month {self.periode}"
        return f"- {what}: {self.reason} ({self.link})"


@dataclass(frozen=True)
class Message:
    """One message per government, month and kind, listing its items."""

    items: tuple[Item, ...]

    @property
    def first(self) -> Item:
        return self.items[0]

    @property
    def subject(self) -> str:
        count = len(self.items)
        what = {"ditolak": f"{count} delivery(ies) refused", "hilang": f"{count} delivery(ies) missing",
                "belum": f"{count} delivery(ies) not delivered yet", "gagal": "the month's run failed"}[self.first.jenis]
        return f"[kinerja] {self.first.instansi_kode} {self.first.bulan}: {what}"

    @property
    def link(self) -> str:
        return self.first.link if len({i.link for i in self.items}) == 1 else report_link(self.first.bulan)

    def text(self) -> str:
        head = self.first
        entities = ", ".join(dict.fromkeys(i.entity for i in self.items if i.entity != NO_ENTITY)) or \
            "all of its deliveries"
        return "\n".join([
            f"Government: {head.instansi_kode} ({head.nama})",
            f"Entity: {entities}",
            f"Period: {', '.join(dict.fromkeys(i.periode for i in self.items))} (run of {head.bulan})",
            f"What: {KINDS[head.jenis]}",
            "Reason:",
            *[i.line() for i in self.items],
            f"Report: {self.link}",
        ])

    def payload(self) -> dict:
        """The webhook's JSON body: `text` as Slack, Mattermost, Rocket.Chat, Google Chat and Teams'
        workflows read it, and the fields for anything that parses them."""
        return {"text": f"{self.subject}\n{self.text()}", "government": self.first.instansi_kode,
                "month": self.first.bulan, "kind": KINDS[self.first.jenis],
                "items": [{"entity": i.entity, "period": i.periode, "reason": i.reason, "report": i.link}
                          for i in self.items], "report": self.link}


def letters(items: list[Item]) -> list[Message]:
    """The items grouped into one message per government, month and kind (in the order first seen)."""
    groups: dict[tuple, list[Item]] = {}
    for item in dict.fromkeys(items):
        groups.setdefault((item.instansi_kode, item.bulan, item.jenis), []).append(item)
    return [Message(tuple(group)) for group in groups.values()]


# ------------------------------------------------------------------------ channels

class ChannelError(RuntimeError):
    """A channel could not deliver a message."""


@dataclass
class Smtp:
    host: str
    port: int
    sender: str
    recipients: list[str]
    login: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    timeout: float = 30.0
    name: str = "email"

    def send(self, message: Message) -> None:
        mail = EmailMessage()
        mail["Subject"] = message.subject
        mail["From"] = self.sender
        mail["To"] = ", ".join(self.recipients)
        mail.set_content(message.text())
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as server:
                if self.starttls:
                    server.starttls()
                if self.login:
                    server.login(self.login, self.password or "")
                server.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"SMTP {self.host}:{self.port}: {type(exc).__name__}") from None


@dataclass
class Webhook:
    url: str = field(repr=False)  # a chat tool's incoming-webhook URL holds its secret token
    timeout: float = 30.0
    name: str = "webhook"

    def send(self, message: Message) -> None:
        request = urllib.request.Request(self.url, data=json.dumps(message.payload()).encode("utf-8"),
                                         headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 - the operator's URL
                answer.read()
        except OSError as exc:  # URLError and HTTPError are OSErrors
            status = getattr(exc, "code", None)
            raise ChannelError(f"webhook: {f'HTTP {status}' if status else type(exc).__name__}") from None


def webhook_from_settings() -> Webhook | None:
    url = environment().notify_webhook_url
    return Webhook(url) if url else None


# ------------------------------------------------------------------------ what to say

def report_link(month: str, page: str = "index.html", fragment: str = "") -> str:
    """A page of the month's validation report: KINERJA_REPORT_BASE_URL/<month>/<page>, else its file."""
    base = environment().report_base_url
    where = f"{base.rstrip('/')}/{month}/{page}" if base else (report.default_dir(month) / page).as_uri()
    return where + (f"#{fragment}" if fragment else "")


def _names() -> dict[str, str]:
    return {a.kode: a.nama for a in load_agencies()}


def _rows(conn, query: str, params: dict) -> list[dict]:
    cursor = conn.execute(query, params)
    names = [d.name for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def month_items(month: str, run_failed: bool = False, stage: str | None = None) -> list[Item]:
    """What a month's run has to say once it ended: each delivery of the month refused (its gate),
    each one owed and missing (as the run's look at the sources recorded it), and, when the run failed,
    each government whose deliveries the run could not take in for another reason (or, when none
    explains it, the run as a whole, with the stage that failed)."""
    names = _names()
    periods = report.periods_of(month)
    with warehouse.loader_connect() as conn:
        refused = _rows(conn, """
            select instansi_kode, entity, periode, gate, rows_received, batch_id from audit.batch
            where periode = any(%(periods)s) and status = 'rejected' and not exists (
                select from audit.batch later where later.instansi_kode = batch.instansi_kode
                and later.entity = batch.entity and later.periode = batch.periode and later.status = 'loaded'
                and later.first_received_at > batch.first_received_at)
            order by instansi_kode, entity""", {"periods": periods})
        missing = _rows(conn, """
            select distinct on (e.instansi_kode, e.entity, e.periode) e.instansi_kode, e.entity, e.periode,
                   e.batas_waktu, e.ada_kiriman
            from audit.delivery_expected e
            where e.bulan = %(month)s and not exists (
                select from audit.batch_delivery d where d.instansi_kode = e.instansi_kode and d.entity = e.entity
                and d.periode = e.periode)
            order by e.instansi_kode, e.entity, e.periode, e.id desc""", {"month": month})
        unfinished = _rows(conn, """
            select distinct instansi_kode from audit.batch where periode = any(%(periods)s) and status = 'received'
            order by 1""", {"periods": periods}) if run_failed else []
    messages = [Item(r["instansi_kode"], names.get(r["instansi_kode"], r["instansi_kode"]), month, r["entity"],
                        r["periode"], "ditolak",
                        f"refused by the gate '{r['gate'] or 'unreadable'}': {GATES.get(r['gate'] or 'unreadable', 'see the report')}; "
                        f"{r['rows_received'] or 0} rows read, none loaded; a corrected delivery is loaded by the next run",
                        report_link(month, "index.html", f"batch-{r['batch_id']}")) for r in refused]
    # what was owed and never came (a government with nothing at all was left out of the run's mapping)
    # (before its deadline it is "not delivered yet"; once the deadline passed "missing", which the
    # daily check says too: told once)
    today = dt.date.today()
    messages += [Item(r["instansi_kode"], names.get(r["instansi_kode"], r["instansi_kode"]), month, r["entity"],
                      r["periode"], "hilang" if r["batas_waktu"] < today else "belum",
                      f"nothing delivered for {r['periode']}; due by {r['batas_waktu']:%Y-%m-%d}"
                      + (" (passed)" if r["batas_waktu"] < today else ""),
                      report_link(month, "kalender.html")) for r in missing]
    if run_failed:
        named = {m.instansi_kode for m in messages}
        stuck = [r["instansi_kode"] for r in unfinished if r["instansi_kode"] not in named]
        messages += [Item(kode, names.get(kode, kode), month, NO_ENTITY, month, "gagal",
                             "the run could not validate or load its deliveries (see the run's log); a rerun of "
                             "the month completes it", report_link(month)) for kode in stuck]
        if not messages:
            messages.append(Item(ALL, "every government", month, NO_ENTITY, month, "gagal",
                                    f"the month's run failed{f' in {stage}' if stage else ''}; the marts and the "
                                    "open data may be incomplete (see the run's log)", report_link(month)))
    return messages


def months_before(today: dt.date, count: int) -> list[str]:
    months, year, number = [], today.year, today.month
    for _ in range(count):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        months.append(f"{year}-{number:02d}")
    return sorted(months)


def overdue_items(today: dt.date, lookback: int = LOOKBACK_MONTHS) -> list[Item]:
    """What the daily check has to say: every delivery the agencies file says a government owes for
    the last `lookback` months whose deadline has passed and of which nothing came. A government owes
    from the first month a run recorded what it owes (audit.delivery_expected): a government just
    added to the agencies file is not told about months before it joined."""
    with warehouse.transaction() as owner:  # the ledger's tables, at this version (the owner's)
        ensure_schema(owner)
    with warehouse.loader_connect() as conn:
        first = dict(conn.execute("select instansi_kode, min(bulan) from audit.delivery_expected group by 1").fetchall())
        delivered = {tuple(r) for r in conn.execute(
            "select distinct instansi_kode, entity, periode from audit.batch_delivery").fetchall()}
    messages = []
    for agency in load_agencies():
        since = first.get(agency.kode)
        if since is None:
            continue
        for month in months_before(today, lookback):
            if month < since:
                continue
            for due in owed(agency, month):
                if due.deadline < today and (agency.kode, due.entity, due.periode) not in delivered:
                    messages.append(Item(agency.kode, agency.nama, month, due.entity, due.periode, "hilang",
                                            f"nothing delivered for {due.periode}; due by {due.deadline:%Y-%m-%d} "
                                            f"(passed)", report_link(month, "kalender.html")))
    return messages


# ------------------------------------------------------------------------ sending once

@dataclass
class Sent:
    sent: list[tuple[str, str]] = field(default_factory=list)  # (channel, subject)
    already: int = 0  # items told before on a channel
    failed: list[str] = field(default_factory=list)  # one sentence per failed send


def deliver(items: list[Item], channels: list) -> Sent:
    """Tell the items, one message per government, month and kind and per channel, leaving out
    the items audit.notification holds as told on that channel; record each item told. A failing
    channel is logged and left unrecorded (tried again next time)."""
    done = Sent()
    if not items:
        return done
    if not channels:
        log.warning("notifications: %d item(s) and no channel configured (Airflow connections kinerja_smtp, "
                    "kinerja_webhook, or KINERJA_NOTIFY_WEBHOOK_URL)", len(items))
        return done
    with warehouse.transaction() as owner:  # audit.notification at this version (the owner's migrations)
        ensure_schema(owner)
    with warehouse.loader_connect(autocommit=True) as conn:
        for channel in channels:
            told = {tuple(row) for row in conn.execute(
                "select instansi_kode, entity, periode, jenis from audit.notification where channel = %s",
                (channel.name,))}
            fresh = [item for item in dict.fromkeys(items) if item.key not in told]
            done.already += len(set(items)) - len(fresh)
            for message in letters(fresh):
                try:
                    channel.send(message)
                except ChannelError as exc:
                    done.failed.append(f"{message.subject} by {channel.name}: {exc}")
                    log.warning("notification not sent: %s by %s: %s", message.subject, channel.name, exc)
                    continue
                with conn.transaction():
                    for item in message.items:
                        conn.execute("""insert into audit.notification (instansi_kode, entity, periode, jenis, channel,
                                        subject) values (%s, %s, %s, %s, %s, %s) on conflict do nothing""",
                                     (*item.key, channel.name, message.subject))
                done.sent.append((channel.name, message.subject))
                log.info("notification sent by %s: %s", channel.name, message.subject)
    log.info("notifications: %d sent, %d item(s) told before, %d failed", len(done.sent), done.already,
             len(done.failed))
    return done
