"""Reference rules: values that must exist in another entity of the same delivery.

A suite lists them in `meta.references` (expectations/<entity>.json), beside its GX expectations:

  {"column": "unit_kode", "entity": "unit_kerja", "key": "unit_kode", "rule": "..."}
      every value of `column` must be a `key` of the agency's `entity` delivered in the same run;
      `key_where` ({"is_unit_layanan": "true"}) narrows the keys, `applies_to` (a regex) limits the
      rule to well-formed values (a malformed NIP already breaks its own rule)
  {"column": "instansi_kode", "equals": "agency" | "period", "rule": "..."}
      every value must be the delivering government's code, or the delivered period

Empty values are not checked here (the suite's not-null rules say whether they may be empty).
Keys are taken from the referenced delivery *as received*, quarantined rows included, so one
broken row does not drag every row that points at it into quarantine.

These rules run in the pipeline, not in GX: GX takes a value set as an expectation argument, and
with the 1.5 million NIPs of a national roster a single `expect_column_values_to_be_in_set` took
263 s for 200,000 rows here; a hash lookup takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.canonical import TEXT, text_array


@dataclass(frozen=True)
class Reference:
    column: str
    rule: str
    entity: str | None = None  # the referenced entity, or None for `equals`
    key: str | None = None
    key_where: tuple[tuple[str, str], ...] = ()
    applies_to: str | None = None
    equals: str | None = None  # "agency" | "period"

    @property
    def target(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return (self.entity, self.key, self.key_where)

    @classmethod
    def from_spec(cls, spec: dict) -> Reference:
        equals = spec.get("equals")
        if equals not in (None, "agency", "period"):
            raise ValueError(f"reference on {spec.get('column')}: equals must be 'agency' or 'period'")
        if equals is None and not (spec.get("entity") and spec.get("key")):
            raise ValueError(f"reference on {spec.get('column')}: needs entity and key, or equals")
        return cls(column=spec["column"], rule=spec["rule"], entity=spec.get("entity"), key=spec.get("key"),
                   key_where=tuple(sorted((spec.get("key_where") or {}).items())),
                   applies_to=spec.get("applies_to"), equals=equals)


def references_of(suite_spec: dict) -> list[Reference]:
    return [Reference.from_spec(r) for r in (suite_spec.get("meta") or {}).get("references") or []]


@dataclass
class KeyCollector:
    """Gathers the keys of one delivery chunk by chunk, then answers membership in bulk (an Arrow
    hash lookup)."""

    parts: list[pa.Array] = field(default_factory=list)
    _keys: pa.Array | None = None

    def add(self, chunk: pd.DataFrame, key: str, where: tuple[tuple[str, str], ...]) -> None:
        values = text_array(chunk[key])
        for column, wanted in where:
            values = values.filter(pc.fill_null(pc.equal(text_array(chunk[column]), wanted), False))
        self.parts.append(pc.drop_null(values))
        self._keys = None

    @property
    def keys(self) -> pa.Array:
        if self._keys is None:
            keys = pa.chunked_array(self.parts, type=TEXT) if self.parts else pa.chunked_array([], type=TEXT)
            self._keys = pc.unique(keys)
        return self._keys

    @property
    def index(self) -> pd.Index:
        return pd.Index(self.keys.to_pylist())

    def contains(self, values: pd.Series) -> pd.Series:
        found = _bools(pc.is_in(text_array(values), value_set=self.keys))
        return pd.Series(found, index=values.index)


def _bools(result) -> np.ndarray:
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False).astype(bool)


def failing(reference: Reference, chunk: pd.DataFrame, keys: KeyCollector | None, agency: str,
            period: str) -> np.ndarray:
    """A boolean mask of the chunk's rows that break the reference."""
    values = text_array(chunk[reference.column])
    checked = _bools(pc.is_valid(values))
    if reference.applies_to:
        checked &= _bools(pc.match_substring_regex(values, _full(reference.applies_to)))
    if reference.equals:
        expected = agency if reference.equals == "agency" else period
        return checked & ~_bools(pc.equal(values, pa.scalar(expected, TEXT)))
    if not checked.any():
        return checked
    return checked & ~_bools(pc.is_in(values, value_set=keys.keys))


def _full(regex: str) -> str:
    """`regex` matching the whole value, as pandas' str.fullmatch (the pattern as a group, then the
    end of the text)."""
    return f"^(?:{regex})$" if not (regex.startswith("^") and regex.endswith("$")) else regex


def describe(reference: Reference) -> str:
    if reference.equals:
        return f"equals the delivering {reference.equals}"
    where = "".join(f" where {c} = {v}" for c, v in reference.key_where)
    return f"in {reference.entity}.{reference.key}{where}"


__all__ = ["KeyCollector", "Reference", "describe", "failing", "references_of"]
