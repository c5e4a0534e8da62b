"""CSV exports in a system's own shape, mapped to canonical entities entirely by configuration.

For legacy and regional systems that export CSV with their own column names, separators,
encodings, decimal commas, date formats and codes (e.g. WANGGAR's SIMPEG on PP 30/2019). Options:

  path        folder template ({sources_dir}, {agency}, {period})
  files       entity -> file name template ({period}, {period_compact} = period without '-')
  delimiter   field separator (default ',')
  encoding    text encoding (default utf-8; a byte-order mark is tolerated). A file that is UTF-8
              when a single-byte code page such as cp1252 is configured is refused, not decoded
              into mojibake
  decimal     decimal separator of numbers in `numeric` columns (default '.')
  columns     entity -> {source column: canonical column}
  values      canonical column -> {source value: canonical value}
  numeric     canonical columns holding numbers (decimal separator converted)
  datetime    canonical column -> strptime format of the source (converted to ISO 8601; a format
              without a time of day gives a date, YYYY-MM-DD, without an offset)
  timezone    UTC offset of local times (default +07:00, WIB)

A value that cannot be converted is passed on as received, so the suite quarantines it with its
reason instead of the connector guessing. The file is read strictly (etl.sources.delimited.DelimitedFile):
a row with more or fewer fields than the header refuses the file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pydantic import Field

from etl.canonical import to_canonical
from etl.config import Agency, ConfigError, Source, sources_dir
from etl.config import FolderOptions, Mapping, Text
from etl.sources.delimited import DelimitedFile, duplicated, printable, separator_hint
from etl.sources.errors import EmptyDeliveryError, HeaderError, SourceError


class ConvertedOptions(FolderOptions):
    """The options mapped_csv and json_export share: files, the mapping and the conversions."""

    files: dict[str, Text] | None = Field(None, description=(
        "entity -> file name template ({period}, {period_compact} = period without '-', {agency}); "
        "default <entity>.csv"))
    columns: dict[str, Mapping] = Field(description="entity -> {source column or field: canonical column}")
    values: dict[str, Mapping] | None = Field(None, description=(
        "canonical column -> {source value: canonical value}"))
    numeric: list[Text] | None = Field(None, description=(
        "canonical columns holding numbers (decimal separator converted)"))
    decimal: Text = Field(".", description="decimal separator of numbers in `numeric` columns")
    datetime: dict[str, Text] | None = Field(None, description=(
        "canonical column -> strptime format of the source (converted to ISO 8601)"))
    timezone: Text = Field("+07:00", description="UTC offset of local times (WIB)")


class Options(ConvertedOptions):
    """mapped_csv's options (the module's docstring says what each does)."""

    delimiter: Text = Field(",", min_length=1, max_length=1, description="field separator (one character)")
    encoding: Text = Field("utf-8", description=(
        "text encoding (a byte-order mark is tolerated; a UTF-8 file where a code page is configured is refused)"))


def delivery_path(agency: Agency, source: Source, entity: str, period: str) -> Path:
    folder = source.options.get("path", "{sources_dir}/{agency}/{period}").format(
        sources_dir=sources_dir(), agency=agency.kode, period=period)
    template = (source.options.get("files") or {}).get(entity, f"{entity}.csv")
    return Path(folder) / template.format(period=period, period_compact=period.replace("-", ""), agency=agency.kode)


def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    path = delivery_path(agency, source, entity, period)
    return path if path.exists() else None


def probe(agency: Agency, source: Source, entity: str, period: str) -> bool:
    """Is anything delivered for the period (the delivery calendar's cheap look, etl/delivery_calendar.py):
    the file exists."""
    return fetch(agency, source, entity, period, None) is not None


def converter(options: dict):
    """The options' value mapping, number and date-time conversion, as a function of a frame (shared
    with json_export, whose options are the same)."""
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
                if re.search(r"%[HIMSfp]", fmt):
                    iso = parsed.dt.strftime("%Y-%m-%dT%H:%M:%S") + offset
                else:  # a date without a time of day (an SKP's span) stays a date
                    iso = parsed.dt.strftime("%Y-%m-%d")
                frame[column] = iso.where(parsed.notna(), frame[column])
        return frame

    return convert


def utf8_instead(path: Path, encoding: str) -> str | None:
    """When a single-byte `encoding` is configured but the file is UTF-8 (it has bytes above ASCII
    and all of them form UTF-8 characters, which text in a legacy code page practically never
    does): where, as "line N: '…'". Decoding it as configured would load mojibake silently."""
    if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        return None
    found = None
    with open(path, "rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                return None
            if found is None:
                start = next(i for i, ch in enumerate(text) if ord(ch) > 127)
                found = f"line {number}: '{printable(text[max(0, start - 20):start + 10].strip())}'"
    return found


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    options = source.options
    mapping = (options.get("columns") or {}).get(entity)
    if not mapping:
        raise SourceError(f"{path}: no column mapping for {entity} in the agencies file (options.columns.{entity})")
    convert = converter(options)
    encoding = options.get("encoding", "utf-8")
    delimiter = options.get("delimiter", ",")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ConfigError(f"agency {agency.kode}: options.delimiter must be one character, not {delimiter!r}")
    try:
        utf8 = utf8_instead(path, encoding)
    except LookupError as exc:
        raise SourceError(f"{path}: cannot be read as {encoding} CSV: {exc}") from None
    if utf8:
        raise SourceError(f"{path}: the file is UTF-8 ({utf8}), but options.encoding of its source says {encoding}: "
                          f"set encoding: utf-8 for {agency.kode} in the agencies file, or deliver {encoding}")
    is_utf8 = encoding.lower().replace("-", "").replace("_", "") == "utf8"
    with DelimitedFile(path, encoding="utf-8-sig" if is_utf8 else encoding, delimiter=delimiter,
                       what=f"{encoding} CSV") as table:
        if table.header is None:
            raise EmptyDeliveryError(f"{path}: the file is empty (no header row)")
        names = [name.strip() for name in table.header]
        twice = duplicated(names, mapping)
        if twice:
            raise HeaderError(f"{path}: {twice}")
        missing = [c for c in mapping if c not in names]
        if missing:
            raise HeaderError(f"{path}: header lacks the columns {', '.join(missing)}"
                              f"{separator_hint(table.header, delimiter)}")
        positions = {column: names.index(column) for column in mapping}
        for frame, rows in table.chunks(chunk_rows, positions):
            out = to_canonical(convert(frame.rename(columns=mapping)), entity, rows[0])
            out["_row"] = rows  # the file's row numbers: blank lines are rows too
            yield out
