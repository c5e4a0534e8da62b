"""How long personal data stays in the landing store, and its redaction afterwards.

The landing store keeps every delivery as received (etl/landing.py), readable only by the
pipeline's user and group. Some deliveries carry personal fields that the mapping never reads into
the warehouse — WANGGAR's complaint export names each complainant and his telephone number
(`pelapor.nama`, `pelapor.telepon`). They are kept as received for `KINERJA_PERSONAL_RETENTION_DAYS`
days (default 90: long enough to answer a question about a delivery, re-validate it or load a
correction of it), then the landed file is replaced by a copy with those fields emptied (null). The
original's checksum stays where it was (its `.sha256`, the batch id, `audit.batch`), the redacted
copy's beside it (`<file>.redacted`, and `audit.redaction` with the fields and the date), so the
copy can always be told from a tampered file. A later extraction of the same delivery keeps the
redacted copy; the mapping reads the same rows from it as from the original.

The personal fields are the source's option `personal` in the agencies file (field paths with
dots, as the json_export mapping names fields). Only JSON exports (json_export) are redacted here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from etl import warehouse
from etl.config import load_agencies
from etl.landing import marker, redacted_checksum, sha256_of
from etl.load import ledger
from etl.settings import environment
from etl.sources.json_export import records

ENV_DAYS = "KINERJA_PERSONAL_RETENTION_DAYS"
DEFAULT_DAYS = 90  # etl.settings.Environment.personal_retention_days: the same default
REDACTABLE = ("json_export",)


def retention_days() -> int:
    """Days a landed delivery keeps its personal fields (KINERJA_PERSONAL_RETENTION_DAYS, default
    DEFAULT_DAYS; etl.settings refuses what is not a whole number of days, 0 or more)."""
    return environment().personal_retention_days


def personal_fields(agency, entity: str) -> list[str]:
    """The personal fields the agencies file names for the source of this entity (none: [])."""
    source = agency.source_for(entity)
    fields = (source.options or {}).get("personal") or []
    if isinstance(fields, dict):
        fields = fields.get(entity) or []
    return [str(f) for f in fields]


def _blank(record, path: tuple[str, ...]) -> bool:
    node = record
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and path[-1] in node and node[path[-1]] is not None:
        node[path[-1]] = None
        return True
    return False


def redact_json(source: Path, target: Path, fields: list[str]) -> int:
    """A copy of a JSON export with the fields emptied (null), record by record; returns how many
    values were emptied."""
    paths = [tuple(f.split(".")) for f in fields]
    emptied = 0
    with open(target, "w", encoding="utf-8", newline="\n") as out:
        out.write("[")
        for number, record in enumerate(records(source)):
            for path in paths:
                emptied += _blank(record, path)
            out.write(("," if number else "") + "\n" + json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        out.write("\n]\n")
    return emptied


@dataclass
class Redacted:
    batch_id: str
    path: str
    original_sha256: str
    redacted_sha256: str
    fields: list[str]


def redact_expired(agency_kode: str | None = None, now: dt.datetime | None = None) -> list[Redacted]:
    """Replace every landed delivery older than the retention period that carries personal fields
    (of one government, or of all) by its redacted copy, and record it in the ledger."""
    days = retention_days()
    now = now or dt.datetime.now(dt.timezone.utc)
    agencies = {a.kode: a for a in load_agencies() if agency_kode in (None, a.kode)}
    wanted = {(kode, entity): personal_fields(a, entity) for kode, a in agencies.items() for entity in a.entities
              if a.source_for(entity).kind in REDACTABLE and personal_fields(a, entity)}
    if not wanted:
        return []
    done: list[Redacted] = []
    with warehouse.loader_connect(autocommit=True) as conn:
        rows = conn.execute(
            """select d.batch_id, d.instansi_kode, d.entity, d.landing_path, d.checksum_sha256
               from audit.batch_delivery d
               where d.received_at < %s and (d.instansi_kode, d.entity) in (select * from unnest(%s::text[], %s::text[]))
                 and not exists (select from audit.redaction r where r.batch_id = d.batch_id)
               order by d.received_at""",
            (now - dt.timedelta(days=days), [k for k, _ in wanted], [e for _, e in wanted])).fetchall()
        for batch_id, kode, entity, landing_path, original in rows:
            path = Path(landing_path)
            if not path.exists():
                continue  # the landing store was moved or pruned: nothing here to redact
            fields = wanted[(kode, entity)]
            redacted = redacted_checksum(path) or _redact_file(path, original, fields)
            ledger.record_redaction(conn, batch_id, path, original, redacted, fields, days)
            done.append(Redacted(batch_id, str(path), original, redacted, fields))
    return done


def _redact_file(path: Path, original: str, fields: list[str]) -> str:
    """The landed file replaced (atomically) by its redacted copy, the marker written first."""
    if sha256_of(path) != original:
        raise RuntimeError(f"{path} is not the delivery the ledger recorded (its checksum differs): not redacted")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".redacting-")
    os.close(fd)
    try:
        redact_json(path, Path(tmp), fields)
        checksum = sha256_of(Path(tmp))
        note = {"original_sha256": original, "redacted_sha256": checksum, "fields": fields,
                "redacted_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        _write(marker(path), json.dumps(note, indent=1) + "\n")
        os.chmod(tmp, 0o440)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return checksum


def _write(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o440)
    os.replace(tmp, target)
