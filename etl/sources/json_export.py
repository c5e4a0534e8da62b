"""JSON exports of an agency's own application, mapped to canonical entities by configuration.

For online systems that export their records as one JSON array of objects (e.g. WANGGAR's online
complaint system, `[{"id": …, "saluran": "web", "unit": {"kode": …}, "waktu": {"masuk": …}}, …]`).
Options, as for mapped_csv:

  path        folder template ({sources_dir}, {agency}, {period})
  files       entity -> file name template ({period}, {period_compact} = period without '-')
  columns     entity -> {source field: canonical column}; a nested field is named by its path with
              dots ("unit.kode"); fields not named here (a complainant's name or telephone) are
              never read into the warehouse
  values      canonical column -> {source value: canonical value}
  numeric     canonical columns holding numbers (decimal separator `decimal`, default '.')
  datetime    canonical column -> strptime format of the source (converted to ISO 8601)
  timezone    UTC offset of local times (default +07:00, WIB)

The file is streamed: records are decoded one at a time from a bounded buffer and handed on in
chunks of at most `chunk_rows`, so memory does not grow with the file. `_row` is the record's
position in the array (the first record is row 1). A value that is not a string is passed on as
text (numbers as written, true/false, nested objects and arrays as compact JSON) so that the
suite quarantines what does not fit, with its reason. A file that is not a JSON array of objects
(truncated, damaged, an object instead of an array) is refused whole, with where it broke.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from pydantic import Field

from etl.canonical import to_canonical
from etl.config import Agency, Source, Text
from etl.sources.errors import EmptyDeliveryError, SourceError
from etl.sources.mapped_csv import ConvertedOptions, converter, fetch, probe  # noqa: F401 (fetch, probe: the same path and files options)

READ_BLOCK = 1 << 16  # characters read at a time
MAX_RECORD = 1 << 24  # a single record larger than this (16 MiB of text) refuses the file


class Options(ConvertedOptions):
    """json_export's options: mapped_csv's, with `columns` mapping field paths (a.b.c), and `personal`."""

    personal: list[Text] | dict[str, list[Text]] | None = Field(None, description=(
        "field paths of personal data the mapping never reads, redacted in the landing store after "
        "KINERJA_PERSONAL_RETENTION_DAYS (etl/retention.py); or entity -> such paths"))


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _field(record: dict, path: tuple[str, ...]):
    node = record
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def records(path: Path) -> Iterator[object]:
    """The elements of the file's top-level JSON array, one at a time (bounded memory)."""
    decoder = json.JSONDecoder()
    with open(path, encoding="utf-8-sig", errors="strict", newline="") as fh:
        buffer, position, consumed, ended = "", 0, 0, False

        def fill() -> bool:
            nonlocal buffer, position, consumed, ended
            if ended:
                return False
            block = fh.read(READ_BLOCK)
            if not block:
                ended = True
                return False
            consumed += position
            buffer, position = buffer[position:] + block, 0
            return True

        def skip_space() -> str | None:
            nonlocal position
            while True:
                while position < len(buffer) and buffer[position] in " \t\r\n":
                    position += 1
                if position < len(buffer):
                    return buffer[position]
                if not fill():
                    return None

        def where() -> str:
            return f"character {consumed + position + 1}"

        try:
            first = skip_space()
            if first is None:
                raise EmptyDeliveryError(f"{path}: the file is empty (no JSON array)")
            if first != "[":
                raise SourceError(f"{path}: not a JSON array of records (it starts with {first!r})")
            position += 1
            expect_value = True
            count = 0
            while True:
                char = skip_space()
                if char is None:
                    raise SourceError(f"{path}: the JSON array is not closed (the file ends at {where()}: truncated?)")
                if char == "]" and (count == 0 or not expect_value):
                    position += 1
                    break
                if not expect_value:
                    if char != ",":
                        raise SourceError(f"{path}: expected ',' or ']' at {where()}, found {char!r}")
                    position += 1
                    expect_value = True
                    continue
                while True:  # decode one record, reading more of the file until it is whole
                    try:
                        value, end = decoder.raw_decode(buffer, position)
                    except json.JSONDecodeError as exc:
                        if len(buffer) - position > MAX_RECORD:
                            raise SourceError(f"{path}: record {count + 1} is larger than {MAX_RECORD} characters "
                                              f"or not valid JSON ({exc.msg})") from None
                        if fill():
                            continue
                        raise SourceError(f"{path}: record {count + 1} is not valid JSON ({exc.msg} at "
                                          f"character {consumed + exc.pos + 1})") from None
                    if end == len(buffer) and not ended and not isinstance(value, (dict, list, str)):
                        if fill():  # a number may go on in the next block
                            continue
                    break
                position = end
                count += 1
                expect_value = False
                yield value
            if skip_space() is not None:
                raise SourceError(f"{path}: text after the JSON array at {where()}")
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: the file is not valid UTF-8 ({exc.reason})") from None
        except RecursionError:  # arrays or objects nested thousands deep: no record is shaped so
            raise SourceError(f"{path}: a record is nested too deep to be a record") from None


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    options = source.options
    mapping = (options.get("columns") or {}).get(entity)
    if not mapping:
        raise SourceError(f"{path}: no field mapping for {entity} in the agencies file (options.columns.{entity})")
    fields = [(tuple(str(name).split(".")), column) for name, column in mapping.items()]
    convert = converter(options)
    columns = [column for _, column in fields]
    batch: dict[str, list] = {c: [] for c in columns}
    first_row, number = 1, 0

    def frame() -> pd.DataFrame:
        out = pd.DataFrame({c: pd.Series(v, dtype="string") for c, v in batch.items()})
        out = to_canonical(convert(out), entity, first_row)
        for values in batch.values():
            values.clear()
        return out

    for number, record in enumerate(records(path), start=1):
        if not isinstance(record, dict):
            raise SourceError(f"{path}: record {number} is not a JSON object but {type(record).__name__}")
        for parts, column in fields:
            batch[column].append(_text(_field(record, parts)))
        if number - first_row + 1 >= chunk_rows:
            yield frame()
            first_row = number + 1
    # `[]` yields its empty frame: whether no records is a quiet month or a broken delivery is the
    # entity's to say (Entity.may_be_empty, in validation), as for a CSV of its header alone
    if number >= first_row or number == 0:
        yield frame()

