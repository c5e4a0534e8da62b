"""The suites' expectations as vectorised checks, with Great Expectations as the judge.

GX on pandas costs 10-30 µs per row for a suite of twenty rules here: a national month would
spend most of its window validating. So each GX expectation of a suite is also compiled into one
vectorised check over the whole chunk (Arrow compute: RE2 regexes, hash set lookups, lengths),
which finds the failing rows at about a microsecond per row, and then GX itself validates every
row that was found failing plus a deterministic sample of the rows that passed. The two must
agree row for row on every rule, or the batch is refused (a bug here, never a silent
difference): every quarantine decision is confirmed by GX, and GX re-checks a sample of what is
accepted in every chunk.

Compiled, with exactly GX's semantics (empty values are outside a column map rule, a
`row_condition` narrows the rows with pandas' query parser, as GX does):

  expect_column_values_to_not_be_null / _to_be_null
  expect_column_values_to_match_regex        RE2 first; a value RE2 does not match is checked
                                             again with Python's `re.search`, which GX uses
  expect_column_values_to_be_in_set
  expect_column_value_lengths_to_be_between
  expect_column_values_to_be_unique / expect_compound_columns_to_be_unique (within the chunk)

Any other expectation type, an argument not listed here (such as `mostly`), or a regex RE2
cannot take or that uses a construct where RE2 and Python differ is run by GX on the whole chunk.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SAMPLE_ROWS = 500  # passing rows per chunk that GX re-checks

_COMMON = {"column", "row_condition", "condition_parser"}
KNOWN = {
    "expect_column_values_to_not_be_null": _COMMON,
    "expect_column_values_to_be_null": _COMMON,
    "expect_column_values_to_match_regex": _COMMON | {"regex"},
    "expect_column_values_to_be_in_set": _COMMON | {"value_set"},
    "expect_column_value_lengths_to_be_between": _COMMON | {"min_value", "max_value"},
    "expect_column_values_to_be_unique": _COMMON,
    "expect_compound_columns_to_be_unique": {"column_list"},
}
# constructs whose meaning differs between RE2 and Python's re (negated Unicode classes, flags, ...)
_RISKY_REGEX = re.compile(r"\\[DWSBAZ]|\(\?[a-zA-Z]|\\[pPN]|\(\?<?[=!]|\\[1-9]")


@dataclass(frozen=True)
class Check:
    """One compiled expectation."""

    index: int  # position in the suite's expectations
    type: str
    kwargs: dict

    def domain(self, chunk: pd.DataFrame, domains: dict | None = None) -> np.ndarray:
        """The rows the rule applies to; `domains` keeps them per condition for the other rules of
        the same chunk."""
        condition = self.kwargs.get("row_condition")
        if not condition:
            return np.ones(len(chunk), dtype=bool)
        if domains is None:
            return _condition(chunk, condition)
        if condition not in domains:
            domains[condition] = _condition(chunk, condition)
        return domains[condition]

    def failing(self, chunk: pd.DataFrame, domains: dict | None = None) -> tuple[np.ndarray, int]:
        """Mask of failing rows over the chunk, and how many rows the rule evaluated."""
        domain = self.domain(chunk, domains)
        evaluated = int(domain.sum())
        if self.type == "expect_compound_columns_to_be_unique":
            columns = list(self.kwargs["column_list"])
            return chunk[columns].duplicated(keep=False).to_numpy() & domain, evaluated
        values = chunk[self.kwargs["column"]]
        present = values.notna().to_numpy()
        if self.type == "expect_column_values_to_not_be_null":
            return domain & ~present, evaluated
        if self.type == "expect_column_values_to_be_null":
            return domain & present, evaluated
        checked = domain & present
        if not checked.any():
            return checked, evaluated
        if self.type == "expect_column_values_to_be_unique":
            duplicated = values.where(pd.Series(checked, index=values.index)).duplicated(keep=False).to_numpy()
            return checked & duplicated, evaluated
        arrow = _arrow(values)
        if self.type == "expect_column_values_to_match_regex":
            regex = self.kwargs["regex"]
            matched = _bools(pc.match_substring_regex(arrow, regex))
            suspects = np.flatnonzero(checked & ~matched)
            if len(suspects):  # confirm with the regex engine GX uses
                pattern = _python_regex(regex)
                texts = values.iloc[suspects]
                matched[suspects] = [pattern.search(str(t)) is not None for t in texts]
            return checked & ~matched, evaluated
        if self.type == "expect_column_values_to_be_in_set":
            allowed = pa.array([str(v) for v in self.kwargs["value_set"]], type=pa.string())
            return checked & ~_bools(pc.is_in(arrow, value_set=allowed)), evaluated
        if self.type == "expect_column_value_lengths_to_be_between":
            lengths = pc.utf8_length(arrow).to_numpy(zero_copy_only=False)
            lengths = np.nan_to_num(lengths.astype(float), nan=0)
            low, high = self.kwargs.get("min_value"), self.kwargs.get("max_value")
            bad = np.zeros(len(chunk), dtype=bool)
            if low is not None:
                bad |= lengths < low
            if high is not None:
                bad |= lengths > high
            return checked & bad, evaluated
        raise AssertionError(f"not compiled: {self.type}")


def _arrow(values: pd.Series) -> pa.Array:
    """The values as an Arrow string array: no copy when pandas already keeps them in Arrow."""
    if getattr(values.dtype, "storage", None) == "pyarrow":
        return pa.array(values.array)
    return pa.array(values.astype(object).where(values.notna(), None).to_numpy(), type=pa.string(),
                    from_pandas=True)


def _bools(result) -> np.ndarray:
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False).astype(bool)


@lru_cache(maxsize=256)
def _python_regex(regex: str) -> re.Pattern:
    return re.compile(regex)


def _condition(chunk: pd.DataFrame, condition: str) -> np.ndarray:
    """The rows a pandas-parser row_condition selects, as GX selects them (DataFrame.query): in Arrow
    when the condition is of the forms `compile_condition` takes, else by DataFrame.query itself."""
    compiled = compile_condition(condition)
    if compiled is not None and all(column in chunk for column in compiled.columns):
        return compiled(chunk)
    selected = chunk.query(condition, parser="pandas", engine="python")
    return chunk.index.isin(selected.index)


@dataclass(frozen=True)
class Condition:
    """A row_condition compiled into Arrow. `tree`: ("eq", column, value), ("in", column, values),
    ("and" | "or", left, right)."""

    tree: tuple
    columns: frozenset

    def __call__(self, chunk: pd.DataFrame) -> np.ndarray:
        return _bools(self._mask(chunk, self.tree))

    def _mask(self, chunk: pd.DataFrame, node: tuple):
        kind = node[0]
        if kind in ("and", "or"):
            left, right = self._mask(chunk, node[1]), self._mask(chunk, node[2])
            return pc.and_kleene(left, right) if kind == "and" else pc.or_kleene(left, right)
        values = _arrow(chunk[node[1]])
        if kind == "eq":
            return pc.equal(values, pa.scalar(node[2], values.type))
        return pc.is_in(values, value_set=pa.array(node[2], type=values.type))


@lru_cache(maxsize=64)
def compile_condition(condition: str) -> Condition | None:
    """`column == "text"` and `column in ["a", "b"]`, joined by and/or (`&`, `|`), as DataFrame.query
    with the pandas parser reads them: a comparison with an empty value is unknown, a row whose
    condition is unknown is not selected (Kleene logic, as pandas' nullable booleans). Anything else
    (negation, other operators, numbers) returns None and is left to DataFrame.query."""
    def node(expr) -> tuple:
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, (ast.And, ast.Or)):
            kind = "and" if isinstance(expr.op, ast.And) else "or"
            tree = node(expr.values[0])
            for value in expr.values[1:]:
                tree = (kind, tree, node(value))
            return tree
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.BitAnd, ast.BitOr)):
            return ("and" if isinstance(expr.op, ast.BitAnd) else "or", node(expr.left), node(expr.right))
        if isinstance(expr, ast.Compare) and len(expr.ops) == 1 and isinstance(expr.left, ast.Name):
            (op,), (right,) = expr.ops, expr.comparators
            if isinstance(op, ast.Eq) and isinstance(right, ast.Constant) and isinstance(right.value, str):
                return ("eq", expr.left.id, right.value)
            if isinstance(op, ast.In) and isinstance(right, (ast.List, ast.Tuple)) and right.elts and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in right.elts):
                return ("in", expr.left.id, tuple(e.value for e in right.elts))
        raise ValueError(condition)

    def columns(tree: tuple) -> set:
        return columns(tree[1]) | columns(tree[2]) if tree[0] in ("and", "or") else {tree[1]}

    try:
        tree = node(ast.parse(condition.strip(), mode="eval").body)
    except (SyntaxError, ValueError):
        return None
    return Condition(tree, frozenset(columns(tree)))


def compiles(expectation: dict) -> bool:
    kind, kwargs = expectation["type"], expectation.get("kwargs") or {}
    if kind not in KNOWN or set(kwargs) - KNOWN[kind]:
        return False
    if kwargs.get("row_condition") and kwargs.get("condition_parser", "pandas") != "pandas":
        return False
    if kind == "expect_column_values_to_match_regex":
        regex = kwargs.get("regex")
        if not isinstance(regex, str) or _RISKY_REGEX.search(regex):
            return False
        try:
            pc.match_substring_regex(pa.array([""], type=pa.string()), regex)
            re.compile(regex)
        except (pa.ArrowInvalid, re.error):
            return False
    if kind == "expect_column_values_to_be_in_set" and not isinstance(kwargs.get("value_set"), list):
        return False  # e.g. a {"$PARAMETER": ...} value set
    return True


def compile_suite(spec: dict) -> tuple[list[Check], list[int]]:
    """The suite's compiled checks, and the positions of the expectations GX must run in full."""
    checks, leftover = [], []
    for index, expectation in enumerate(spec["expectations"]):
        if compiles(expectation):
            checks.append(Check(index, expectation["type"], dict(expectation.get("kwargs") or {})))
        else:
            leftover.append(index)
    return checks, leftover


def sample_positions(failing_any: np.ndarray, rows: int = SAMPLE_ROWS) -> np.ndarray:
    """Every failing row, and passing rows spread evenly over the chunk."""
    n = len(failing_any)
    spread = np.unique(np.linspace(0, n - 1, num=min(rows, n), dtype=int)) if n else np.array([], dtype=int)
    return np.union1d(np.flatnonzero(failing_any), spread)
