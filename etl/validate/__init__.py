"""Validation with Great Expectations: the suites in expectations/, row-level quarantine.

A suite per canonical entity lives in `expectations/<entity>.json` (GX 1.x format). Every
expectation carries `meta.rule`, the sentence an agency reads when a row breaks it.

Validation runs per chunk on pandas with result_format COMPLETE and the row number as the
index column, so every failing row is known by its number (never from GX's capped row
payloads). Each row that breaks at least one rule goes to quarantine with all the rules it broke;
the good rows go on to the load.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from etl.config import expectations_dir

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
def suite(entity: str):
    """The GX suite for an entity. Raises if GX dropped any expectation of the file."""
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    spec = load_suite_spec(entity)
    context, _ = _context()
    configs = [ExpectationConfiguration(**e) for e in spec["expectations"]]
    built = ExpectationSuite(name=spec["name"], expectations=configs, meta=spec.get("meta"))
    # GX logs and silently drops an invalid expectation: refuse to run with fewer rules
    if len(built.expectations) != len(spec["expectations"]):
        raise SuiteError(
            f"suite {suite_path(entity)} has {len(spec['expectations'])} expectations "
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


def check_chunk(entity: str, chunk: pd.DataFrame) -> ChunkCheck:
    """Run the entity's GX suite on one chunk (a worker process may run it: only the chunk goes in,
    only row numbers and counts come out)."""
    if chunk.empty:
        return ChunkCheck({}, [])
    _, batch_definition = _context()
    gx_suite = suite(entity)
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
            rows_evaluated=int(res.get("element_count") or len(chunk)),
            rows_failed=len(set(failed)),
        ))
    return ChunkCheck(reasons, results)


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
