"""The strict reader: Arrow reads up to the first record it refuses, the csv module from there on."""

import pytest

from etl.sources import SourceError
from etl.sources.delimited import DelimitedFile


def _write(path, lines: list[bytes]) -> None:
    path.write_bytes(b"\n".join(lines) + b"\n")


def _read(path, chunk_rows=10):
    out = []
    with DelimitedFile(path) as table:
        assert table._arrow_may_read()
        for frame, rows in table.chunks(chunk_rows, {"a": 0, "b": 1}):
            out += list(zip(rows.tolist(), frame["a"].tolist(), frame["b"].tolist()))
    return out


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(DelimitedFile, "ARROW_BLOCK_BYTES", 256)  # many Arrow blocks in a small file


def test_arrow_and_the_csv_module_read_the_same_rows(tmp_path, small_blocks):
    path = tmp_path / "ok.csv"
    _write(path, [b"a,b"] + [f"{i},x{i}".encode() for i in range(2, 200)])
    assert _read(path) == [(i, str(i), f"x{i}") for i in range(2, 200)]


def test_a_record_arrow_refuses_midway_is_worded_by_the_csv_module_with_its_row(tmp_path, small_blocks):
    path = tmp_path / "broken.csv"
    lines = [b"a,b"] + [f"{i},x{i}".encode() for i in range(2, 200)]
    lines[149] = b"150,x150,surplus"  # row 150 has a field too many
    _write(path, lines)
    seen = []
    with pytest.raises(SourceError, match="row 150 has 3 fields, the header has 2"), DelimitedFile(path) as table:
        for frame, rows in table.chunks(10, {"a": 0, "b": 1}):
            seen += rows.tolist()
            assert frame["a"].tolist() == [str(r) for r in rows.tolist()]
    assert seen and seen == list(range(2, 2 + len(seen))) and max(seen) < 150  # Arrow's rows came out, in order


def test_a_byte_that_is_not_utf8_midway_is_worded_with_its_line(tmp_path, small_blocks):
    path = tmp_path / "cp1252.csv"
    lines = [b"a,b"] + [f"{i},x{i}".encode() for i in range(2, 200)]
    lines[120] = "121,Caf\u00e9".encode("cp1252")
    _write(path, lines)
    with pytest.raises(SourceError, match=r"line 121 is not valid UTF-8 \(byte 0xe9 after '121,Caf'\)"):
        _read(path)


def test_blank_lines_and_nul_bytes_send_the_file_to_the_csv_module(tmp_path):
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"a,b\n1,x\n\n3,y\n")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"a,b\n1,x\x00\n")
    with DelimitedFile(blank) as table:
        assert not table._arrow_may_read()
        assert [rows.tolist() for _, rows in table.chunks(10, {"a": 0})] == [[2, 4]]
    with pytest.raises(SourceError, match="row 2, column b: the value holds NUL bytes"), DelimitedFile(nul) as table:
        assert not table._arrow_may_read()
        list(table.chunks(10, {"a": 0}))
