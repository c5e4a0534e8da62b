"""The month's re-judge: a sample of the small deliveries GX did not judge, validated again with GX
on every row, must be quarantined exactly as they were (issue 23 item 5).

GX judges every delivery of KINERJA_JUDGE_ALWAYS_ROWS rows or more and a share of the small ones; the
compiled checks (etl.validate.engine) decide the others alone. Once a month, after the loads, this
takes KINERJA_REJUDGE_BATCHES of those small, unjudged deliveries in force for the month (a draw
from their batch ids and the month: the same month re-judges the same ones), reads each again from
the landing store through its agency's connector, and validates it with `engine="gx"` beside the
other deliveries of its government and month (their references need them), in a scratch folder of
its own. A row GX quarantines for other rules than the ledger holds (audit.quarantine), or one only
one side quarantines, is a disagreement: every verdict is recorded in the ledger (audit.batch_judgement,
kind 'rejudge'; audit.batch.gx_rejudge_result) and a disagreement raises RejudgeDisagreement naming
the government, entity, period, batch and the rows by their number (never their content).
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass, field

from etl import landing, pipeline, warehouse
from etl.config import quarter_of
from etl.load import ledger
from etl.settings import environment
from etl.validate import judge_always_rows
from etl.validate.delivery import validate_batches

log = logging.getLogger(__name__)

ROWS_NAMED = 20  # rows named per side in a disagreement's sentence


class RejudgeDisagreement(RuntimeError):
    """GX on every row quarantined other rows than the month's validation recorded."""


@dataclass
class Verdict:
    batch_id: str
    agency: str
    entity: str
    periode: str
    rows: int
    only_gx: list[int] = field(default_factory=list)  # rows GX quarantines, the ledger does not
    only_recorded: list[int] = field(default_factory=list)  # rows the ledger quarantined, GX does not
    other_rules: list[int] = field(default_factory=list)  # rows both quarantine, for other rules
    refused: str | None = None  # GX's validation refused the delivery (its gate)
    seconds: float = 0.0

    @property
    def agreed(self) -> bool:
        return not (self.only_gx or self.only_recorded or self.other_rules or self.refused)

    def sentence(self) -> str:
        def rows(values: list[int]) -> str:
            shown = ", ".join(map(str, values[:ROWS_NAMED]))
            return shown + (f" and {len(values) - ROWS_NAMED} more" if len(values) > ROWS_NAMED else "")

        parts = []
        if self.refused:
            parts.append(f"GX refused it ({self.refused})")
        if self.only_gx:
            parts.append(f"rows {rows(self.only_gx)} quarantined by GX only")
        if self.only_recorded:
            parts.append(f"rows {rows(self.only_recorded)} quarantined by the compiled checks only")
        if self.other_rules:
            parts.append(f"rows {rows(self.other_rules)} quarantined for other rules")
        return (f"{self.agency} {self.entity} {self.periode} (batch {self.batch_id}): "
                + ("GX on every row agrees" if self.agreed else "; ".join(parts)))


def periods_of(month: str) -> list[str]:
    return [month, quarter_of(month)] if int(month[5:7]) % 3 == 0 else [month]


LANDED = ("batch_id", "instansi_kode", "entity", "periode", "source_kind", "source_file", "landing_path",
          "checksum_sha256", "size_bytes", "rows_received", "gx_judged")


def _in_force(month: str) -> list[dict]:
    """The month's deliveries in force (loaded and current), with whether GX judged them."""
    with warehouse.loader_connect() as conn:
        cursor = conn.execute(f"select {', '.join(LANDED)} from audit.batch where periode = any(%s) "
                              "and status = 'loaded' and is_current order by batch_id", (periods_of(month),))
        return [dict(zip(LANDED, row)) for row in cursor]


def sample(month: str, batches: list[dict], size: int | None = None) -> list[dict]:
    """The small deliveries GX did not judge, `size` of them (KINERJA_REJUDGE_BATCHES) drawn from
    their batch ids and the month."""
    size = environment().rejudge_batches if size is None else size
    always = judge_always_rows()
    small = [b for b in batches if b["gx_judged"] is False and (always <= 0 or (b["rows_received"] or 0) < always)
             and (b["rows_received"] or 0) > 0]
    small.sort(key=lambda b: hashlib.sha256(f"rejudge|{month}|{b['batch_id']}".encode()).hexdigest())
    return small[:size]


def _landed(row: dict) -> dict:
    return {"batch_id": row["batch_id"], "agency": row["instansi_kode"], "entity": row["entity"],
            "period": row["periode"], "source_kind": row["source_kind"], "source_file": row["source_file"],
            "path": row["landing_path"], "checksum_sha256": row["checksum_sha256"], "size_bytes": row["size_bytes"],
            "previous_received": None}  # the volume gate judged the delivery already


def _recorded(batch_id: str) -> dict[int, frozenset[str]]:
    with warehouse.loader_connect() as conn:
        return {row: frozenset(map(str, reasons or [])) for row, reasons in conn.execute(
            "select row_number, reasons from audit.quarantine where batch_id = %s", (batch_id,))}


def _found(outcome: dict) -> dict[int, frozenset[str]]:
    """The rows GX's validation quarantined, from its quarantine file (row number -> rules)."""
    found: dict[int, frozenset[str]] = {}
    with open(outcome["quarantine_file"], encoding="utf-8", newline="") as fh:
        for record in csv.DictReader(fh):
            found[int(record["row_number"])] = frozenset(map(str, json.loads(record["reasons"])))
    return found


def compare(verdict: Verdict, recorded: dict[int, frozenset[str]], found: dict[int, frozenset[str]]) -> Verdict:
    verdict.only_gx = sorted(set(found) - set(recorded))
    verdict.only_recorded = sorted(set(recorded) - set(found))
    verdict.other_rules = sorted(r for r in set(found) & set(recorded) if found[r] != recorded[r])
    return verdict


def rejudge_month(month: str, size: int | None = None) -> list[Verdict]:
    """Re-judge the month's sample with GX on every row; record each verdict; raise
    RejudgeDisagreement naming the rows when GX disagrees with what was recorded."""
    in_force = _in_force(month)
    chosen = sample(month, in_force, size)
    verdicts: list[Verdict] = []
    for agency in sorted({b["instansi_kode"] for b in chosen}):
        mine = [b for b in chosen if b["instansi_kode"] == agency]
        # the government's other deliveries of the month too: the sampled ones' references point at them
        together = [_landed(b) for b in in_force if b["instansi_kode"] == agency]
        started = time.perf_counter()
        scratch_ids = [b["batch_id"] for b in together]
        try:
            outcomes = {o["batch"]["batch_id"]: o for o in validate_batches(
                together, pipeline.read_landed, workers=1, engine="gx")}
            for row in mine:
                verdict = Verdict(row["batch_id"], agency, row["entity"], row["periode"], row["rows_received"] or 0)
                outcome = outcomes[row["batch_id"]]
                if outcome["status"] == "rejected":
                    verdict.refused = outcome.get("gate") or "unreadable"
                else:
                    compare(verdict, _recorded(row["batch_id"]), _found(outcome))
                verdict.seconds = time.perf_counter() - started
                verdicts.append(verdict)
        finally:
            for batch_id in scratch_ids:  # loaded already: their work files had been cleared after the load
                shutil.rmtree(landing.work_dir(batch_id), ignore_errors=True)
    with warehouse.transaction(loader=True) as conn:
        for verdict in verdicts:
            ledger.record_judgement(conn, verdict.batch_id, None, "rejudge", True,
                                    "agreed" if verdict.agreed else "disagreed", verdict.rows,
                                    None if verdict.agreed else verdict.sentence())
    for verdict in verdicts:
        (log.info if verdict.agreed else log.error)("re-judge %s: %s, %d rows in %.2f s", month, verdict.sentence(),
                                                     verdict.rows, verdict.seconds)
    log.info("re-judge %s: %d of %d small deliveries GX had not judged, validated again with GX on every row",
             month, len(verdicts), sum(1 for b in in_force if b["gx_judged"] is False))
    disagreeing = [v for v in verdicts if not v.agreed]
    if disagreeing:
        raise RejudgeDisagreement(
            f"GX on every row disagrees with the validation recorded for {month}: "
            + "; ".join(v.sentence() for v in disagreeing))
    return verdicts
