"""The batch ledger: every write to audit.* happens here.

The ledger is append-only (etl/load/sql/001_ledger.sql): a delivery is recorded once
(audit.batch_delivery, its id follows from its content), each extraction of it, each refusal
(audit.batch_attempt, status rejected) and each load, which audit.record_load (the owner's, run
with its rights) checks against what the load wrote and puts in force. The governments as the
agencies file describes them, the quarantined rows and the rule counts of an attempt go here too.
Retention's redactions are recorded by etl.retention through record_redaction.
"""

from __future__ import annotations

import json

import psycopg
from psycopg import sql

from etl.landing import LandedBatch
from etl.load.copy import QUARANTINE


def record_instansi(conn: psycopg.Connection, agency) -> None:
    """The government as the agencies file describes it (its name and cycle), for dim_instansi: a
    new row in the ledger when that changed (audit.instansi shows the latest)."""
    values = (agency.kode, agency.nama, agency.periodicity, ",".join(dict.fromkeys(s.kind for s in agency.sources)))
    conn.execute(
        """insert into audit.instansi_versi (instansi_kode, nama, periodicity, source_kinds)
           select %s, %s, %s, %s
           where not exists (select from audit.instansi i where i.instansi_kode = %s
                             and (i.nama, i.periodicity, i.source_kinds) = (%s, %s, %s))""",
        (*values, values[0], *values[1:]),
    )


def record_received(conn: psycopg.Connection, landed: LandedBatch, seconds: float) -> None:
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


def record_rejected(conn: psycopg.Connection, batch: LandedBatch, gate: str, message: str, received: int,
                    validate_seconds: float) -> int:
    """A refusal of the batch (the runtime may write only these attempts). A delivery refused now that
    was loaded before (same content, e.g. its roster failed this time) stays loaded and in force: its
    rows in raw are still those (audit.batch shows its load); the attempt log says what happened.
    Returns the attempt's id."""
    return conn.execute(
        """insert into audit.batch_attempt (batch_id, attempt, status, gate, message, rows_received,
               rows_loaded, rows_quarantined, validate_seconds)
           select %s, greatest(count(*), 1), 'rejected', %s, %s, %s, 0, 0, %s
           from audit.batch_extraction where batch_id = %s returning id""",
        (batch.batch_id, gate, message, received, round(validate_seconds, 3), batch.batch_id),
    ).fetchone()[0]


def in_force(conn: psycopg.Connection, batch: LandedBatch, received: int) -> tuple[int, int] | None:
    """(loaded, quarantined) when this very batch is loaded and in force, else None."""
    return conn.execute(
        """select rows_loaded, rows_quarantined from audit.batch
           where batch_id = %s and status = 'loaded' and is_current and rows_received = %s""",
        (batch.batch_id, received),
    ).fetchone()


def next_attempt(conn: psycopg.Connection) -> int:
    """The id the load's attempt will have (its quarantine rows and rule counts name it first)."""
    return conn.execute("select nextval(pg_get_serial_sequence('audit.batch_attempt', 'id'))").fetchone()[0]


def record_quarantine(conn: psycopg.Connection, attempt: int) -> None:
    """The batch's quarantined rows, staged in the load's temporary table, under the attempt."""
    conn.execute(sql.SQL("insert into audit.quarantine_row (attempt_id, batch_id, row_number, source_file, row_data, "
                         "reasons) select %s, batch_id, row_number, source_file, row_data, reasons from {}"
                         ).format(QUARANTINE), (attempt,))


def save_validation_results(conn: psycopg.Connection, attempt_id: int, batch_id: str, results: list[dict]) -> None:
    conn.execute(
        """
        insert into audit.validation_result_row
            (attempt_id, batch_id, rule, expectation, column_name, rows_evaluated, rows_failed)
        select %s, %s, rule, expectation, column_name, rows_evaluated, rows_failed
        from jsonb_to_recordset(%s::jsonb) as r(
            rule text, expectation text, column_name text, rows_evaluated bigint, rows_failed bigint)
        """,
        (attempt_id, batch_id, json.dumps(results)),
    )


def record_load(conn: psycopg.Connection, attempt: int, batch: LandedBatch, received: int, loaded: int,
                quarantined: int, validate_seconds: float, load_seconds: float) -> None:
    """audit.record_load (the owner's) checks what this transaction wrote, removes the earlier
    delivery's rows of the government's period and records the load."""
    conn.execute("select audit.record_load(%s::bigint, %s::text, %s::bigint, %s::bigint, %s::bigint, %s::numeric, "
                 "%s::numeric)", (attempt, batch.batch_id, received, loaded, quarantined, round(validate_seconds, 3),
                                  round(load_seconds, 3)))


def record_redaction(conn: psycopg.Connection, batch_id: str, path, original: str, redacted: str, fields: list[str],
                     days: int) -> None:
    """A landed file replaced by its redacted copy once its retention period ended (etl.retention)."""
    conn.execute(
        """insert into audit.redaction (batch_id, landing_path, original_sha256, redacted_sha256, fields,
               retention_days) values (%s, %s, %s, %s, %s, %s)""",
        (batch_id, str(path), original, redacted, ",".join(fields), days))


def record_expected(conn: psycopg.Connection, rows: list[tuple]) -> None:
    """What governments owe, as a run saw it (etl/delivery_calendar.py): rows of (instansi, entity,
    periode, month, deadline, whether a cheap look found anything)."""
    if rows:
        # COPY, like every bulk write: 600 governments x entities is thousands of rows a run
        with conn.cursor() as cur, cur.copy(
            "copy audit.delivery_expected (instansi_kode, entity, periode, bulan, batas_waktu, ada_kiriman) from stdin"
        ) as copy:
            for row in rows:
                copy.write_row(row)


def record_judgement(conn: psycopg.Connection, batch_id: str, attempt: int | None, kind: str, judged: bool,
                     result: str | None, rows_judged: int | None, detail: str | None = None) -> None:
    """Whether GX judged a batch and with what result (audit.batch_judgement, 005_gx_judged.sql): `kind`
    'validation' for the attempt's own validation, 'rejudge' for the monthly re-judge (etl/rejudge.py).
    `detail` names rows by their number only, never their content."""
    conn.execute(
        """insert into audit.batch_judgement (batch_id, attempt_id, kind, judged, result, rows_judged, detail)
           values (%s, %s, %s, %s, %s, %s, %s)""",
        (batch_id, attempt, kind, judged, result if judged else None, rows_judged, detail))
