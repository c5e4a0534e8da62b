"""Validated rows as the CSV that COPY reads into raw: raw's columns (the batch's id, government and
period, the row's number, then the entity's own columns) and the writer. Validation writes a
batch's good rows with it into the landing store's work area; loading COPYs that file into raw.
A floor below both, so that neither imports the other for it."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from etl.canonical import entity as entity_def

# columns every raw table carries before the entity's own columns (all text but _row)
RAW_META_COLUMNS = ("_batch_id", "_instansi_kode", "_periode", "_row")


def raw_columns(entity: str) -> list[str]:
    return [*RAW_META_COLUMNS, *entity_def(entity).columns]


def write_copy_csv(table, out, header: bool) -> None:
    """Rows as the CSV that COPY reads fastest, built by Arrow's vectorised kernels: a value is quoted
    only where CSV needs it (a comma, a quote, a line break, or the empty text, which COPY would
    otherwise read as NULL) — PostgreSQL parses a quoted field a quarter slower —, a missing value
    is an empty field (NULL), numbers as they are. Leading columns of one value (dictionary arrays
    of one entry, such as raw's batch, government and period) are written as one prefix."""
    if header:
        out.write((",".join(table.column_names) + "\n").encode())
    if table.num_rows == 0:
        return
    text = pa.large_string()

    def constant(value: str):
        return pa.scalar(value, text)

    prefix, fields = [], []
    for column in table.columns:
        if not fields and pa.types.is_dictionary(column.type) and _one_value(column) is not None:
            prefix.append(_csv_field(_one_value(column)))
            continue
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if column.type != text:
            column = pc.cast(column, text)
        if _structural_bytes(column):
            needs = pc.or_(pc.match_substring_regex(column, '[,"\r\n]'), pc.equal(column, constant("")))
        else:  # the usual column: no value holds a comma, quote or line break, only "" needs quotes
            needs = pc.equal(column, constant(""))
        if pc.any(needs).as_py():
            quoted = pc.binary_join_element_wise(constant('"'), pc.replace_substring(column, '"', '""'),
                                                 constant('"'), constant(""))
            column = pc.if_else(needs, quoted, column)
        fields.append(column)
    lines = pc.binary_join_element_wise(
        constant("".join(value + "," for value in prefix)),
        pc.binary_join_element_wise(*fields, constant(","), null_handling="replace", null_replacement=""),
        constant("\n"), constant(""))
    for chunk in (lines.chunks if isinstance(lines, pa.ChunkedArray) else [lines]):
        if len(chunk):
            offsets, data = chunk.buffers()[1], chunk.buffers()[2]
            ends = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
            out.write(memoryview(data)[ends[0]:ends[-1]])


def _one_value(column) -> str | None:
    """The value of a dictionary column whose every row is its one dictionary entry, else None."""
    chunks = column.chunks if hasattr(column, "chunks") else [column]
    values = {tuple(c.dictionary.to_pylist()) for c in chunks}
    if len(values) != 1 or len(next(iter(values))) != 1 or column.null_count:
        return None
    value = next(iter(values))[0]
    return value if isinstance(value, str) else None


def _csv_field(value: str) -> str:
    if value == "" or any(ch in value for ch in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


_STRUCTURAL = (b",", b'"', b"\r", b"\n")


def _structural_bytes(column) -> bool:
    """Whether any value of a large_string column holds a comma, quote or line break: one look at
    the bytes of its values (a regex per value costs three times as much)."""
    for chunk in (column.chunks if hasattr(column, "chunks") else [column]):
        if len(chunk) == 0:
            continue
        offsets, data = chunk.buffers()[1], chunk.buffers()[2]
        ends = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + len(chunk) + 1]
        if data is not None and ends[-1] > ends[0]:
            values = data.slice(int(ends[0]), int(ends[-1] - ends[0])).to_pybytes()
            if any(byte in values for byte in _STRUCTURAL):  # memchr each
                return True
    return False
