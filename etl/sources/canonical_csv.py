"""Canonical CSV drops (contracts.md §2): one UTF-8 CSV per entity per period in a folder.

The folder is `options.path` of the source, with {sources_dir}, {agency} and {period} filled in.
The file is read strictly (etl.sources.delimited).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from etl.canonical import entity as entity_def, to_canonical
from etl.config import Agency, Source, sources_dir
from etl.config import FolderOptions
from etl.sources.delimited import DelimitedFile, duplicated, separator_hint
from etl.sources.errors import EmptyDeliveryError, HeaderError


class Options(FolderOptions):
    """canonical_csv's options: the folder holding `<entity>.csv` in the canonical format."""


def _folder(agency: Agency, source: Source, period: str) -> Path:
    template = source.options.get("path", "{sources_dir}/{agency}/{period}")
    return Path(template.format(sources_dir=sources_dir(), period=period, agency=agency.kode))


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    path = _folder(agency, source, period) / f"{entity}.csv"
    return path if path.exists() else None


def probe(agency: Agency, source: Source, entity: str, period: str) -> bool:
    """Is anything delivered for the period (the delivery calendar's cheap look, etl/delivery_calendar.py):
    the file exists."""
    return fetch(agency, source, entity, period, None) is not None


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    spec = entity_def(entity)
    # utf-8-sig: a byte-order mark is tolerated
    with DelimitedFile(path, encoding="utf-8-sig", delimiter=",", what="UTF-8 CSV") as table:
        if table.header is None:
            raise EmptyDeliveryError(f"{path}: the file is empty (no header row)")
        names = [name.strip().lower() for name in table.header]
        twice = duplicated(names, spec.columns)
        if twice:
            raise HeaderError(f"{path}: {twice}")
        missing = [c for c in spec.required if c not in names]
        if missing:
            raise HeaderError(f"{path}: header lacks the columns {', '.join(missing)}"
                              f"{separator_hint(table.header, ',')}")
        positions = {column: names.index(column) for column in spec.columns if column in names}
        for frame, rows in table.chunks(chunk_rows, positions):
            out = to_canonical(frame, entity, rows[0])
            out["_row"] = rows  # the file's row numbers: blank lines are rows too
            yield out
