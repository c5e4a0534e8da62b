"""Validation with Great Expectations: the suites in expectations/, row-level quarantine.

A suite per canonical entity lives in `expectations/<entity>.json` (GX 1.x format). Every
expectation carries `meta.rule`, the sentence an agency reads when a row breaks it.

Validation runs per chunk on pandas with result_format COMPLETE and the row number as the
index column, so every failing row is known by its number (never from GX's capped row
payloads). Each row that breaks at least one rule goes to quarantine with all the rules it broke;
the good rows go on to the load.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from etl.config import expectations_dir
from etl.settings import environment
from etl.validate.engine import compile_suite, sample_positions

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


class SuiteError(RuntimeError):
    """A suite file is missing or holds an expectation GX cannot use."""


@dataclass
class RuleResult:
    rule: str
    expectation: str
    column: str | None
    rows_evaluated: int = 0
    rows_failed: int = 0


@dataclass
class ChunkOutcome:
    good: pd.DataFrame
    quarantined: pd.DataFrame  # the failing rows, with a `_reasons` column (list of rules)


@dataclass
class Tally:
    """Per-rule counts over all chunks of a delivery."""

    rules: dict[str, RuleResult] = field(default_factory=dict)

    def add(self, result: RuleResult) -> None:
        current = self.rules.setdefault(result.rule, RuleResult(result.rule, result.expectation, result.column))
        current.rows_evaluated += result.rows_evaluated
        current.rows_failed += result.rows_failed


def suite_path(entity: str) -> Path:
    return expectations_dir() / f"{entity}.json"


def load_suite_spec(entity: str) -> dict:
    path = suite_path(entity)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SuiteError(f"no expectation suite for entity '{entity}' ({path})") from None


@lru_cache(maxsize=1)
def _context():
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    datasource = context.data_sources.add_pandas("kinerja_deliveries")
    asset = datasource.add_dataframe_asset("delivery_chunk")
    return context, asset.add_batch_definition_whole_dataframe("chunk")


@lru_cache(maxsize=None)
def suite(entity: str, part: str | tuple[int, ...] = "all"):
    """The GX suite for an entity: all its expectations, the `compiled` ones (etl.validate.engine
    checks them and GX judges a sample), the `leftover` ones (GX checks them in full), or those at
    the positions a tuple gives. Raises if GX dropped any expectation of the file."""
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    spec = load_suite_spec(entity)
    wanted = list(range(len(spec["expectations"])))
    if isinstance(part, tuple):
        wanted = list(part)
    elif part != "all":
        checks, leftover = compile_suite(spec)
        wanted = [c.index for c in checks] if part == "compiled" else leftover
    context, _ = _context()
    configs = [ExpectationConfiguration(**spec["expectations"][i]) for i in wanted]
    if isinstance(part, tuple):
        name = f"{spec['name']}__judge_{'_'.join(map(str, part)) or 'none'}"
    else:
        name = spec["name"] if part == "all" else f"{spec['name']}__{part}"
    built = ExpectationSuite(name=name, expectations=configs, meta=spec.get("meta"))
    # GX logs and silently drops an invalid expectation: refuse to run with fewer rules
    if len(built.expectations) != len(configs):
        raise SuiteError(
            f"suite {suite_path(entity)} has {len(configs)} expectations "
            f"but GX accepted {len(built.expectations)}"
        )
    return context.suites.add_or_update(built)


def rule_of(config) -> str:
    meta = config.meta or {}
    if meta.get("rule"):
        return meta["rule"]
    kwargs = config.kwargs
    return f"{config.type} on {kwargs.get('column') or kwargs.get('column_list')}"


@dataclass
class ChunkCheck:
    """What a suite found in one chunk: the rules each failing row broke, and per-rule counts."""

    reasons: dict[int, list[str]]
    results: list[RuleResult]


def check_chunk(entity: str, chunk: pd.DataFrame, part: str | tuple[int, ...] = "all") -> ChunkCheck:
    """Run the entity's GX suite (or a part of it, see `suite`) on every row of one chunk."""
    if chunk.empty:
        return ChunkCheck({}, [])
    _, batch_definition = _context()
    gx_suite = suite(entity, part)
    if not gx_suite.expectations:
        return ChunkCheck({}, [])
    batch = batch_definition.get_batch(batch_parameters={"dataframe": chunk})
    result = batch.validate(
        gx_suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["_row"],
            "return_unexpected_index_query": False,
        },
    )
    reasons: dict[int, list[str]] = {}
    results = []
    for item in result.results:
        config = item.expectation_config
        rule = rule_of(config)
        info = item.exception_info or {}
        if info.get("raised_exception"):
            raise SuiteError(f"rule '{rule}' could not be evaluated: {info.get('exception_message')}")
        res = item.result or {}
        failed = [int(row["_row"]) for row in res.get("unexpected_index_list") or []]
        for row in failed:
            reasons.setdefault(row, []).append(rule)
        results.append(RuleResult(
            rule=rule,
            expectation=config.type,
            column=config.kwargs.get("column") or ",".join(config.kwargs.get("column_list") or []) or None,
            rows_evaluated=int(len(chunk) if res.get("element_count") is None else res["element_count"]),
            rows_failed=len(set(failed)),
        ))
    return ChunkCheck(reasons, results)


@lru_cache(maxsize=None)
def _compiled(entity: str):
    spec = load_suite_spec(entity)
    checks, leftover = compile_suite(spec)
    rules = [spec["expectations"][c.index]["meta"]["rule"] for c in checks]
    columns = []
    for check in checks:
        kwargs = spec["expectations"][check.index]["kwargs"]
        columns.append(kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or None)
    return checks, leftover, rules, columns


JUDGED_FAILING_ROWS = 100_000  # failing rows per batch that GX re-validates (an even spread beyond)
JUDGED_CLEAN_RULES = 3  # rules without failures that GX re-checks per batch, in turn
JUDGED_MIN_SHARE = 0.02  # of the smallest batches, the share GX judges


def judge_always_rows() -> int:
    """Batches of at least this many rows are always judged by GX (KINERJA_JUDGE_ALWAYS_ROWS;
    0: every batch)."""
    return environment().judge_always_rows


def is_judged(batch_id: str, rows: int) -> bool:
    """Whether GX judges this batch. A GX call costs about 0.25 s per batch whatever its rows
    (30 ms an expectation), against about 7 µs a row for the compiled checks: judged on every one
    of a national month's ~3,600 small deliveries (600 governments × 6 entities) it would cost
    15 minutes, several times the validation itself. So every batch of judge_always_rows() rows or
    more is judged, and a smaller one with a probability proportional to its size (at least
    JUDGED_MIN_SHARE), drawn from its batch id: the same batch is always judged or never, and GX's
    cost stays under about a fifth of the checks' whatever the number of governments."""
    always = judge_always_rows()
    if always <= 0 or rows >= always:
        return True
    share = max(rows / always, JUDGED_MIN_SHARE)
    draw = int.from_bytes(hashlib.sha256(f"judge|{batch_id}".encode()).digest()[:8], "big") / 2**64
    return draw < share


def fast_check(entity: str, chunk: pd.DataFrame) -> tuple[ChunkCheck, pd.DataFrame]:
    """The suite on one chunk the fast way (etl.validate.engine): the compiled checks find the
    failing rows of the whole chunk; expectations that do not compile are run by GX in full. Also
    returns the rows GX must judge: every failing row and a spread of the others (see `judge`)."""
    if chunk.empty:
        return ChunkCheck({}, []), chunk
    checks, leftover, rules, columns = _compiled(entity)
    row_numbers = chunk["_row"].to_numpy()
    reasons: dict[int, list[str]] = {}
    results = []
    failing_any = np.zeros(len(chunk), dtype=bool)
    domains: dict = {}  # rules under the same row_condition share its rows
    for check, rule, column in zip(checks, rules, columns):
        mask, evaluated = check.failing(chunk, domains)
        failing_any |= mask
        for row in row_numbers[mask].tolist():
            reasons.setdefault(row, []).append(rule)
        results.append(RuleResult(rule, check.type, column, evaluated, int(mask.sum())))
    if leftover:
        full = check_chunk(entity, chunk, "leftover")
        for row, broken in full.reasons.items():
            reasons.setdefault(row, []).extend(broken)
        results.extend(full.results)
    sample = chunk.iloc[sample_positions(failing_any)] if checks else chunk.iloc[:0]
    return ChunkCheck(reasons, results), sample


def judge(entity: str, samples: list[pd.DataFrame], seed: str = "") -> int:
    """GX validates the rows the compiled checks judged and must agree with them, row for row;
    returns the rows judged. Raises SuiteError on any difference: the batch is then refused rather
    than validated differently from its suite.

    The rules judged: every rule that found failing rows (so every quarantine decision is GX's),
    and JUDGED_CLEAN_RULES of the rules that found none, chosen in turn by `seed` (the batch id),
    so that over the batches of a month every rule is re-checked on passing rows. (A GX call costs
    about 30 ms per expectation whatever the rows; judging all of them on every small delivery
    would cost a national month more time than validating it.)

    Uniqueness rules are judged on rows that keep every member of each duplicate group they found
    (all failing rows are in the sample), so within the sample they mean what they meant in the
    chunk; with more than JUDGED_FAILING_ROWS failing rows an even spread of them is judged, and
    uniqueness rules are then not judged."""
    checks, _, rules, _ = _compiled(entity)
    if not checks or not samples:
        return 0
    sample = pd.concat(samples, ignore_index=True)
    thinned = len(sample) > JUDGED_FAILING_ROWS
    if thinned:
        keep = np.unique(np.linspace(0, len(sample) - 1, num=JUDGED_FAILING_ROWS, dtype=int))
        sample = sample.iloc[keep].reset_index(drop=True)
    rows = sample["_row"].to_numpy()
    ours = {}
    for check, rule in zip(checks, rules):
        if thinned and check.type.endswith("_to_be_unique"):
            continue  # a thinned sample no longer holds whole duplicate groups
        mask, _ = check.failing(sample)
        ours[check.index] = (rule, set(rows[mask].tolist()))
    failed = [i for i, (_, found) in ours.items() if found]
    clean = sorted((i for i, (_, found) in ours.items() if not found),
                   key=lambda i: hashlib.sha256(f"{seed}|{i}".encode()).digest())
    chosen = tuple(sorted(failed + clean[:JUDGED_CLEAN_RULES]))
    verdict = check_chunk(entity, sample, chosen)
    by_gx: dict[str, set[int]] = {}
    for row, broken in verdict.reasons.items():
        for rule in broken:
            by_gx.setdefault(rule, set()).add(row)
    for index in chosen:
        rule, found = ours[index]
        if found != by_gx.get(rule, set()):
            differ = sorted(found ^ by_gx.get(rule, set()))[:10]
            raise SuiteError(f"the vectorised check and Great Expectations disagree on '{rule}' for rows "
                             f"{', '.join(map(str, differ))}: a fault in etl/validate/engine.py, so the batch "
                             "is refused rather than validated differently from its suite")
    return len(sample)


def judged_check(entity: str, chunk: pd.DataFrame, seed: str = "") -> ChunkCheck:
    """`fast_check` and `judge` on one chunk."""
    checked, sample = fast_check(entity, chunk)
    judge(entity, [sample], seed)
    return checked


def split(chunk: pd.DataFrame, reasons: dict[int, list[str]]) -> ChunkOutcome:
    """Good rows, and the failing rows with a `_reasons` column (every rule each broke)."""
    bad_mask = chunk["_row"].isin(list(reasons))
    quarantined = chunk[bad_mask].copy()
    quarantined["_reasons"] = quarantined["_row"].map(reasons)
    return ChunkOutcome(chunk[~bad_mask], quarantined)


def validate_chunk(entity: str, chunk: pd.DataFrame, tally: Tally) -> ChunkOutcome:
    """Run the entity's suite on one chunk; split good rows from quarantined ones (GX rules only;
    the reference rules need the whole delivery: etl.validate.delivery)."""
    if chunk.empty:
        return ChunkOutcome(chunk, chunk.assign(_reasons=pd.Series(dtype=object)))
    checked = check_chunk(entity, chunk)
    for result in checked.results:
        tally.add(result)
    return split(chunk, checked.reasons)
