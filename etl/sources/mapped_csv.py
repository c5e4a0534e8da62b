"""CSV exports in a system's own shape, mapped to canonical entities entirely by configuration.

For legacy and regional systems that export CSV with their own column names, separators,
encodings, decimal commas, date formats and codes (e.g. WANGGAR's SIMPEG on PP 30/2019). Options:

  path        folder template ({sources_dir}, {agency}, {period})
  files       entity -> file name template ({period}, {period_compact} = period without '-')
  delimiter   field separator (default ',')
  encoding    text encoding (default utf-8; a byte-order mark is tolerated)
  decimal     decimal separator of numbers in `numeric` columns (default '.')
  columns     entity -> {source column: canonical column}
  values      canonical column -> {source value: canonical value}
  numeric     canonical columns holding numbers (decimal separator converted)
  datetime    canonical column -> strptime format of the source (converted to ISO 8601)
  timezone    UTC offset of local times (default +07:00, WIB)

A value that cannot be converted is passed on as received, so the suite quarantines it with its
reason instead of the connector guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from etl.canonical import to_canonical
from etl.config import Agency, Source, sources_dir


def _path(agency: Agency, source: Source, entity: str, period: str) -> Path:
    folder = source.options.get("path", "{sources_dir}/{agency}/{period}").format(
        sources_dir=sources_dir(), agency=agency.kode, period=period)
    template = (source.options.get("files") or {}).get(entity, f"{entity}.csv")
    return Path(folder) / template.format(period=period, period_compact=period.replace("-", ""), agency=agency.kode)


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    path = _path(agency, source, entity, period)
    return path if path.exists() else None


def _converter(options: dict):
    decimal = options.get("decimal", ".")
    numeric = set(options.get("numeric") or [])
    formats = options.get("datetime") or {}
    offset = options.get("timezone", "+07:00")
    values = options.get("values") or {}
    number = re.compile(r"^-?\d+(?:" + re.escape(decimal) + r"\d+)?$")

    def convert(frame: pd.DataFrame) -> pd.DataFrame:
        for column, mapping in values.items():
            if column in frame:
                frame[column] = frame[column].map(lambda v, m=mapping: m.get(v.strip(), v) if isinstance(v, str) else v)
        for column in numeric & set(frame.columns):
            text = frame[column].astype("string").str.strip()
            ok = text.str.match(number).fillna(False).astype(bool)
            frame.loc[ok, column] = text[ok].str.replace(decimal, ".", regex=False)
        for column, fmt in formats.items():
            if column in frame:
                text = frame[column].astype("string").str.strip()
                parsed = pd.to_datetime(text, format=fmt, errors="coerce")
                iso = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S") + offset
                frame[column] = iso.where(parsed.notna(), frame[column])
        return frame

    return convert


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    from etl.sources import EmptyDeliveryError, HeaderError, SourceError

    options = source.options
    mapping = (options.get("columns") or {}).get(entity)
    if not mapping:
        raise SourceError(f"{path}: no column mapping for {entity} in the agencies file (options.columns.{entity})")
    convert = _converter(options)
    encoding = options.get("encoding", "utf-8")
    try:
        reader = pd.read_csv(
            path, sep=options.get("delimiter", ","), dtype=str, keep_default_na=False, na_values=[],
            chunksize=chunk_rows, encoding="utf-8-sig" if encoding.lower().replace("-", "") == "utf8" else encoding,
        )
        next_row = 2
        first = True
        for chunk in reader:
            chunk.columns = [str(c).strip() for c in chunk.columns]
            if first:
                missing = [c for c in mapping if c not in chunk.columns]
                if missing:
                    raise HeaderError(f"{path}: header lacks the columns {', '.join(missing)}")
                first = False
            renamed = chunk.loc[:, list(mapping)].rename(columns=mapping)
            yield to_canonical(convert(renamed), entity, next_row)
            next_row += len(chunk)
        if first:
            raise EmptyDeliveryError(f"{path}: the file holds no rows")
    except pd.errors.EmptyDataError:
        raise EmptyDeliveryError(f"{path}: the file is empty (no header row)") from None
    except (UnicodeDecodeError, LookupError, pd.errors.ParserError) as exc:
        raise SourceError(f"{path}: cannot be read as {encoding} CSV: {exc}") from None
