"""The strict reader of delimited text files that the CSV connectors share (canonical_csv,
mapped_csv, skm_forms_csv).

Every record must have as many fields as the header (a row with a field too many or too few is a
damaged file, not a row to guess at), a quoted value must be closed, no value may hold a NUL byte
(no text column can store one), and a byte the encoding cannot decode is reported with its line.
Blank lines are skipped but counted, so `_row` is the row a person sees (header = row 1).

Two ways to read, one meaning. A UTF-8 file of two columns or more whose bytes show none of the
things only the record-by-record reader (Python's csv module, strict) treats carefully — NUL
bytes, blank lines, a quote next to ordinary characters — is read by Arrow's multi-threaded
parser, about fifteen times faster, up to the first record Arrow refuses (a wrong number of
fields, a byte that is not UTF-8); from there on, and for any other file, the csv module reads,
and words every error. Both number rows the same way.
"""

from __future__ import annotations

import codecs
import csv
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from etl.sources.errors import SourceError

# far beyond every length rule of the suites, so that a runaway value reaches its rule and is
# quarantined (the csv module's default limit, 128 KiB, would refuse the whole file)
FIELD_SIZE_LIMIT = 64 << 20

SCAN_BLOCK = 1 << 24

SEPARATORS = {",": "','", ";": "';'", "\t": "tabs", "|": "'|'"}



def printable(text: str) -> str:
    """Text quoted from a delivery for a message: control characters (a NUL would stop the audit
    record from being written) shown as '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _encoding_name(encoding: str) -> str:
    return "UTF-8" if codecs.lookup(encoding).name in ("utf-8", "utf-8-sig") else encoding


def undecodable_line(path: Path, encoding: str) -> str:
    """Where the first byte that `encoding` cannot decode is: 'line N is not valid X (byte 0x.. after
    '…')', with a hint when the file is plainly something else."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number, where = 0, None
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        for number, line in enumerate(fh, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError as exc:
                before = printable(line[:exc.start].decode(encoding, errors="replace").lstrip("\ufeff")[-30:])
                where = (number, line[exc.start], before)
                break
        else:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                where = (number, None, "")
    name = _encoding_name(encoding)
    if where is None:
        return f"a byte is not valid {name}"
    number, byte, before = where
    text = f"line {number} is not valid {name} ("
    text += f"byte 0x{byte:02x}" if byte is not None else "the file ends inside a character"
    text += f" after '{before}')" if before else ")"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text += ": the file is UTF-16; save it as UTF-8"
    elif head == b"PK\x03\x04":
        text += ": the file is a zip archive (an .xlsx workbook?), not text"
    elif name == "UTF-8":
        text += ": is the file in another encoding, such as Windows-1252?"
    return text


def separator_hint(header: list[str], delimiter: str) -> str:
    """' (the header looks separated by X, not Y)' when the header row plainly uses another separator."""
    if len(header) > 2:
        return ""
    joined = delimiter.join(header)
    for separator, name in SEPARATORS.items():
        if separator != delimiter and joined.count(separator) >= 2:
            return f" (the header looks separated by {name}, not {SEPARATORS.get(delimiter, repr(delimiter))})"
    return ""


def unique_names(names: list[str]) -> list[str]:
    """Header names made unique the way pandas.read_csv does ('Unnamed: i' for an empty one,
    'x', 'x.1', … for repeats), so that frames keep the names the connectors always saw."""
    names = [name if name != "" else f"Unnamed: {i}" for i, name in enumerate(names)]
    counts: dict[str, int] = defaultdict(int)
    for i, name in enumerate(names):
        count = counts[name]
        while count > 0:
            counts[name] = count + 1
            name = f"{name}.{count}"
            count = counts[name]
        names[i] = name
        counts[name] = count + 1
    return names


def _careful(block: bytes, delimiter: bytes) -> bool:
    """Whether a block of the file holds what only the csv module reads carefully: a NUL byte, a
    blank line (Arrow would read it as a row of empty values), or a quote between two ordinary
    characters (a stray or closing quote with text after it: the csv module refuses `"ab"c`, Arrow
    would read it as abc)."""
    if b"\x00" in block:
        return True
    if b"\r" in block:
        if any(marker in block for marker in (b"\n\n", b"\r\r", b"\n\r")):
            return True
    else:  # the usual file: LF only; two line feeds in a row, found among the line feeds' positions
        feeds = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == ord("\n"))
        if (np.diff(feeds) == 1).any():
            return True
    if b'"' not in block:
        return False
    data = np.frombuffer(block, dtype=np.uint8)
    special = np.zeros(256, dtype=bool)
    special[[delimiter[0], ord('"'), ord("\r"), ord("\n")]] = True
    quotes = np.flatnonzero(data == ord('"'))
    inner = quotes[(quotes > 0) & (quotes < len(data) - 1)]
    if (~special[data[inner - 1]] & ~special[data[inner + 1]]).any():
        return True
    # an empty quoted value with text after it: ,""x
    pairs = inner[(inner < len(data) - 2) & (data[np.minimum(inner + 1, len(data) - 1)] == ord('"'))]
    return bool((special[data[pairs - 1]] & (data[pairs - 1] != ord('"')) & ~special[data[pairs + 2]]).any())


class DelimitedFile:
    """A delimited text file read strictly and streamed in chunks (see the module's docstring).

        with DelimitedFile(path, encoding="utf-8-sig", what="UTF-8 CSV") as table:
            table.header                      # the header row as written (None: no header at all)
            for frame, rows in table.chunks(chunk_rows, {name: index}):  ...

    Every problem is a SourceError naming the file, and the row (and column) where it applies."""

    ARROW_BLOCK_BYTES = 1 << 22  # what Arrow parses at a time (a block's rows come out together)

    def __init__(self, path: Path, *, encoding: str = "utf-8-sig", delimiter: str = ",", what: str = "UTF-8 CSV"):
        self.path, self.encoding, self.delimiter, self.what = Path(path), encoding, delimiter, what
        self.header: list[str] | None = None
        self._number = 0  # the row (record) last read, blank ones included

    def __enter__(self) -> DelimitedFile:
        csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
        try:
            self._fh = open(self.path, encoding=self.encoding, newline="")
        except LookupError as exc:
            raise SourceError(f"{self.path}: cannot be read as {self.what}: {exc}") from None
        try:
            self._reader = csv.reader(self._fh, delimiter=self.delimiter, strict=True)
            for record in self._records():
                self.header = [str(name) for name in record]
                break
        except BaseException:
            self._fh.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._fh.close()

    def _fail(self, problem: str):
        return SourceError(f"{self.path}: cannot be read as {self.what}: {problem}")

    def _records(self) -> Iterator[list[str]]:
        """The records that are not blank, checked; `_number` is the row of the last one."""
        width = len(self.header) if self.header is not None else None
        number = self._number
        try:
            for record in self._reader:
                number += 1
                if len(record) != width:
                    if not record or (len(record) == 1 and not record[0].strip() and width != 1):
                        continue  # a blank line: no record, but a row of the file
                    if width is not None:
                        self._number = number
                        raise self._wrong_width(record, width)
                if "\x00" in "".join(record):
                    self._number = number
                    raise self._nul(record)
                self._number = number
                yield record
        except UnicodeDecodeError:
            raise self._fail(undecodable_line(self.path, self.encoding)) from None
        except csv.Error as exc:
            row, text = number + 1, str(exc)
            if "unexpected end of data" in text:
                raise self._fail(f"row {row}: a quoted value is not closed before the end of the file "
                                 "(a stray quote, or a truncated file?)") from None
            if "field larger than field limit" in text:
                raise self._fail(f"row {row}: a value is longer than {FIELD_SIZE_LIMIT} characters") from None
            raise self._fail(f"row {row}: {text} (a quote inside a quoted value must be doubled)") from None

    def _wrong_width(self, record: list[str], width: int):
        hint = (f" (a value with an unquoted {SEPARATORS.get(self.delimiter, repr(self.delimiter))}?)"
                if len(record) > width else " (a truncated file, or a line break inside an unquoted value?)")
        return self._fail(f"row {self._number} has {len(record)} fields, the header has {width}{hint}")

    def _nul(self, record: list[str]):
        index = next(i for i, value in enumerate(record) if "\x00" in value)
        column = self.header[index].strip() if self.header and index < len(self.header) else f"#{index + 1}"
        return self._fail(f"row {self._number}, column {printable(column)}: the value holds NUL bytes (0x00), "
                          "which no text column can store (a damaged file, or not text?)")

    def _arrow_may_read(self) -> bool:
        """Whether Arrow may read this file: what it reads, it reads exactly as the csv module would
        (see the module's docstring). Arrow may still refuse a record further on — a wrong number of
        fields (a header of two columns at least, so that no record is one empty value), a byte that is not
        UTF-8 —: `chunks` then goes on with the csv module from there."""
        if codecs.lookup(self.encoding).name not in ("utf-8", "utf-8-sig") or len(self.delimiter) != 1 \
                or self.header is None or len(self.header) < 2 \
                or any("\r" in h or "\n" in h for h in self.header) or self._number != 1:
            return False
        with open(self.path, "rb") as fh:
            tail = b""
            while block := fh.read(SCAN_BLOCK):
                if _careful(tail + block, self.delimiter.encode()):
                    return False
                tail = block[-3:]
        return True

    def _arrow_reader(self, pa, pacsv):
        names = unique_names([str(h) for h in self.header])
        text = pa.large_string()  # pandas' own string type: frames share Arrow's buffers
        return pacsv.open_csv(
            self.path,
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=self.ARROW_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={n: text for n in names}, null_values=[],
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True),
        )

    def _arrow_chunks(self, chunk_rows: int, positions: dict[str, int]) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        names = unique_names([str(h) for h in self.header])
        wanted = {name: names[index] for name, index in positions.items()}
        number, pending, held = self._number, [], 0
        reader = self._arrow_reader(pa, pacsv)

        def emit(table):
            nonlocal number
            frame = pd.DataFrame({name: pd.arrays.ArrowStringArray(table.column(column))
                                  for name, column in wanted.items()})
            rows = np.arange(number + 1, number + 1 + table.num_rows, dtype=np.int64)
            number += table.num_rows
            self._number = number
            return frame, rows

        for batch in reader:
            pending.append(batch)
            held += batch.num_rows
            while held >= chunk_rows:
                table = pa.Table.from_batches(pending)
                yield emit(table.slice(0, chunk_rows))
                rest = table.slice(chunk_rows)
                pending, held = rest.to_batches(), rest.num_rows
        if held:
            yield emit(pa.Table.from_batches(pending))

    def chunks(self, chunk_rows: int, positions: dict[str, int]) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
        """Frames of at most `chunk_rows` rows with the columns `positions` names (name -> index in
        the header), values as text; and the row numbers of their rows.

        Arrow reads the file when it may (`_arrow_may_read`); where it refuses a record, the csv
        module takes over from the first record not yet given out (and words the error, if there is
        one). The csv module takes records a chunk at a time and checks them as a whole (widths, NUL
        bytes); only a chunk with blank lines or a defect is looked at record by record, and a file
        it cannot parse is read again record by record to say where (_diagnose)."""
        if self._arrow_may_read():
            try:
                yield from self._arrow_chunks(chunk_rows, positions)
                return
            except (pa.ArrowInvalid, UnicodeDecodeError):
                # no blank lines in such a file (_careful): the records given out are rows 2.._number
                try:
                    for _ in islice(self._reader, self._number - 1):
                        pass
                except (UnicodeDecodeError, csv.Error):
                    raise self._diagnose() from None
        width = len(self.header or [])
        number = self._number
        while True:
            try:
                batch = list(islice(self._reader, chunk_rows))
            except (UnicodeDecodeError, csv.Error):
                raise self._diagnose() from None
            if not batch:
                return
            numbers = list(range(number + 1, number + 1 + len(batch)))
            number += len(batch)
            if min(map(len, batch)) != width or max(map(len, batch)) != width:
                batch, numbers = self._without_blank_lines(batch, numbers, width)
            if "\x00" in "".join(map("".join, batch)):
                row, record = next((n, r) for n, r in zip(numbers, batch) if "\x00" in "".join(r))
                self._number = row
                raise self._nul(record)
            self._number = number
            if batch:
                yield self._frame(batch, positions), np.asarray(numbers, dtype=np.int64)

    def _without_blank_lines(self, batch: list[list[str]], numbers: list[int], width: int
                             ) -> tuple[list[list[str]], list[int]]:
        kept, kept_numbers = [], []
        for row, record in zip(numbers, batch):
            if len(record) != width:
                if not record or (len(record) == 1 and not record[0].strip() and width != 1):
                    continue  # a blank line: no record, but a row of the file
                self._number = row
                raise self._wrong_width(record, width)
            kept.append(record)
            kept_numbers.append(row)
        return kept, kept_numbers

    def _diagnose(self):
        """The precise error of a file the csv module could not parse: read again record by record."""
        with DelimitedFile(self.path, encoding=self.encoding, delimiter=self.delimiter, what=self.what) as again:
            for _ in again._records():
                pass
        return self._fail("the file cannot be parsed as CSV")

    @staticmethod
    def _frame(batch: list[list[str]], positions: dict[str, int]) -> pd.DataFrame:
        cells = np.array(batch, dtype=object)  # rows x fields: every record has the header's width
        return pd.DataFrame({name: cells[:, index] for name, index in positions.items()}, dtype=object)


def duplicated(names: list[str], wanted) -> str | None:
    """'the header names the column X twice (columns i and j)' for the first wanted name given twice."""
    for column in wanted:
        where = [i + 1 for i, name in enumerate(names) if name == column]
        if len(where) > 1:
            return f"the header names the column {column} twice (columns {where[0]} and {where[1]})"
    return None
