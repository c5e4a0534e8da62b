"""The open-data files and the privacy scan, without a warehouse: formula escaping, the exact CSV
text, typed and reproducible Parquet, and each rule of the scan on hand-made values."""

import io
from decimal import Decimal

import pyarrow.parquet as pq
import pytest

from etl.publish import files, privacy
from etl.publish.tables import Column

COLUMNS = [Column("unit_nama", "text", "Unit.", True), Column("jumlah_pegawai", "integer", "Employees.", False),
           Column("persen_pegawai", "numeric(4,1)", "Share.", False), Column("is_disembunyikan", "boolean", "W.", True)]


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"klik\")", "+62 811", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_is_escaped(text):
    assert files.escape_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Dinas Kesehatan", "a=b", "", 5, None, Decimal("-1.5")])
def test_everything_else_is_left_alone(value):
    assert files.escape_formula(value) == value


def test_the_csv_is_exact_text_with_withheld_values_empty():
    rows = [("=cmd|' /C calc'!A0", 12, Decimal("45.1"), False), ("Dinas, \"Kesehatan\"", None, None, True)]
    assert files.to_csv(COLUMNS, rows).decode("utf-8") == (
        "unit_nama,jumlah_pegawai,persen_pegawai,is_disembunyikan\n"
        "'=cmd|' /C calc'!A0,12,45.1,false\n"
        "\"Dinas, \"\"Kesehatan\"\"\",,,true\n"
    )


def test_parquet_keeps_types_values_and_descriptions_and_is_reproducible():
    rows = [("=A1", 12, Decimal("45.1"), False), ("B", None, None, True)]
    data = files.to_parquet(COLUMNS, rows)
    assert data == files.to_parquet(COLUMNS, rows)
    table = pq.read_table(io.BytesIO(data))
    assert table.to_pylist() == [
        {"unit_nama": "=A1", "jumlah_pegawai": 12, "persen_pegawai": Decimal("45.1"), "is_disembunyikan": False},
        {"unit_nama": "B", "jumlah_pegawai": None, "persen_pegawai": None, "is_disembunyikan": True}]
    assert str(table.schema.field("persen_pegawai").type) == "decimal128(4, 1)"
    assert table.schema.field("unit_nama").metadata == {b"description": b"Unit."}
    assert not table.schema.field("unit_nama").nullable


def _scan(values: dict, known=None, table: str = "t") -> set[tuple[str, str]]:
    scan = privacy.Scan(min_cell_size=5)
    for column in values:
        scan.column("t", column)
    scan.row("t row 1", table, values)
    return {(f.where, f.rule) for f in scan.finish(known or privacy.Known({"budi santoso"}, {"antrean terlalu lama sekali"}))}


def test_the_scan_names_each_kind_of_leak():
    found = _scan({"nip": "198503122010011001", "keterangan": "Penilai: Budi Santoso, S.Kom",
                   "jumlah_pegawai": 3, "catatan": "antrean terlalu lama sekali", "uraian": "x" * 200})
    assert found == {("t", "kolom-pribadi"), ("t row 1, nip", "nomor-identitas"), ("t row 1, keterangan", "nama-pegawai"),
                     ("t row 1, jumlah_pegawai", "sel-kecil"), ("t row 1, catatan", "teks-bebas"),
                     ("t row 1, uraian", "teks-bebas")}


def test_the_scan_leaves_what_the_public_tables_hold_alone():
    assert _scan({"unit_nama": "Dinas Kesehatan", "instansi_nama": "Kecamatan Pauh", "jumlah_pegawai": 0,
                  "jumlah_responden": 12, "jumlah_dinilai": 5, "persen_pegawai": Decimal("4.0"),
                  "ikm": Decimal("82.53"), "is_disembunyikan": True, "periode": "2026-Q3"}) == set()


def test_a_checksum_is_not_an_identity_number():
    scan = privacy.Scan()
    scan.text("index.html", "SHA-256 e2603860034271598cbaf3aa671daab0903f37eb6c863199c70b0daf6de804a9")
    scan.text("index.html", "NIP 198503122010011001")
    assert [f.rule for f in scan.finish(privacy.Known(set(), set()))] == ["nomor-identitas"]


def test_each_public_table_is_scanned_by_its_own_rule():
    """Counts of people by predikat, of complaints, respondents and requests: 1-4 is a finding. Process
    facts: any count in a group of 10 or more (one late evaluation among 40 identifies nobody), in a
    smaller group only none or all of it (which the instansi's own figure then says)."""
    assert _scan({"jumlah_pegawai": 2, "jumlah_dinilai": 3}, table="distribusi_predikat") == {
        ("t row 1, jumlah_pegawai", "sel-kecil")}  # the total is the evaluated count: a process fact
    assert _scan({"jumlah_responden": 4}, table="ikm_unit_layanan") == {("t row 1, jumlah_responden", "sel-kecil")}
    assert _scan({"jumlah_pegawai": 40, "jumlah_dievaluasi": 39, "jumlah_tepat_waktu": 1}, table="kepatuhan_unit") == set()
    assert _scan({"jumlah_pegawai": 3, "jumlah_dievaluasi": 3, "jumlah_tepat_waktu": 0}, table="kepatuhan_unit") == set()
    assert _scan({"jumlah_pegawai": 3, "jumlah_dievaluasi": 2}, table="kepatuhan_unit") == {
        ("t row 1, jumlah_dievaluasi", "kelompok-kecil")}
    assert _scan({"jumlah_pegawai": 9, "jumlah_terlatih": 4}, table="pelatihan") == {
        ("t row 1, jumlah_terlatih", "kelompok-kecil")}
    assert _scan({"jumlah_dinilai": 2}, table="tren_bulanan") == set()
