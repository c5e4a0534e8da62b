"""The package's data files: CSV for people and spreadsheets, Parquet for tools.

Both are written from the same rows and are byte-for-byte the same for the same rows: no
timestamps, fixed formatting (a withheld or empty value is an empty CSV field; booleans are
`true`/`false`; numbers as the warehouse holds them, with a decimal point).

CSV text that a spreadsheet would run as a formula — starting with = + - @ or a tab or carriage
return — is written with a leading apostrophe, which spreadsheets show as text (OWASP's
advice for CSV injection). Parquet keeps values verbatim: it is read by code, not run.

Fields are quoted as RFC 4180 says: when they hold a comma, a double quote or a line break — a
carriage return too, which the csv module leaves unquoted when rows end in a bare newline, and
which spreadsheets and CSV readers take for the end of a row.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq

from etl.publish.tables import Column

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC = re.compile(r"numeric\((\d+),\s*(\d+)\)")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return escape_formula(value)
    return str(value)


_QUOTED = re.compile(r'[,"\r\n]')


def _field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if _QUOTED.search(text) else text


def _line(fields: list[str]) -> str:
    line = ",".join(_field(f) for f in fields)
    return line if line else '""'  # a row of one empty field is not an empty line


def to_csv(columns: list[Column], rows: list[tuple]) -> bytes:
    lines = [_line([c.name for c in columns])]
    lines += [_line([_csv_value(v) for v in row]) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def arrow_type(data_type: str) -> pa.DataType:
    kind = data_type.strip().lower()
    numeric = _NUMERIC.fullmatch(kind)
    if numeric:
        return pa.decimal128(int(numeric.group(1)), int(numeric.group(2)))
    return {"text": pa.string(), "integer": pa.int32(), "bigint": pa.int64(), "boolean": pa.bool_(),
            "date": pa.date32()}[kind]


def _arrow_value(value, kind: pa.DataType):
    if value is not None and pa.types.is_decimal(kind) and not isinstance(value, Decimal):
        return Decimal(str(value))
    return value


def to_parquet(columns: list[Column], rows: list[tuple]) -> bytes:
    types = [arrow_type(c.data_type) for c in columns]
    arrays = [pa.array([_arrow_value(row[i], kind) for row in rows], type=kind) for i, kind in enumerate(types)]
    schema = pa.schema([pa.field(c.name, kind, nullable=not c.required, metadata={"description": c.description})
                        for c, kind in zip(columns, types)])
    table = pa.Table.from_arrays(arrays, schema=schema)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")  # the Arrow schema, with descriptions, goes along
    return sink.getvalue()
