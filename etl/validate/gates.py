"""The batch gates that look beyond the rows of a batch: the volume gate (far fewer rows than the
period before: an export cut short?) and its yardstick, read from the ledger."""

from __future__ import annotations

import psycopg

from etl import warehouse
from etl.config import Agency, previous_period
from etl.landing import LandedBatch


class GateFailure(Exception):
    def __init__(self, gate: str, message: str):
        super().__init__(message)
        self.gate = gate


def previous_volumes(conn: psycopg.Connection, batches: list) -> dict[str, int]:
    """Per entity, the rows received by the loaded delivery of the period before (the volume
    gate's yardstick): one query for an agency's month."""
    scopes = [(b.entity, previous_period(b.period)) for b in batches]
    rows = conn.execute(
        """select entity, rows_received from audit.batch
           where instansi_kode = %s and (entity, periode) in (select * from unnest(%s::text[], %s::text[]))
           and is_current and status = 'loaded'""",
        (batches[0].agency, [e for e, _ in scopes], [p for _, p in scopes]),
    ).fetchall()
    return {entity: received for entity, received in rows}


def yardstick(batches: list[LandedBatch]) -> dict[str, int]:
    """previous_volumes on a connection of its own (read only)."""
    if not batches:
        return {}
    with warehouse.loader_connect() as conn:
        return previous_volumes(conn, batches)


def volume_gate(government: Agency, batch: LandedBatch, received: int, volumes: dict[str, int]) -> None:
    """Refuse a delivery with far fewer rows than the same entity's previous period."""
    share = government.min_share_of_previous.get(batch.entity)
    if share is None:
        return
    previous = previous_period(batch.period)
    before = volumes.get(batch.entity)
    if before and received < share * before:
        raise GateFailure(
            "volume",
            f"{batch.source_file}: {batch.entity} for {batch.period} has {received} rows, fewer than {share:.0%} of the {before} of "
            f"{previous}: an export cut short? Deliver it complete, or, if the drop is real, lower "
            f"gates.min_share_of_previous.{batch.entity} for {government.kode} in the agencies file",
        )
