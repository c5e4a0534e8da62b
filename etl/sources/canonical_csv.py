"""Canonical CSV drops (contracts.md §2): one UTF-8 CSV per entity per period in a folder.

The folder is `options.path` of the source, with {sources_dir}, {agency} and {period} filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from etl.canonical import entity as entity_def, to_canonical
from etl.config import Agency, Source, sources_dir


def _folder(agency: Agency, source: Source, period: str) -> Path:
    template = source.options.get("path", "{sources_dir}/{agency}/{period}")
    return Path(template.format(sources_dir=sources_dir(), period=period, agency=agency.kode))


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    path = _folder(agency, source, period) / f"{entity}.csv"
    return path if path.exists() else None


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    from etl.sources import EmptyDeliveryError, HeaderError, SourceError

    spec = entity_def(entity)
    try:
        reader = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            chunksize=chunk_rows,
            encoding="utf-8-sig",  # tolerate a byte-order mark
            skipinitialspace=False,
        )
        first = True
        next_row = 2  # the header is row 1
        for chunk in reader:
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            if first:
                missing = [c for c in spec.columns if c not in chunk.columns]
                if missing:
                    raise HeaderError(f"{path}: header lacks the columns {', '.join(missing)}")
                first = False
            yield to_canonical(chunk, entity, next_row)
            next_row += len(chunk)
        if first:
            raise EmptyDeliveryError(f"{path}: the file is empty (no header row)")
    except pd.errors.EmptyDataError:
        raise EmptyDeliveryError(f"{path}: the file is empty (no header row)") from None
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SourceError(f"{path}: cannot be read as UTF-8 CSV: {exc}") from None
