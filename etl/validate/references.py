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

import pandas as pd


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
    """Gathers the keys of one delivery chunk by chunk, then answers membership in bulk."""

    parts: list[pd.Series] = field(default_factory=list)
    _index: pd.Index | None = None

    def add(self, chunk: pd.DataFrame, key: str, where: tuple[tuple[str, str], ...]) -> None:
        values = chunk[key]
        for column, wanted in where:
            values = values[chunk[column] == wanted]
        self.parts.append(values.dropna().astype(object))
        self._index = None

    @property
    def index(self) -> pd.Index:
        if self._index is None:
            values = pd.concat(self.parts, ignore_index=True) if self.parts else pd.Series([], dtype=object)
            self._index = pd.Index(values.unique())
        return self._index

    def contains(self, values: pd.Series) -> pd.Series:
        found = self.index.get_indexer(values.astype(object)) >= 0
        return pd.Series(found, index=values.index)


def failing(reference: Reference, chunk: pd.DataFrame, keys: KeyCollector | None, agency: str,
            period: str) -> pd.Series:
    """A boolean mask of the chunk's rows that break the reference."""
    values = chunk[reference.column]
    checked = values.notna()
    if reference.applies_to:
        checked &= values.str.fullmatch(reference.applies_to).fillna(False).astype(bool)
    if reference.equals:
        expected = agency if reference.equals == "agency" else period
        return checked & (values != expected).fillna(False).astype(bool)
    if not checked.any():
        return checked
    found = pd.Series(False, index=chunk.index)
    found[checked] = keys.contains(values[checked])
    return checked & ~found


def describe(reference: Reference) -> str:
    if reference.equals:
        return f"equals the delivering {reference.equals}"
    where = "".join(f" where {c} = {v}" for c, v in reference.key_where)
    return f"in {reference.entity}.{reference.key}{where}"


__all__ = ["KeyCollector", "Reference", "describe", "failing", "references_of"]
