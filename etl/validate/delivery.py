"""One agency's delivery for a month, validated batch by batch.

The batches go in the order their references need (units before the employees in them, the
roster before its evaluations and RHK lines). For each batch:

  read    the source stage maps the landed file into canonical chunks (memory follows the chunk):
          the caller hands validate_batches a `read` that does it (etl.pipeline.validate: the
          connectors of etl.sources); validation itself calls no connector and writes nothing to
          the warehouse
  check   the entity's suite per chunk (vectorised checks judged by GX: etl.validate.engine), in
          worker processes when the delivery spans several chunks; then its reference rules
          (etl.validate.references) against the keys of the deliveries they point at
  split   good rows to good.csv, each failing row with every rule it broke to quarantine.csv
  gates   a batch is refused whole, with the reason the audit record keeps, when it cannot be read
          (gate unreadable), its header lacks columns (header), it holds no rows (empty; a register of events such as
          complaints may: Entity.may_be_empty), it has
          far fewer rows than the period before (volume, etl.validate.gates), or a delivery it
          points at was refused (reference)

Only small dicts come back, so validate may run in another process or on another machine than
extract and load: the landed file and the work files are on the landing store.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
import pyarrow as pa

from etl import landing
from etl.canonical import entity as entity_def, text_array
from etl.config import Agency, find_agency, month_of
from etl.landing import LandedBatch
from etl.raw_csv import raw_columns, write_copy_csv
from etl.sources.errors import EmptyDeliveryError, SourceError
from etl.validate import (
    ChunkCheck, RuleResult, SuiteError, Tally, _compiled, _context, check_chunk, fast_check, is_judged, judge,
    load_suite_spec, suite,
)
from etl.validate.gates import GateFailure, volume_gate, yardstick
from etl.validate.references import KeyCollector, Reference, describe, failing, references_of
from etl.settings import environment

# the source stage's reading of a landed batch: (batch, rows per chunk) -> its canonical chunks; called
# again for a second pass over a delivery whose rows point at its own keys
Reader = Callable[[LandedBatch, int], Iterator[pd.DataFrame]]

CHUNK_ROWS = environment().chunk_rows


def default_workers() -> int:
    """Processes that check the chunks of one large delivery (KINERJA_VALIDATE_WORKERS)."""
    return max(1, environment().validate_workers or min(2, os.cpu_count() or 1))


def default_engine() -> str:
    """`fast`: vectorised checks judged by GX (etl.validate.engine); `gx`: GX on every row, the
    slow way, for anyone who wants GX alone to decide (KINERJA_VALIDATE_ENGINE)."""
    return environment().validate_engine


def gx_check(entity: str, chunk: pd.DataFrame) -> tuple[ChunkCheck, pd.DataFrame]:
    """GX on every row of the chunk; nothing left to judge."""
    return check_chunk(entity, chunk), chunk.iloc[:0]


@dataclass
class Validated:
    batch: dict
    status: str  # validated | rejected
    rows_received: int
    rows_quarantined: int
    good_file: str | None
    quarantine_file: str | None
    results: list[dict]
    message: str | None
    gate: str | None
    seconds: float
    chunks: int = 0  # a delivery of several chunks has its natural key checked across them at load
    # GX's part (audit.batch_judgement): whether it judged the batch, and 'agreed' (it found what the
    # compiled checks found on the rows it judged), 'disagreed' (the batch is refused) or 'full' (it
    # checked every row: KINERJA_VALIDATE_ENGINE=gx); rows_judged: the rows it looked at
    gx_judged: bool = False
    gx_result: str | None = None
    gx_rows_judged: int | None = None

    def to_dict(self) -> dict:
        return self.__dict__.copy()


class ChunkChecker:
    """Runs the suite (etl.validate.fast_check) on a stream of chunks, in order. A delivery of
    one chunk is checked in this process;
    a larger one in a pool of worker processes forked from this one (GX already imported), with
    at most `workers + 1` chunks in flight so memory stays bounded."""

    def __init__(self, workers: int | None = None, engine: str | None = None):
        self.workers = default_workers() if workers is None else workers
        self.check = gx_check if (engine or default_engine()) == "gx" else fast_check
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ChunkChecker:
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def _pool_for(self, entity: str) -> ProcessPoolExecutor:
        _context()
        _compiled(entity)
        for part in ("all", "compiled", "leftover"):
            suite(entity, part)  # build before forking: the workers inherit GX and the suites
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("fork"))
        return self._pool

    def run(self, entity: str, items: Iterator[tuple[pd.DataFrame, dict]]
            ) -> Iterator[tuple[pd.DataFrame, dict, tuple[ChunkCheck, pd.DataFrame]]]:
        first = next(items, None)
        if first is None:
            return
        second = next(items, None)
        if second is None or self.workers < 2:
            for chunk, extra in chain([first], [second] if second is not None else [], items):
                yield chunk, extra, self.check(entity, chunk)
            return
        pool = self._pool_for(entity)
        pending: deque = deque()
        for chunk, extra in chain([first, second], items):
            pending.append((chunk, extra, pool.submit(self.check, entity, chunk)))
            while len(pending) > self.workers:
                chunk_done, extra_done, future = pending.popleft()
                yield chunk_done, extra_done, future.result()
        while pending:
            chunk_done, extra_done, future = pending.popleft()
            yield chunk_done, extra_done, future.result()


def _order(batches: list[LandedBatch], specs: dict[str, dict]) -> list[LandedBatch]:
    """Batches in an order where every referenced entity comes before the entities pointing at it."""
    present = {b.entity for b in batches}
    needs = {e: {r.entity for r in references_of(specs[e]) if r.entity and r.entity != e and r.entity in present}
             for e in present}
    done: list[str] = []
    while len(done) < len(present):
        ready = [b.entity for b in batches if b.entity not in done and needs[b.entity] <= set(done)]
        if not ready:
            raise SuiteError(f"the references of {', '.join(sorted(present - set(done)))} form a cycle")
        done.append(ready[0])
    return sorted(batches, key=lambda b: done.index(b.entity))


def validate_batches(landed: list[dict], read: Reader, workers: int | None = None, chunk_rows: int | None = None,
                     engine: str | None = None) -> list[dict]:
    """Validate one agency's landed batches of a month, each read by `read` (the source stage);
    returns one outcome dict per batch, in the order given."""
    batches = [LandedBatch.from_dict(d) for d in landed]
    if not batches:
        return []
    government = find_agency(batches[0].agency)
    specs = {b.entity: load_suite_spec(b.entity) for b in batches}
    wanted = {r.target for b in batches for r in references_of(specs[b.entity]) if r.entity}
    keys: dict[tuple, KeyCollector] = {}
    refused: dict[str, str] = {}
    outcomes: dict[str, Validated] = {}
    if all("previous_received" in d for d in landed):  # read by extract
        volumes = {d["entity"]: d["previous_received"] for d in landed if d["previous_received"] is not None}
    else:
        volumes = yardstick(batches)
    rows = chunk_rows or CHUNK_ROWS
    with ChunkChecker(workers, engine) as checker:
        for batch in _order(batches, specs):
            check = BatchCheck(government, batch, lambda b=batch: read(b, rows), keys, wanted)
            outcome = check.run(references_of(specs[batch.entity]), refused, checker, volumes)
            if outcome.status == "rejected":
                refused[batch.entity] = outcome.message
            outcomes[batch.batch_id] = outcome
    return [outcomes[b.batch_id].to_dict() for b in batches]


def _active_references(government: Agency, batch: LandedBatch, references: list[Reference],
                       keys: dict, refused: dict[str, str]) -> tuple[list[Reference], list[RuleResult]]:
    """The references this batch can be checked against; a missing or refused target refuses it."""
    active, unchecked = [], []
    for ref in references:
        if ref.equals or ref.entity == batch.entity:
            active.append(ref)
        elif ref.entity not in government.entities:
            unchecked.append(RuleResult(ref.rule, f"reference (not checked: {government.kode} delivers no {ref.entity})",
                                        ref.column))
        elif ref.entity in refused:
            raise GateFailure("reference", f"{batch.source_file}: {batch.entity} points at {ref.entity}, which "
                                           "was refused in this "
                                           f"delivery ({refused[ref.entity]}); it is checked when {ref.entity} "
                                           "is delivered again")
        elif ref.target not in keys:
            raise GateFailure("reference", f"{batch.source_file}: {batch.entity} points at {ref.entity}, but "
                                           "this delivery of "
                                           f"{government.kode} has no {ref.entity} for {month_of(batch.period)}")
        else:
            active.append(ref)
    return active, unchecked


class BatchCheck:
    """One batch through the checks: its chunks (from the source stage) checked against its
    references, then by the suite (ChunkChecker), split into good rows and quarantine in the
    landing store's work area, and the gates that look at the whole batch."""

    def __init__(self, government: Agency, batch: LandedBatch, chunks: Callable[[], Iterator[pd.DataFrame]],
                 keys: dict, wanted: set):
        self.government, self.batch, self.chunks, self.keys = government, batch, chunks, keys
        self.own_keys = [t for t in wanted if t[0] == batch.entity]  # the keys other entities point at
        self.tally = Tally()
        self.received = self.quarantined = self.pieces = 0
        self.gx: tuple[bool, str | None, int | None] = (False, None, None)  # (judged, result, rows)
        work = landing.work_dir(batch.batch_id)
        self.good_path, self.bad_path = work / "good.csv", work / "quarantine.csv"

    def run(self, references: list[Reference], refused: dict[str, str], checker: ChunkChecker,
            volumes: dict[str, int]) -> Validated:
        batch, started = self.batch, time.perf_counter()
        try:
            active, unchecked = _active_references(self.government, batch, references, self.keys, refused)
            for result in unchecked:
                self.tally.add(result)
            self_referencing = any(r.entity == batch.entity for r in active)
            samples = self.split(checker.run(batch.entity, self.checked_by_reference(active, self_referencing)))
            if self.received == 0 and not entity_def(batch.entity).may_be_empty:
                raise EmptyDeliveryError(f"{batch.source_file}: the delivery holds no rows")
            if checker.check is gx_check and self.received:
                self.gx = (True, "full", self.received)  # GX checked every row itself
            elif self.received and is_judged(batch.batch_id, self.received):
                self.gx = (True, "disagreed", sum(len(s) for s in samples))  # until it agrees
                judge(batch.entity, samples, batch.batch_id)  # GX confirms what the fast checks found
                self.gx = (True, "agreed", self.gx[2])
            volume_gate(self.government, batch, self.received, volumes)
        except (SourceError, SuiteError, GateFailure) as exc:
            gate = getattr(exc, "gate", "suite")
            return Validated(batch.to_dict(), "rejected", self.received, 0, None, None, [], str(exc), gate,
                             time.perf_counter() - started, 0, *self.gx)
        return Validated(batch.to_dict(), "validated", self.received, self.quarantined, str(self.good_path),
                         str(self.bad_path), [r.__dict__ | {"column_name": r.column} for r in self.tally.rules.values()],
                         None, None, time.perf_counter() - started, self.pieces, *self.gx)

    def collect(self, chunk: pd.DataFrame) -> None:
        """The chunk's values of the keys other rows point at."""
        for target in self.own_keys:
            self.keys.setdefault(target, KeyCollector()).add(chunk, target[1], target[2])

    def keys_first(self) -> Iterator[pd.DataFrame]:
        """The chunks of a delivery whose rows point at its own keys (a unit at its parent, an
        employee at his supervisor): every key is collected before the first row is checked. A
        delivery of one chunk is read once; a larger one twice, so memory stays one chunk."""
        stream = self.chunks()
        first, second = next(stream, None), next(stream, None)
        if second is None:
            if first is not None:
                self.collect(first)
            return iter([] if first is None else [first])
        for chunk in chain([first, second], stream):
            self.collect(chunk)
        return self.chunks()

    def checked_by_reference(self, active: list[Reference], self_referencing: bool
                             ) -> Iterator[tuple[pd.DataFrame, dict]]:
        """Each chunk with, per row number, the reference rules the row breaks."""
        batch = self.batch
        for chunk in (self.keys_first() if self_referencing else self.chunks()):
            self.received += len(chunk)
            if not self_referencing:
                self.collect(chunk)
            reasons: dict[int, list[str]] = {}
            row_numbers = chunk["_row"].to_numpy()
            for ref in active:
                rows = row_numbers[failing(ref, chunk, self.keys.get(ref.target), batch.agency, batch.period)].tolist()
                for row in rows:
                    reasons.setdefault(row, []).append(ref.rule)
                self.tally.add(RuleResult(ref.rule, f"reference ({describe(ref)})", ref.column, len(chunk), len(rows)))
            yield chunk, reasons

    def split(self, checked: Iterator[tuple[pd.DataFrame, dict, tuple[ChunkCheck, pd.DataFrame]]]) -> list:
        """Good rows to good.csv (raw's COPY format), each failing row with every rule it broke to
        quarantine.csv; returns the suite's samples for GX to judge."""
        batch = self.batch
        samples = []
        with open(self.good_path, "wb") as good, open(self.bad_path, "w", newline="", encoding="utf-8") as bad:
            bad_writer = csv.writer(bad)
            bad_writer.writerow(["batch_id", "row_number", "source_file", "row_data", "reasons"])
            header = True
            for chunk, extra, (check, sample) in checked:
                samples.append(sample)
                self.pieces += 1
                for result in check.results:
                    self.tally.add(result)
                reasons = check.reasons
                for row, rules in extra.items():
                    reasons.setdefault(row, []).extend(rules)
                row_numbers = chunk["_row"].to_numpy()
                failed = np.isin(row_numbers, np.fromiter(reasons, dtype=np.int64, count=len(reasons)))
                write_raw_csv(chunk, batch, good, header, keep=~failed if failed.any() else None)
                header = False
                if failed.any():
                    for row, payload in zip(row_numbers[failed].tolist(), _records(chunk, failed)):
                        bad_writer.writerow([batch.batch_id, row, batch.source_file,
                                             json.dumps(payload, ensure_ascii=False),
                                             json.dumps(reasons[row], ensure_ascii=False)])
                    self.quarantined += int(failed.sum())
        return samples


def write_raw_csv(chunk: pd.DataFrame, batch: LandedBatch, out, header: bool, keep: np.ndarray | None = None) -> None:
    """A chunk's good rows (`keep`, default all) as CSV for COPY into raw (etl.raw_csv.raw_columns:
    the batch's id, government and period, then the row's own columns), from the frame's own
    buffers (etl.raw_csv.write_copy_csv)."""
    rows = len(chunk) if keep is None else int(keep.sum())
    constant = {"_batch_id": batch.batch_id, "_instansi_kode": batch.agency, "_periode": batch.period}
    mask = None if keep is None else pa.array(keep)
    columns = []
    for name in raw_columns(batch.entity):
        if name in constant:
            columns.append(pa.DictionaryArray.from_arrays(pa.array(np.zeros(rows, dtype=np.int32)),
                                                          pa.array([constant[name]])))
            continue
        values = pa.array(chunk[name].to_numpy(dtype=np.int64)) if name == "_row" else text_array(chunk[name])
        columns.append(values if mask is None else values.filter(mask))
    write_copy_csv(pa.Table.from_arrays(columns, names=raw_columns(batch.entity)), out, header)


def _records(chunk: pd.DataFrame, bad: np.ndarray) -> list[dict]:
    """The chunk's rows at `bad` as received (its canonical columns; an empty value as None)."""
    mask = pa.array(bad)
    columns = [c for c in chunk.columns if not c.startswith("_")]
    return pa.table({c: text_array(chunk[c]).filter(mask) for c in columns}).to_pylist()
