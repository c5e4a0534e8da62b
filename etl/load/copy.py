"""COPY: a CSV file (validated rows as etl.raw_csv writes them, a batch's quarantine) streamed into
a table, and the temporary tables one load stages a batch in before anything reaches raw or the
ledger."""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql

from etl.raw_csv import raw_columns

COPY_BLOCK = 1 << 20


def copy_file(conn: psycopg.Connection, table: sql.Composable, columns: list[str], path: Path) -> int:
    """Stream a CSV file (header row first) into `table` with COPY; returns rows copied."""
    statement = sql.SQL("copy {} ({}) from stdin with (format csv, header true)").format(
        table, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cur:
        with cur.copy(statement) as copy, open(path, "rb") as fh:
            while block := fh.read(COPY_BLOCK):
                copy.write(block)
        return cur.rowcount


# the temporary tables of one load (the runtime's own, dropped at commit): the rows of a delivery
# checked in several chunks, and the quarantine of every delivery, before they reach raw and audit
GOOD = sql.Identifier("kinerja_good")
QUARANTINE = sql.Identifier("kinerja_quarantine")


def stage_quarantine(conn: psycopg.Connection, path: Path) -> int:
    """The batch's quarantine file into a temporary table of this transaction."""
    conn.execute(sql.SQL("create temp table {} (batch_id text, row_number bigint, source_file text, row_data jsonb, "
                         "reasons jsonb) on commit drop").format(QUARANTINE))
    return copy_file(conn, QUARANTINE, ["batch_id", "row_number", "source_file", "row_data", "reasons"], path)


def stage_good(conn: psycopg.Connection, entity: str, path: Path) -> int:
    """The batch's good rows into a temporary table of this transaction (like raw.<entity>)."""
    conn.execute(sql.SQL("create temp table {} (like {}) on commit drop").format(GOOD, sql.Identifier("raw", entity)))
    return copy_file(conn, GOOD, raw_columns(entity), path)
