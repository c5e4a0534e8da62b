"""Hostile input: whatever an agency sends, the product stores it verbatim, runs none of it, and
refuses what cannot be read — with a reason, within bounded memory and time.

- Properties (hypothesis) of every connector's reader: any text in any cell comes back exactly
  (trimmed, '' and '-' as empty: the canonical rule), and any bytes are read or refused with a
  SourceError, never another exception. Also Retry-After values from an API, and the CSV the public
  downloads: no cell a spreadsheet would run as a formula.
- End to end (the corrections world, tests/faults/corrections.py): SQL- and formula-injection
  strings in unit and employee names, RHK lines and survey suggestions are in raw, the quarantine,
  the marts and the public tables exactly as sent, nothing they name was dropped or emptied, and
  the open-data package shows them escaped in CSV (verbatim in Parquet), as text in the report.
- A zip bomb, an archive of a hundred thousand parts and an enormous workbook sent as a KEPAHIANG
  e-Kinerja export are refused before openpyxl unpacks them: in milliseconds, without memory, and
  the batch is rejected with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from corrections import (
    HOSTILE_NAMES,
    HOSTILE_TEXT,
    HOSTILE_UNITS,
    IN_MONTHLY_FILES,
    OCTOBER,
    QUARANTINED_GENDER,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.canonical import ENTITIES
from etl.config import Agency, Source, find_agency
from etl.publish import files
from etl.sources import (
    SourceError,
    canonical_csv,
    ekinerja_xlsx,
    json_export,
    mapped_csv,
    siasn_api,
    skm_forms_csv,
)
from etl.sources import siasn_contract as contract

pytestmark = pytest.mark.faults

AGENCY = Agency("FUZZ", "Fuzz", "monthly", ())
UNIT_COLUMNS = ["instansi_kode", "unit_kode", "unit_nama", "induk_unit_kode", "is_unit_layanan"]
# what a CSV, JSON or XML cell can hold (surrogates cannot be encoded; NUL is refused on purpose)
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=30)
# what an .xlsx cell can hold as plain XML text: no control characters but tab and newline (a bare
# carriage return becomes a newline in any XML parser; Excel writes it as _x000D_)
XLSX_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"), max_size=30)
INJECTIONS = st.sampled_from(["'); DROP TABLE raw.unit_kerja; --", '=HYPERLINK("http://127.0.0.1/","x")', "+1+1",
                              "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "%s %(x)s {{ x }}", "$$; select 1; $$",
                              "<script>alert(1)</script>", "\\", "\"", "'", ",", "\n", "\r\n", "\u2028", "\x85"])
VALUES = st.one_of(TEXT, INJECTIONS)


def canonical(value: str):
    """The canonical rule for a text cell: trimmed, '' and '-' are missing."""
    text = value.strip()
    return None if text in ("", "-") else text


def _frame_values(frames) -> list[list]:
    if not frames:
        return []
    frame = pd.concat(frames, ignore_index=True)
    return [[None if pd.isna(v) else v for v in row] for row in frame[UNIT_COLUMNS].itertuples(index=False)]


def _read_all(module, source, entity, path):
    """Every chunk the connector yields for the file, or the SourceError it raises (any other
    exception fails the test). A refusal names the file; chunks hold the entity's columns."""
    try:
        chunks = list(module.read(AGENCY, source, entity, path, chunk_rows=7))
    except SourceError as exc:
        assert str(path) in str(exc), exc
        return exc
    # a delivery without records (`[]`, a CSV of its header alone) yields its one empty frame: whether
    # that is a quiet month or a broken delivery is the entity's to say, in validation (may_be_empty)
    empty_delivery = len(chunks) == 1 and chunks[0].empty
    for chunk in chunks:
        assert {"_row", *ENTITIES[entity].columns} <= set(chunk.columns)
        assert empty_delivery or 0 < len(chunk) <= 7, len(chunk)
    return chunks


@pytest.fixture
def scratch():
    with tempfile.TemporaryDirectory(prefix="kinerja-fuzz-") as folder:
        yield Path(folder)


# --------------------------------------------------------------------------- properties of the readers

@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(VALUES, min_size=5, max_size=5), min_size=1, max_size=15))
def test_canonical_csv_returns_any_text_exactly(rows, scratch):
    path = scratch / "unit_kerja.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(UNIT_COLUMNS)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    result = _read_all(canonical_csv, Source("canonical_csv", ("unit_kerja",), {}), "unit_kerja", path)
    assert not isinstance(result, SourceError), result
    assert _frame_values(result) == [[canonical(v) for v in row] for row in rows]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), header=st.booleans())
def test_canonical_csv_reads_or_refuses_any_bytes(data, header, scratch):
    path = scratch / "unit_kerja.csv"
    path.write_bytes((",".join(UNIT_COLUMNS).encode() + b"\n" if header else b"") + data)
    _read_all(canonical_csv, Source("canonical_csv", ("unit_kerja",), {}), "unit_kerja", path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), header=st.booleans())
def test_the_legacy_export_reads_or_refuses_any_bytes(data, header, scratch):
    """WANGGAR's SIMPEG export (cp1252, ';', decimal commas, mapped by the agencies file)."""
    source = find_agency("WANGGAR").source_for("evaluasi_periodik")
    columns = list(source.options["columns"]["evaluasi_periodik"])
    path = scratch / "EKSPOR.csv"
    path.write_bytes((";".join(columns).encode("cp1252") + b"\r\n" if header else b"") + data)
    _read_all(mapped_csv, source, "evaluasi_periodik", path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), opening=st.sampled_from([b"", b"[", b'[{"id": "A"},', b"[" * 5000]))
def test_the_json_export_reads_or_refuses_any_bytes(data, opening, scratch):
    """WANGGAR's online complaint system (a JSON array, mapped by field path in the agencies file)."""
    source = find_agency("WANGGAR").source_for("pengaduan")
    path = scratch / "pengaduan.json"
    path.write_bytes(opening + data)
    _read_all(json_export, source, "pengaduan", path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(st.one_of(VALUES, st.none(), st.integers(), st.booleans()), min_size=4, max_size=4),
                     min_size=1, max_size=15))
def test_the_json_export_returns_any_text_exactly(rows, scratch):
    source = find_agency("WANGGAR").source_for("pengaduan")
    path = scratch / "pengaduan.json"
    path.write_text(json.dumps([{"id": a, "unit": {"kode": b}, "kategori": c, "isi": d} for a, b, c, d in rows]),
                    encoding="utf-8")
    result = _read_all(json_export, source, "pengaduan", path)
    assert not isinstance(result, SourceError), result
    frame = pd.concat(result, ignore_index=True)

    def expected(value):
        if value is None:
            return None
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        return canonical(text)

    got = [[None if pd.isna(v) else v for v in row]
           for row in frame[["pengaduan_id", "unit_layanan_kode", "kategori", "uraian"]].itertuples(index=False)]
    assert got == [[expected(v) for v in row] for row in rows]


FORM_QUESTIONS = ["Unit layanan", "Kritik dan saran", "Persyaratan?", "Prosedur?", "Kecepatan waktu?", "Biaya?",
                  "Produk?", "Kompetensi petugas?", "Perilaku petugas?", "Pengaduan?", "Kualitas sarana?"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(st.lists(VALUES, min_size=len(FORM_QUESTIONS), max_size=len(FORM_QUESTIONS)),
                        min_size=1, max_size=8),
       noise=st.binary(max_size=120))
def test_the_forms_export_reads_or_refuses_anything(answers, noise, scratch):
    """KEPAHIANG's Google-Forms export: any answers are read (a word it cannot score stays as
    written, for the suite to quarantine), and any trailing bytes are read or refused."""
    source = find_agency("KEPAHIANG").source_for("skm_responden")
    path = scratch / "skm_formulir_jawaban.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # as Google Forms writes it: line breaks in answers quoted
    writer.writerow(["Timestamp", *FORM_QUESTIONS])
    writer.writerows([["2026/10/03 9:14:22 AM GMT+7", *row] for row in answers])
    path.write_bytes(buffer.getvalue().encode("utf-8") + noise)
    result = _read_all(skm_forms_csv, source, "skm_responden", path)
    if noise:
        return
    assert not isinstance(result, SourceError), result
    frame = pd.concat(result, ignore_index=True)
    for column, at in (("unit_layanan_kode", 0), ("saran", 1)):
        assert [None if pd.isna(v) else v for v in frame[column]] == [canonical(row[at]) for row in answers]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({name: st.one_of(st.none(), VALUES) for name in
                                            ("instansiId", "id", "namaUnor", "diatasanId")}),
                     min_size=1, max_size=10))
def test_the_api_connector_returns_any_text_exactly(rows, scratch):
    path = scratch / "unor.jsonl"
    path.write_text("".join(contract.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = _read_all(siasn_api, Source("siasn_api", ("unit_kerja",), {}), "unit_kerja", path)
    assert not isinstance(result, SourceError), result
    expected = [[canonical(r[name] or "") for name in ("instansiId", "id", "namaUnor", "diatasanId")] + [None]
                for r in rows]
    assert _frame_values(result) == expected


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                    max_leaves=8)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(JSON.map(json.dumps), st.text(max_size=40)), min_size=1, max_size=6),
       entity=st.sampled_from(["unit_kerja", "evaluasi_periodik", "skm_responden"]))
def test_the_api_connector_reads_or_refuses_any_lines(lines, entity, scratch):
    path = scratch / "page.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    _read_all(siasn_api, Source("siasn_api", (entity,), {}), entity, path)


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    """An e-Kinerja unit export: title rows, the header in row 8, then the rows as text cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "DATA UNOR TAHUN 2026"
    sheet["A2"] = "Instansi : Pemerintah Kabupaten Fuzz"
    for index, label in enumerate(["instansi_id", "unor_id", "nama_unor", "unor_induk_id", "unit_pelayanan"], start=1):
        sheet.cell(row=8, column=index, value=label)
    for r, row in enumerate(rows, start=9):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"  # text, also when it starts with '=' (as e-Kinerja writes it)
    book.save(path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(rows=st.lists(st.lists(XLSX_TEXT.filter(lambda t: t.strip() != ""), min_size=4, max_size=4),
                     min_size=1, max_size=6))
def test_the_xlsx_connector_returns_any_text_exactly(rows, scratch):
    path = scratch / "data_unor.xlsx"
    _xlsx(path, [[*row, "Ya"] for row in rows])
    result = _read_all(ekinerja_xlsx, Source("ekinerja_xlsx", ("unit_kerja",), {}), "unit_kerja", path)
    assert not isinstance(result, SourceError), result
    assert _frame_values(result) == [[canonical(v) for v in row] + ["true"] for row in rows]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.dictionaries(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                                              "xl/sharedStrings.xml", "xl/_rels/workbook.xml.rels", "_rels/.rels",
                                              "xl/styles.xml", "docProps/app.xml"]),
                             st.binary(max_size=200), max_size=8),
       raw=st.binary(max_size=200), as_zip=st.booleans())
def test_the_xlsx_connector_reads_or_refuses_any_file(parts, raw, as_zip, scratch):
    path = scratch / "data_unor.xlsx"
    if as_zip:
        with zipfile.ZipFile(path, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
    else:
        path.write_bytes(raw)
    _read_all(ekinerja_xlsx, Source("ekinerja_xlsx", ("unit_kerja",), {}), "unit_kerja", path)


@given(st.one_of(st.text(max_size=40), st.sampled_from(["inf", "-inf", "nan", "1e400", "-0", "0x10", "1_000",
                                                        "Wed, 21 Oct 2015 07:28:00 GMT", "Feb 30 2026"])))
def test_any_retry_after_is_a_wait_or_nothing(value):
    seconds = siasn_api.retry_after_seconds(value)
    assert seconds is None or (seconds >= 0 and seconds == seconds), seconds


FORMULA = ("=", "+", "-", "@", "\t", "\r")


@given(st.lists(st.tuples(VALUES, st.one_of(st.none(), st.integers(-10**6, 10**6))), max_size=12))
def test_the_public_csv_never_holds_a_formula(rows):
    from etl.publish.tables import Column

    columns = [Column("unit_nama", "text", "", False), Column("jumlah", "integer", "", False)]
    parsed = list(csv.reader(io.StringIO(files.to_csv(columns, rows).decode("utf-8"), newline="")))
    assert parsed[0] == ["unit_nama", "jumlah"] and len(parsed) == len(rows) + 1
    for (text, number), (cell, count) in zip(rows, parsed[1:]):
        assert cell == ("'" + text if text.startswith(FORMULA) else text)
        assert count == ("" if number is None else str(number))  # a number stays a number, negative too
        assert not cell.startswith(FORMULA)


# --------------------------------------------------------------------------- end to end

def _one(conn, query, *args):
    return [r[0] for r in conn.execute(query, args).fetchall()]


def test_injection_strings_are_stored_verbatim_and_never_run(corrections):
    place, world = corrections.koreksi, corrections.world
    with place.connect() as conn:
        for code, name in HOSTILE_UNITS.items():
            assert _one(conn, "select distinct unit_nama from raw.unit_kerja where unit_kode = %s", code) == [name]
            in_marts = _one(conn, "select distinct unit_nama from marts.dim_unit_kerja where unit_kode = %s", code)
            assert in_marts == [name]
        loaded = dict(conn.execute("select nip, nama from raw.pegawai where nip = any(%s) and _periode = %s",
                                   (world.hostile_nips, OCTOBER)).fetchall())
        assert loaded == dict(zip(world.hostile_nips[1:], HOSTILE_NAMES[1:]))
        assert _one(conn, "select distinct nama from marts.dim_pegawai where nip = any(%s) order by 1",
                    world.hostile_nips[1:]) == sorted(HOSTILE_NAMES[1:])
        held = conn.execute("""select row_data ->> 'nama', row_data ->> 'jenis_kelamin' from audit.quarantine q
                               join audit.batch b using (batch_id) where b.entity = 'pegawai'
                                 and row_data ->> 'nip' = %s""", (world.quarantined_nip,)).fetchall()
        assert set(held) == {(HOSTILE_NAMES[0], QUARANTINED_GENDER)}  # quarantined, as received
        for table, column in (("rhk", "rhk_uraian"), ("skm_responden", "saran"), ("pelatihan", "nama_pelatihan")):
            stored = set(_one(conn, f"select {column} from raw.{table} where {column} = any(%s)", HOSTILE_TEXT))
            assert stored == set(HOSTILE_TEXT), (table, stored)
        shown = set(_one(conn, "select unit_nama from publik.pub_distribusi_predikat_unit union "
                               "select unit_layanan_nama from publik.pub_ikm_unit_layanan"))
        assert set(HOSTILE_UNITS.values()) <= shown
        # what the strings would have dropped, emptied or deleted is all there
        for table in ("raw.unit_kerja", "raw.pegawai", "audit.batch", "audit.quarantine", "marts.fct_rhk_capaian",
                      "marts.fct_evaluasi_kinerja", "marts.mart_pelatihan_pegawai"):
            assert conn.execute(f"select count(*) from {table}").fetchone()[0] > 0, table


def test_the_public_files_show_injection_strings_as_text(corrections):
    folder = corrections.koreksi.open_data / OCTOBER
    names = {HOSTILE_UNITS[code] for code in IN_MONTHLY_FILES}  # the units October's files show
    seen_csv, seen_parquet = set(), set()
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(FORMULA), (path.name, cell)
                    seen_csv.add(cell)
    for path in sorted(folder.glob("*.parquet")):
        for column in pq.read_table(path).to_pylist():
            seen_parquet |= {v for v in column.values() if isinstance(v, str)}
    assert {("'" + n if n.startswith(FORMULA) else n) for n in names} <= seen_csv  # escaped, else as sent
    assert names <= seen_parquet  # verbatim: Parquet is read by code, not run
    report = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>alert('x')</script>" not in report
    assert "Kecamatan &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in report


# --------------------------------------------------------------------------- zip bombs and enormous workbooks

MIB = 1 << 20


def _zip(path: Path, parts: list[tuple[str, bytes, int, int]]) -> None:
    """A zip archive from already deflated parts: (name, raw deflate stream, crc32, unpacked size)."""
    out, directory = bytearray(), bytearray()
    for name, packed, crc, size in parts:
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), size, len(encoded), 0)
        out += encoded + packed
        directory += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                                 len(encoded), 0, 0, 0, 0, 0, offset)
        directory += encoded
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, min(len(parts), 0xFFFF), min(len(parts), 0xFFFF),
                      len(directory), len(out), 0)
    path.write_bytes(bytes(out + directory + end))


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def zip_bomb(path: Path, unpacked_mib: int = 1024) -> None:
    """A real workbook whose shared strings unpack to `unpacked_mib` MiB of one string (about a
    thousandth of that packed): openpyxl would hold it whole in memory."""
    real = io.BytesIO()
    _xlsx(real, [["FUZZ", "FUZZ.1", "Unit", "", "Ya"]])
    with zipfile.ZipFile(real) as archive:
        parts = [(i.filename, *_deflated(archive.read(i))) for i in archive.infolist()
                 if i.filename != "xl/sharedStrings.xml"]
    head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    tail = b"</t></si></sst>"
    block = b"A" * MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_head = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_block = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)  # independent of what precedes it
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_tail = packer.compress(tail) + packer.flush()
    crc = zlib.crc32(head)
    for _ in range(unpacked_mib):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    stream = packed_head + packed_block * unpacked_mib + packed_tail
    parts.append(("xl/sharedStrings.xml", stream, crc, len(head) + unpacked_mib * MIB + len(tail)))
    _zip(path, parts)


def _refused_quickly(path: Path, source: Source) -> str:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SourceError) as refusal:
            list(ekinerja_xlsx.read(AGENCY, source, "unit_kerja", path))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 2 and peak < 16 * MIB, (seconds, peak)
    assert "refused before unpacking" in str(refusal.value) and str(path) in str(refusal.value)
    return str(refusal.value)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "data_unor.xlsx"
    zip_bomb(path)
    assert path.stat().st_size < 2 * MIB
    with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as part:
        assert len(part.read(16 * MIB)) == 16 * MIB  # it is a real bomb: it does unpack, a thousandfold
    message = _refused_quickly(path, Source("ekinerja_xlsx", ("unit_kerja",), {}))
    assert "sharedStrings.xml" in message and "zip bomb" in message


def test_an_archive_of_countless_parts_is_refused_from_its_end_record(tmp_path):
    path = tmp_path / "data_unor.xlsx"
    empty = _deflated(b"")
    _zip(path, [(f"xl/media/{i:06d}.bin", *empty) for i in range(60_000)])
    assert "60,000 parts" in _refused_quickly(path, Source("ekinerja_xlsx", ("unit_kerja",), {}))


def test_an_enormous_workbook_is_refused_by_its_unpacked_size(tmp_path):
    path = tmp_path / "data_unor.xlsx"
    _xlsx(path, [["FUZZ", f"FUZZ.{i}", f"Unit {i} dengan nama yang cukup panjang", "FUZZ", "Ya"] for i in range(3000)])
    small = Source("ekinerja_xlsx", ("unit_kerja",), {"limits": {"max_unpacked_bytes": 100_000}})
    assert "max_unpacked_bytes" in _refused_quickly(path, small)
    assert len(pd.concat(ekinerja_xlsx.read(AGENCY, Source("ekinerja_xlsx", ("unit_kerja",), {}), "unit_kerja",
                                            path))) == 3000  # within the shipped limits it is read


def test_a_zip_bomb_delivered_by_an_agency_is_a_rejected_batch(places, tmp_path):
    from etl import pipeline

    place = places("bomb")
    agencies = tmp_path / "agencies.yml"
    agencies.write_text(yaml.safe_dump({"agencies": [{
        "kode": "FUZZ", "nama": "Kabupaten Fuzz", "periodicity": "monthly",
        "sources": [{"kind": "ekinerja_xlsx", "entities": ["unit_kerja"],
                     "options": {"path": "{sources_dir}/{agency}/{period}"}}]}]}), encoding="utf-8")
    drop = tmp_path / "sources" / "FUZZ" / OCTOBER
    drop.mkdir(parents=True)
    zip_bomb(drop / "data_unor.xlsx")
    with place.active(KINERJA_AGENCIES=str(agencies), KINERJA_SOURCES_DIR=str(tmp_path / "sources")):
        validated = pipeline.validate(pipeline.extract("FUZZ", OCTOBER))
        with pytest.raises(pipeline.AgencyBatchFailed, match="refused before unpacking"):
            pipeline.load(validated)
    with place.connect() as conn:
        status, gate, message, loaded = conn.execute(
            "select status, gate, message, rows_loaded from audit.batch where instansi_kode = 'FUZZ'").fetchone()
        in_raw = conn.execute("select count(*) from raw.unit_kerja").fetchone()[0]
    assert (status, gate, loaded, in_raw) == ("rejected", "unreadable", 0, 0)
    assert "zip bomb" in message
