"""BKN e-Kinerja Excel exports (.xlsx), the way a Pemda downloads them (domain.md §4.2, §8.10).

`write(out, agency_kode, entity, period, chunks)` writes one report to
out/<agency_kode>/<period>/<NAMES[entity]>.xlsx: a title with the year in A1, "Instansi : …" in
A2, more title and filter rows, the header row at row 8 with e-Kinerja's lowercase labels, then one
row per canonical row, values as e-Kinerja prints them ("DI ATAS EKSPEKTASI", "Butuh Perbaikan",
"Oktober 2026", "Ya"), '-' for empty.

Planted defects survive: a NIP that Excel mangled ("1.97411E+17") is written as a number cell, as
Excel holds it; an unknown label is printed as it is; empty values print '-'; duplicated rows stay.

openpyxl's write-only mode streams rows to disk, so memory does not grow with the rows. The file
is byte-for-byte the same for the same input (fixed time stamps inside the archive).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from etl.canonical import entity as entity_def

NAMES = {
    "unit_kerja": "data_unor",
    "pegawai": "data_pegawai",
    "evaluasi_periodik": "laporan_penilaian_skp",
    "rhk": "laporan_skp",
    "predikat_organisasi": "predikat_kinerja_organisasi",
    "perilaku_kerja": "laporan_perilaku_kerja",
    "umpan_balik": "laporan_umpan_balik",
    "evaluasi_tahunan": "laporan_penilaian_skp_tahunan",
}

TITLES = {
    "unit_kerja": "DAFTAR UNIT ORGANISASI",
    "pegawai": "DAFTAR PEGAWAI",
    "evaluasi_periodik": "LAPORAN PENILAIAN SKP PERIODIK",
    "rhk": "LAPORAN SKP - RENCANA HASIL KERJA DAN REALISASI",
    "predikat_organisasi": "LAPORAN PREDIKAT KINERJA ORGANISASI",
    "perilaku_kerja": "LAPORAN PERILAKU KERJA (BERAKHLAK) - EKSPEKTASI DAN PENILAIAN",
    "umpan_balik": "LAPORAN UMPAN BALIK BERKELANJUTAN",
    "evaluasi_tahunan": "LAPORAN PENILAIAN SKP TAHUNAN",
}

INSTANSI = {
    "KEPAHIANG": "Pemerintah Kabupaten Kepahiang",
    "LAMPUNG": "Pemerintah Provinsi Lampung",
    "JAMBI": "Pemerintah Kota Jambi",
    "PAUH": "Kecamatan Pauh, Kota Padang",
    "WANGGAR": "Distrik Wanggar, Kabupaten Nabire",
}

# canonical code -> how e-Kinerja prints it (the ratings and predikat are spellings that
# etl.canonical.normalise_label maps back; a value not listed is printed as it is)
PRINTED: dict[str, dict[str, str]] = {
    "rating": {"DIATAS": "DI ATAS EKSPEKTASI", "SESUAI": "SESUAI EKSPEKTASI", "DIBAWAH": "DI BAWAH EKSPEKTASI"},
    "predikat": {"SANGAT_BAIK": "Sangat Baik", "BAIK": "Baik", "BUTUH_PERBAIKAN": "Butuh Perbaikan",
                 "KURANG": "Kurang/Misconduct", "SANGAT_KURANG": "Sangat Kurang"},
    "predikat_organisasi": {"ISTIMEWA": "Istimewa", "BAIK": "Baik", "BUTUH_PERBAIKAN": "Butuh Perbaikan",
                            "KURANG": "Kurang", "SANGAT_KURANG": "Sangat Kurang"},
    "ya_tidak": {"true": "Ya", "false": "Tidak"},
    "aktif": {"true": "Aktif", "false": "Tidak Aktif"},
    "jenis_kelamin": {"L": "Laki-laki", "P": "Perempuan"},
    "status_kepegawaian": {"PPPK_PARUH_WAKTU": "PPPK Paruh Waktu"},
    "jabatan_kategori": {"JPT_UTAMA": "JPT Utama", "JPT_MADYA": "JPT Madya", "JPT_PRATAMA": "JPT Pratama",
                         "ADMINISTRATOR": "Administrator", "PENGAWAS": "Pengawas", "FUNGSIONAL": "Fungsional",
                         "PELAKSANA": "Pelaksana"},
    "jenis_rhk": {"UTAMA": "Utama", "TAMBAHAN": "Tambahan"},
    "berakhlak": {"BERORIENTASI_PELAYANAN": "Berorientasi Pelayanan", "AKUNTABEL": "Akuntabel",
                  "KOMPETEN": "Kompeten", "HARMONIS": "Harmonis", "LOYAL": "Loyal", "ADAPTIF": "Adaptif",
                  "KOLABORATIF": "Kolaboratif"},
    "aspek": {"RHK": "Hasil Kerja", "PERILAKU": "Perilaku Kerja"},
}

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
QUARTERS = ["I", "II", "III", "IV"]

SHEET = "Laporan"
HEADER_ROW = 8
NIP_DEFECT = re.compile(r"^[0-9](?:\.[0-9]+)?E\+[0-9]{2}$", re.IGNORECASE)  # Excel's 1.97411E+17
PLAIN_NUMBER = re.compile(r"^-?(?:0|[1-9][0-9]{0,14})(?:\.([0-9]{1,9}))?$")
WIB = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}:[0-9]{2}:[0-9]{2})\+07:00$")


# --------------------------------------------------------------------------- printed values
def printed_period(period: str) -> str:
    """'2026-10' -> 'Oktober 2026', '2026-Q3' -> 'Triwulan III 2026'; anything else unchanged."""
    match = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", period or "")
    if match:
        return f"{MONTHS[int(match[2]) - 1]} {match[1]}"
    match = re.fullmatch(r"([0-9]{4})-Q([1-4])", period or "")
    if match:
        return f"Triwulan {QUARTERS[int(match[2]) - 1]} {match[1]}"
    if re.fullmatch(r"[0-9]{4}", period or ""):
        return f"Tahunan {period}"
    return period


def _excel_general(number: float) -> str:
    mantissa, exponent = f"{number:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"


def _text(value: str):
    return "-" if value == "" else value


def _vocabulary(name: str) -> Callable:
    table = PRINTED[name]
    return lambda value, row, cells: "-" if value == "" else table.get(value, value)


def _nip(value: str, row, cells):
    if value == "":
        return "-"
    if NIP_DEFECT.match(value.strip()):
        # Excel turned the NIP into a number; it shows it in General format, or with the
        # number format that reproduces what the export shows (1.90000E+17)
        number = float(value)
        cell = cells.number(number)
        if _excel_general(number) != value.strip().upper():
            decimals = len(value.strip().split("E")[0].partition(".")[2])
            cell.number_format = "0" + ("." + "0" * decimals if decimals else "") + "E+00"
        return cell
    return value


def _number(value: str, row, cells):
    """A number cell when the text is a plain number (decimals kept by a '0.00' number format, as
    a spreadsheet shows 105.30); anything else (a defect, '007', '1,5') stays text."""
    if value == "":
        return "-"
    match = PLAIN_NUMBER.match(value)
    if not match or value.startswith("-0") and not value.strip("-0."):
        return value
    decimals = match.group(1)
    if decimals is None:
        return int(value)
    number = float(value)
    if f"{number:.{len(decimals)}f}" != value:
        return value  # more digits than a float keeps
    cell = cells.number(number)
    cell.number_format = "0." + "0" * len(decimals)
    return cell


def _period(value: str, row, cells):
    return "-" if value == "" else printed_period(value)


def _waktu(value: str, row, cells):
    if value == "":
        return "-"
    match = WIB.match(value)
    if match:
        try:
            moment = dt.datetime.fromisoformat(f"{match[1]}T{match[2]}")
        except ValueError:
            return value
        return cells.datetime(moment)
    return value


def _column(name: str, convert: Callable | None = None) -> Callable:
    convert = convert or (lambda value, row, cells: _text(value))
    return lambda row, seq, cells: convert(row[name], row, cells)


def _year_of(row) -> str:
    match = re.match(r"^([0-9]{4})-", row.get("periode") or "")
    return match[1] if match else ""


def _skp_span(end: bool) -> Callable:
    def cell(row, seq, cells):
        year = _year_of(row)
        if not year:
            return "-"
        return cells.date(dt.date(int(year), 12, 31) if end else dt.date(int(year), 1, 1))
    return cell


def _date(value: str, row, cells):
    """A date cell for an ISO date (the SKP's span), anything else as it is."""
    if value == "":
        return "-"
    try:
        return cells.date(dt.date.fromisoformat(value))
    except ValueError:
        return value


def _seq(row, seq, cells):
    return seq


def _const(text: str) -> Callable:
    return lambda row, seq, cells: text


# label as printed -> how the cell is made from the canonical row
LAYOUTS: dict[str, list[tuple[str, Callable]]] = {
    "unit_kerja": [
        ("id", _seq),
        ("instansi_id", _column("instansi_kode")),
        ("unor_id", _column("unit_kode")),
        ("nama_unor", _column("unit_nama")),
        ("unor_induk_id", _column("induk_unit_kode")),
        ("unit_pelayanan", _column("is_unit_layanan", _vocabulary("ya_tidak"))),
    ],
    "pegawai": [
        ("id", _seq),
        ("nip", _column("nip", _nip)),
        ("nama", _column("nama")),
        ("jenis_pegawai", _column("status_kepegawaian", _vocabulary("status_kepegawaian"))),
        ("jenis_kelamin", _column("jenis_kelamin", _vocabulary("jenis_kelamin"))),
        ("golru", _column("golongan")),
        ("jabatan", _column("jabatan_nama")),
        ("jenis_jabatan", _column("jabatan_kategori", _vocabulary("jabatan_kategori"))),
        ("unor_id", _column("unit_kode")),
        ("pegawai_atasan_nip", _column("atasan_nip", _nip)),
        ("status_aktif", _column("aktif", _vocabulary("aktif"))),
    ],
    "evaluasi_periodik": [
        ("id", _seq),
        ("nip", _column("nip", _nip)),
        ("skp_id", _column("skp_id")),
        ("tahun_skp", lambda row, seq, cells: int(_year_of(row)) if _year_of(row) else "-"),
        ("periode_awal_skp", _skp_span(end=False)),
        ("periode_akhir_skp", _skp_span(end=True)),
        ("periode_penilaian", _column("periode", _period)),
        ("skp_status", _const("persetujuan")),
        ("is_plt_plh_pjb", _column("is_plt_plh", _vocabulary("ya_tidak"))),
        ("hasil_kerja", _column("rating_hasil_kerja", _vocabulary("rating"))),
        ("perilaku_kerja", _column("rating_perilaku_kerja", _vocabulary("rating"))),
        ("hasil_akhir", _column("predikat", _vocabulary("predikat"))),
        ("pegawai_atasan_nip", _column("penilai_nip", _nip)),
        ("waktu_dinilai", _column("waktu_dinilai", _waktu)),
    ],
    "rhk": [
        ("id", _seq),
        ("nip", _column("nip", _nip)),
        ("skp_id", _column("skp_id")),
        ("tahun_skp", _column("tahun", _number)),
        ("periode_realisasi", _column("periode", _period)),
        ("kode_rhk", _column("rhk_kode")),
        ("jenis_rhk", _column("jenis_rhk", _vocabulary("jenis_rhk"))),
        ("rencana_hasil_kerja", _column("rhk_uraian")),
        ("indikator_kinerja", _column("indikator")),
        ("target", _column("target", _number)),
        ("satuan", _column("satuan")),
        ("realisasi", _column("realisasi", _number)),
    ],
    "predikat_organisasi": [
        ("id", _seq),
        ("instansi_id", _column("instansi_kode")),
        ("unor_id", _column("unit_kode")),
        ("periode_penilaian", _column("periode", _period)),
        ("predikat_kinerja_organisasi", _column("predikat_organisasi", _vocabulary("predikat_organisasi"))),
    ],
    "perilaku_kerja": [
        ("id", _seq),
        ("nip", _column("nip", _nip)),
        ("skp_id", _column("skp_id")),
        ("periode_penilaian", _column("periode", _period)),
        ("perilaku_kerja", _column("perilaku_kode", _vocabulary("berakhlak"))),
        ("ekspektasi_khusus_pimpinan", _column("ekspektasi")),
        ("penilaian", _column("rating", _vocabulary("rating"))),
    ],
    "umpan_balik": [
        ("id", _column("umpan_balik_id")),
        ("nip", _column("nip", _nip)),
        ("skp_id", _column("skp_id")),
        ("periode_realisasi", _column("periode", _period)),
        ("jenis_umpan_balik", _column("aspek", _vocabulary("aspek"))),
        ("kode_rhk", _column("rhk_kode")),
        ("perilaku_kerja", _column("perilaku_kode", _vocabulary("berakhlak"))),
        ("umpan_balik", _column("umpan_balik")),
        ("nip_pemberi", _column("pemberi_nip", _nip)),
        ("waktu_umpan_balik", _column("waktu_diberikan", _waktu)),
    ],
    # the annual sheet: e-Kinerja's penilaian columns, the year's SKP span and post, the unit's annual
    # predikat as the evaluation form prints it
    "evaluasi_tahunan": [
        ("id", _seq),
        ("nip", _column("nip", _nip)),
        ("skp_id", _column("skp_id")),
        ("tahun_skp", _column("tahun", _number)),
        ("skp_unor_id", _column("unit_kode")),
        ("skp_jabatan", _column("jabatan_nama")),
        ("skp_jenis_jabatan", _column("jabatan_kategori", _vocabulary("jabatan_kategori"))),
        ("periode_awal_skp", _column("periode_awal", _date)),
        ("periode_akhir_skp", _column("periode_akhir", _date)),
        ("skp_status", _const("persetujuan")),
        ("is_skp_plt_plh_pjb", _column("is_plt_plh", _vocabulary("ya_tidak"))),
        ("hasil_kerja", _column("rating_hasil_kerja", _vocabulary("rating"))),
        ("perilaku_kerja", _column("rating_perilaku_kerja", _vocabulary("rating"))),
        ("hasil_akhir", _column("predikat", _vocabulary("predikat"))),
        ("capaian_kinerja_organisasi", _column("predikat_organisasi", _vocabulary("predikat_organisasi"))),
        ("pegawai_atasan_nip", _column("penilai_nip", _nip)),
        ("waktu_dinilai", _column("waktu_dinilai", _waktu)),
    ],
}


class _Cells:
    """Typed cells of the write-only sheet."""

    def __init__(self, sheet):
        from openpyxl.cell import WriteOnlyCell

        self._sheet = sheet
        self._cell = WriteOnlyCell

    def number(self, value: float):
        return self._cell(self._sheet, value=value)

    def date(self, value: dt.date):
        cell = self._cell(self._sheet, value=value)
        cell.number_format = "dd-mm-yyyy"
        return cell

    def datetime(self, value: dt.datetime):
        cell = self._cell(self._sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell

    def text(self, value: str):
        cell = self._cell(self._sheet, value=value)
        cell.data_type = "s"  # text starting with '=' stays text, never a formula
        return cell


# --------------------------------------------------------------------------- the file
def _printed_on(period: str) -> dt.datetime:
    """A fixed print date for the period: the 5th of the month after it, 08:00."""
    if re.fullmatch(r"[0-9]{4}", period or ""):  # a year: printed in January after it
        return dt.datetime(int(period) + 1, 1, 5, 8, 0, 0)
    match = re.fullmatch(r"([0-9]{4})-(?:([0-9]{2})|Q([1-4]))", period or "")
    if not match:
        return dt.datetime(2026, 1, 5, 8, 0, 0)
    year, month = int(match[1]), int(match[2]) if match[2] else int(match[3]) * 3
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.datetime(year, month, 5, 8, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose members all carry one time stamp, so that the same input gives the same bytes."""

    stamp: tuple = (2026, 1, 1, 0, 0, 0)
    dimension: str | None = None  # e.g. "A1:N130"

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        arcname = arcname or os.path.basename(filename)
        info = self._info(arcname)
        with open(filename, "rb") as source, self.open(info, "w", force_zip64=True) as target:
            head = source.read(1 << 16)
            if arcname.startswith("xl/worksheets/") and self.dimension and b"<dimension" not in head:
                # openpyxl's streaming writer leaves out <dimension>, which Excel and e-Kinerja write
                # (and readers use to size the sheet); it goes before <sheetViews> (ECMA-376 order)
                marker = b"<sheetViews" if b"<sheetViews" in head else b"<sheetData"
                head = head.replace(marker, f'<dimension ref="{self.dimension}" />'.encode() + marker, 1)
            target.write(head)
            shutil.copyfileobj(source, target, 1 << 20)


def _save(workbook, path: Path, printed: dt.datetime, dimension: str) -> None:
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.creator = "e-Kinerja BKN"
    workbook.properties.created = printed
    workbook.properties.modified = printed
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    archive = _FixedTimeZip(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    archive.stamp = printed.timetuple()[:6]
    archive.dimension = dimension
    try:
        ExcelWriter(workbook, archive).save()
    except BaseException:
        archive.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def path_for(out: Path, agency_kode: str, entity: str, period: str) -> Path:
    return Path(out) / agency_kode / period / f"{NAMES[entity]}.xlsx"


def write(out: Path, agency_kode: str, entity: str, period: str, chunks: Iterable[pd.DataFrame]) -> None:
    """Write one e-Kinerja report of `entity` for `period` from canonical chunks (text, '' = empty)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    if entity not in LAYOUTS:
        raise ValueError(f"e-Kinerja exports do not hold {entity} (they hold {', '.join(LAYOUTS)})")
    columns = list(entity_def(entity).columns)
    layout = LAYOUTS[entity]
    printed = _printed_on(period)
    year = period[:4]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    cells = _Cells(sheet)
    title_rows = [
        [f"{TITLES[entity]} TAHUN {year}"],
        [f"Instansi : {INSTANSI.get(agency_kode.upper(), f'Pemerintah {agency_kode.title()}')}"],
        [f"Periode : {printed_period(period)}"],
        ["Unit Organisasi : Semua Unit Organisasi"],
        ["Jenis Pegawai : Semua"],
        [f"Tanggal Cetak : {printed:%d-%m-%Y %H:%M}"],
    ]
    for row in title_rows:
        sheet.append(row)
    for _ in range(HEADER_ROW - 1 - len(title_rows)):
        sheet.append([])
    sheet.append([label for label, _ in layout])
    seq = 0
    try:
        for chunk in chunks:
            missing = [c for c in columns if c not in chunk.columns]
            if missing:
                raise ValueError(f"{entity} chunk lacks the canonical columns {', '.join(missing)}")
            frame = chunk[columns].fillna("").astype(str)
            if entity in ("evaluasi_periodik", "evaluasi_tahunan"):
                _check_regime(frame)
            for record in frame.itertuples(index=False, name=None):
                seq += 1
                row = dict(zip(columns, record))
                values = []
                for _, make in layout:
                    value = make(row, seq, cells)
                    if isinstance(value, str) and value.startswith("="):
                        value = cells.text(value)
                    values.append(value)
                sheet.append(values)
    except BaseException:
        _discard(sheet)
        raise
    dimension = f"A1:{get_column_letter(len(layout))}{HEADER_ROW + seq}"
    _save(workbook, path_for(out, agency_kode, entity, period), printed, dimension)


def _discard(sheet) -> None:
    """Close the streaming sheet and remove its temporary file (nothing is written to `out`)."""
    try:
        sheet.close()
        sheet._writer.cleanup()
    except Exception:  # noqa: BLE001 - best effort; the original error is what matters
        pass


def _check_regime(frame: pd.DataFrame) -> None:
    """e-Kinerja only knows PermenPANRB 6/2022: it has no place for a legacy score."""
    legacy = frame[(frame["regime"].str.strip() != "PERMEN6_2022") | (frame["nilai_skp"].str.strip() != "")
                   | (frame["nilai_perilaku"].str.strip() != "")]
    if len(legacy):
        raise ValueError("e-Kinerja exports hold PERMEN6_2022 evaluations only; "
                         f"{len(legacy)} rows have another regime or a numeric score")
