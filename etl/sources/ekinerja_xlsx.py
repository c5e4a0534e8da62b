"""BKN e-Kinerja Excel exports (.xlsx), as a Pemda downloads them from kinerja.bkn.go.id.

domain.md §4.2 and §8.10: cell A1 holds a title with the year, A2 "Instansi : …", more title and
filter rows follow, and the header row sits somewhere in the first ~20 rows (often row 8). Labels
are printed lowercase snake names (`nip`, `hasil_kerja`, `hasil_akhir`, …), values as e-Kinerja
prints them ("DI ATAS EKSPEKTASI", "Butuh Perbaikan", "Oktober 2026", "Ya"), '-' for empty.

The connector finds the header row by its labels (never by a fixed row number), maps labels to
canonical columns with COLUMNS, turns cells into text as Excel shows them and hands the rows to
etl.canonical.to_canonical. It reads with openpyxl in read-only (streaming) mode, so memory does
not grow with the number of rows. `_row` is the row number Excel shows.

A cell keeps its defect: a NIP that Excel turned into a number is read as Excel shows it
(1.97411E+17, or its 15 significant digits) so the NIP rule quarantines it; a label it cannot map
stays as printed.

Options of the source (config/agencies.yml), all optional:

  path                folder template, default "{sources_dir}/{agency}/{period}"
  files               {entity: file name} over FILES
  sheet               sheet name (default: the workbook's active sheet)
  header_search_rows  how many rows to search for the header row (default 20)
  columns             {entity: {printed label: canonical column}} merged over COLUMNS; a label
                      mapped to null is dropped. Another government's slightly different export
                      is a change here, not in code.
  values              {canonical column: {printed value: canonical code}}: more printed spellings
  fill                {entity: {canonical column: value}} for columns the export does not print
                      (default: regime PERMEN6_2022 for evaluasi_periodik and evaluasi_tahunan)
  timezone            offset given to date-times, which Excel stores without one (default "+07:00")
  limits              {name: number} over LIMITS: what a workbook may unpack to (below)

An .xlsx is a zip archive of XML parts, and a small file can unpack to gigabytes (a zip bomb).
Before openpyxl unpacks anything, the archive's own directory is checked against LIMITS: the
file's size, how many parts it has (read from its end record, before the directory itself is
parsed), the size of that directory, what all parts unpack to together, what any part other
than a worksheet unpacks to (openpyxl holds those whole in memory: shared strings, styles), and
how many times larger than packed a part becomes. Python's zipfile never unpacks a part beyond
the size the directory declares for it, so the declared sizes bound memory and time; a workbook
that exceeds a limit is refused with the reason (gate unreadable), in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal
from xml.etree.ElementTree import ParseError

import pandas as pd
from pydantic import Field

from etl.canonical import ENTITIES, LABEL_COLUMNS, to_canonical
from etl.config import Agency, ConfigError, Source, sources_dir
from etl.config import FolderOptions, Mapping, Text
from etl.sources.errors import EmptyDeliveryError, HeaderError, SourceError

# --------------------------------------------------------------------------- the mapping
# file name of each report in the drop folder
FILES: dict[str, str] = {
    "unit_kerja": "data_unor.xlsx",
    "pegawai": "data_pegawai.xlsx",
    "evaluasi_periodik": "laporan_penilaian_skp.xlsx",
    "rhk": "laporan_skp.xlsx",
    "predikat_organisasi": "predikat_kinerja_organisasi.xlsx",
    "perilaku_kerja": "laporan_perilaku_kerja.xlsx",
    "umpan_balik": "laporan_umpan_balik.xlsx",
    # the annual sheet ("Laporan Penilaian SKP Tahunan"), in the year's folder
    "evaluasi_tahunan": "laporan_penilaian_skp_tahunan.xlsx",
}

# printed header label -> canonical column (labels are compared lowercase, runs of other
# characters as '_', so "Hasil Kerja" and "hasil_kerja" are the same label)
COLUMNS: dict[str, dict[str, str]] = {
    "unit_kerja": {
        "instansi_id": "instansi_kode",
        "unor_id": "unit_kode",
        "nama_unor": "unit_nama",
        "unor_induk_id": "induk_unit_kode",
        "unit_pelayanan": "is_unit_layanan",
    },
    "pegawai": {
        "nip": "nip",
        "nama": "nama",
        "jenis_pegawai": "status_kepegawaian",
        "jenis_kelamin": "jenis_kelamin",
        "golru": "golongan",
        "jabatan": "jabatan_nama",
        "jenis_jabatan": "jabatan_kategori",
        "unor_id": "unit_kode",
        "pegawai_atasan_nip": "atasan_nip",
        "status_aktif": "aktif",
    },
    "evaluasi_periodik": {
        "nip": "nip",
        "periode_penilaian": "periode",
        "skp_id": "skp_id",
        "hasil_kerja": "rating_hasil_kerja",
        "perilaku_kerja": "rating_perilaku_kerja",
        "hasil_akhir": "predikat",
        "pegawai_atasan_nip": "penilai_nip",
        "waktu_dinilai": "waktu_dinilai",
        "is_plt_plh_pjb": "is_plt_plh",
        "is_skp_plt_plh_pjb": "is_plt_plh",
    },
    "rhk": {
        "nip": "nip",
        "skp_id": "skp_id",
        "tahun_skp": "tahun",
        "periode_realisasi": "periode",
        "kode_rhk": "rhk_kode",
        "rencana_hasil_kerja": "rhk_uraian",
        "jenis_rhk": "jenis_rhk",
        "indikator_kinerja": "indikator",
        "target": "target",
        "satuan": "satuan",
        "realisasi": "realisasi",
    },
    "predikat_organisasi": {
        "instansi_id": "instansi_kode",
        "unor_id": "unit_kode",
        "periode_penilaian": "periode",
        "predikat_kinerja_organisasi": "predikat_organisasi",
    },
    # the SKP's behaviour page: one row per BerAKHLAK value, its expectation and its rating
    "perilaku_kerja": {
        "nip": "nip",
        "skp_id": "skp_id",
        "periode_penilaian": "periode",
        "perilaku_kerja": "perilaku_kode",
        "ekspektasi_khusus_pimpinan": "ekspektasi",
        "penilaian": "rating",
    },
    # continuous feedback (umpan balik berkelanjutan) on RHK realisation and behaviour
    "umpan_balik": {
        "id": "umpan_balik_id",
        "nip": "nip",
        "skp_id": "skp_id",
        "periode_realisasi": "periode",
        "jenis_umpan_balik": "aspek",
        "kode_rhk": "rhk_kode",
        "perilaku_kerja": "perilaku_kode",
        "umpan_balik": "umpan_balik",
        "nip_pemberi": "pemberi_nip",
        "waktu_umpan_balik": "waktu_diberikan",
    },
    # e-Kinerja's penilaian columns (domain.md §4.2) of the annual sheet: the SKP's span and post, and
    # the unit's annual predikat as the evaluation form prints it ("Capaian Kinerja Organisasi")
    "evaluasi_tahunan": {
        "nip": "nip",
        "tahun_skp": "tahun",
        "skp_id": "skp_id",
        "skp_unor_id": "unit_kode",
        "skp_jabatan": "jabatan_nama",
        "skp_jenis_jabatan": "jabatan_kategori",
        "periode_awal_skp": "periode_awal",
        "periode_akhir_skp": "periode_akhir",
        "periode_akhir": "periode_akhir",
        "hasil_kerja": "rating_hasil_kerja",
        "perilaku_kerja": "rating_perilaku_kerja",
        "hasil_akhir": "predikat",
        "capaian_kinerja_organisasi": "predikat_organisasi",
        "pegawai_atasan_nip": "penilai_nip",
        "waktu_dinilai": "waktu_dinilai",
        "is_plt_plh_pjb": "is_plt_plh",
        "is_skp_plt_plh_pjb": "is_plt_plh",
    },
}

# canonical columns e-Kinerja does not print (it only knows PermenPANRB 6/2022)
FILL: dict[str, dict[str, str]] = {"evaluasi_periodik": {"regime": "PERMEN6_2022"},
                                   "evaluasi_tahunan": {"regime": "PERMEN6_2022"}}

_YA = {"true": ["Ya", "Y", "true", "1"], "false": ["Tidak", "false", "0"]}
# is_skp_plt_plh_pjb: an integer flag in e-Kinerja (1/0, domain.md §4.2); some exports print the kind of
# acting post (Plt, Plh, Pj/Pjb: pelaksana tugas, pelaksana harian, penjabat) instead
_ACTING = {"true": [*_YA["true"], "PLT", "PLH", "PJ", "PJB"], "false": _YA["false"]}
# canonical code -> the spellings e-Kinerja prints, for columns that etl.canonical does not
# normalise itself (a column etl.canonical.LABEL_COLUMNS covers is left to it)
VALUES: dict[str, dict[str, list[str]]] = {
    "is_plt_plh": _ACTING,
    "is_unit_layanan": _YA,
    "aktif": {"true": ["Aktif", *_YA["true"]], "false": ["Tidak Aktif", *_YA["false"]]},
    "jenis_kelamin": {"L": ["Laki-laki"], "P": ["Perempuan"]},
    "status_kepegawaian": {"CPNS": ["CPNS"], "PNS": ["PNS"], "PPPK": ["PPPK"],
                           "PPPK_PARUH_WAKTU": ["PPPK Paruh Waktu"]},
    "jabatan_kategori": {"JPT_UTAMA": ["JPT Utama"], "JPT_MADYA": ["JPT Madya"], "JPT_PRATAMA": ["JPT Pratama"],
                         "ADMINISTRATOR": ["Administrator"], "PENGAWAS": ["Pengawas"],
                         "FUNGSIONAL": ["Fungsional"], "PELAKSANA": ["Pelaksana"]},
    "jenis_rhk": {"UTAMA": ["Utama"], "TAMBAHAN": ["Tambahan"]},
    # domain.md §1.4 and §7: "Cukup" is the older name of Butuh Perbaikan
    "predikat_organisasi": {"ISTIMEWA": ["Istimewa"], "BAIK": ["Baik"],
                            "BUTUH_PERBAIKAN": ["Butuh Perbaikan", "Cukup"], "KURANG": ["Kurang"],
                            "SANGAT_KURANG": ["Sangat Kurang"]},
}

NIP_COLUMNS = frozenset({"nip", "atasan_nip", "penilai_nip", "pemberi_nip"})
DATETIME_COLUMNS = frozenset({"waktu_dinilai", "waktu_diberikan"})
PERIOD_COLUMNS = frozenset({"periode"})

MONTHS = ["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
          "oktober", "november", "desember"]
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}

DEFAULT_HEADER_SEARCH_ROWS = 20

MIB = 1 << 20
# what a government's export may unpack to (a national kabupaten's evaluations and RHK lines are tens
# of MiB of XML); a source's options.limits may raise or lower each
LIMITS: dict[str, int] = {
    "max_file_bytes": 256 * MIB,        # the .xlsx file as delivered
    "max_parts": 1000,                  # parts in the archive (an export has about a dozen)
    "max_directory_bytes": 16 * MIB,    # the archive's central directory
    "max_unpacked_bytes": 512 * MIB,    # all parts unpacked together: bounds the time to read it
    "max_part_bytes": 64 * MIB,         # a part other than a worksheet, held whole in memory by openpyxl
    "max_ratio": 100,                   # unpacked / packed size of a part that unpacks to more than 1 MiB
}
RATIO_FLOOR = MIB  # small parts may compress better than max_ratio (a sheet of empty cells)
DEFAULT_TIMEZONE = "+07:00"  # WIB; Excel date-times carry no time zone


class Options(FolderOptions):
    """ekinerja_xlsx's options: where the exports are and how they differ from e-Kinerja's defaults."""

    files: dict[str, Text] | None = Field(None, description="entity -> file name in the folder (default: FILES)")
    columns: dict[str, Mapping] | None = Field(None, description=(
        "entity -> {label as printed: canonical column}, over the module's COLUMNS"))
    values: dict[str, Mapping] | None = Field(None, description=(
        "canonical column -> {label as printed: canonical value}, over the module's values"))
    fill: dict[str, Mapping] | None = Field(None, description=(
        "entity -> {canonical column: value} for columns the export does not print"))
    limits: dict[Literal[tuple(LIMITS)], Annotated[float, Field(gt=0)]] | None = Field(None, description=(
        "the reader's limits against decompression bombs, over LIMITS (positive numbers)"))
    sheet: Text | None = Field(None, description="the sheet to read; default: the active one")
    header_search_rows: int = Field(DEFAULT_HEADER_SEARCH_ROWS, ge=1, description=(
        "rows searched for the header row (found by its labels)"))
    timezone: Text = Field(DEFAULT_TIMEZONE, description="UTC offset of the workbook's date-times")

# what openpyxl raises on a file that is not a (whole) xlsx workbook
_BROKEN = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, EOFError, zlib.error, ParseError, OSError,
           ValueError, TypeError, IndexError)


# --------------------------------------------------------------------------- helpers
def label_key(label: object) -> str:
    """A printed header label compared loosely: 'Hasil Kerja ' == 'hasil_kerja'."""
    return re.sub(r"[^a-z0-9]+", "_", str(label).strip().lower()).strip("_")


def _value_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _folder(agency: Agency, source: Source, period: str) -> Path:
    template = source.options.get("path", "{sources_dir}/{agency}/{period}")
    return Path(template.format(sources_dir=sources_dir(), period=period, agency=agency.kode))


def file_name(source: Source, entity: str) -> str:
    name = (source.options.get("files") or {}).get(entity) or FILES.get(entity)
    if not name:
        raise ConfigError(f"e-Kinerja exports: no file name for entity '{entity}' (set options.files)")
    return name


def column_map(source: Source, entity: str) -> dict[str, str]:
    """Label key -> canonical column for `entity`: COLUMNS with the source's options over it."""
    mapping = {label_key(k): v for k, v in COLUMNS.get(entity, {}).items()}
    for label, column in ((source.options.get("columns") or {}).get(entity) or {}).items():
        if column is None:
            mapping.pop(label_key(label), None)
        else:
            mapping[label_key(label)] = str(column)
    if not mapping:
        raise ConfigError(f"e-Kinerja exports: no column mapping for entity '{entity}' (set options.columns)")
    unknown = sorted({c for c in mapping.values() if c not in ENTITIES[entity].columns})
    if unknown:
        raise ConfigError(f"e-Kinerja exports: the mapping for {entity} names unknown columns {', '.join(unknown)}")
    return mapping


def _value_maps(source: Source, entity: str) -> dict[str, dict[str, str]]:
    """canonical column -> {value key: canonical code}, for the entity's columns that the
    canonical module does not normalise itself."""
    handled = LABEL_COLUMNS.get(entity, {})
    maps: dict[str, dict[str, str]] = {}
    for column in ENTITIES[entity].columns:
        if column in handled:
            continue
        printed = VALUES.get(column, {})
        extra = (source.options.get("values") or {}).get(column) or {}
        if not printed and not extra:
            continue
        inverse: dict[str, str] = {}
        for code, spellings in printed.items():
            inverse[_value_key(code)] = code
            for spelling in spellings:
                inverse[_value_key(spelling)] = code
        for spelling, code in extra.items():
            inverse[_value_key(str(spelling))] = str(code)
        maps[column] = inverse
    return maps


def excel_general(value: float | int) -> str:
    """A number as Excel's General format shows it in a cell (11 characters at most)."""
    if isinstance(value, int) and len(str(abs(value))) <= 11:
        return str(value)
    number = float(value)
    if not math.isfinite(number):
        return str(number)
    if number.is_integer() and abs(number) < 1e11:
        return str(int(number))
    if abs(number) >= 1e11 or abs(number) < 1e-9:
        digits = 5 if number >= 0 else 4
        mantissa, exponent = f"{number:.{digits}E}".split("E")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{exponent}"
    text = f"{number:.10g}"
    return text if "e" not in text else excel_general(float(text))


def excel_display(value: float | int, number_format: str | None) -> str:
    """A number as Excel shows it under the cell's number format: General, scientific or '0'."""
    fmt = (number_format or "General").strip()
    scientific = re.fullmatch(r"0(?:\.(0+))?E\+0+", fmt, re.IGNORECASE)
    if scientific:
        return f"{float(value):.{len(scientific.group(1) or '')}E}"
    if fmt in ("0", "#0", "#"):
        # Excel keeps 15 significant digits: the last digits of an 18-digit NIP become zeros
        return str(int(Decimal(f"{float(value):.15g}"))) if math.isfinite(float(value)) else str(value)
    return excel_general(value)


def _number_text(value: float | int, number_format: str | None = None) -> str:
    """A number outside the NIP columns as canonical text: with the decimals its number format
    shows ('0.00', '#,##0.00': 105.30, never a thousands separator), else in full."""
    fixed = re.fullmatch(r"[#,]*0(?:\.(0+))?", (number_format or "").strip())
    if fixed and math.isfinite(value):
        return f"{value:.{len(fixed.group(1) or '')}f}"
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_periode(text: str) -> str:
    """'Oktober 2026' -> '2026-10', 'Triwulan III 2026' -> '2026-Q3'; anything else unchanged."""
    words = text.strip().split()
    if len(words) == 2 and words[1].isdigit() and len(words[1]) == 4:
        month = words[0].lower()
        if month in MONTHS:
            return f"{words[1]}-{MONTHS.index(month) + 1:02d}"
    if len(words) == 3 and words[0].lower() == "triwulan" and words[2].isdigit() and len(words[2]) == 4:
        quarter = ROMAN.get(words[1].upper()) or (int(words[1]) if words[1] in ("1", "2", "3", "4") else None)
        if quarter:
            return f"{words[2]}-Q{quarter}"
    return text


class _Cells:
    """Turns the cells of one column into text, by the kind of canonical column."""

    def __init__(self, column: str, values: dict[str, str] | None, timezone: str, epoch: dt.datetime):
        self.column = column
        self.values = values
        self.timezone = timezone
        self.epoch = epoch

    def __call__(self, cell) -> str:
        value = cell.value
        if value is None:
            return ""
        column = self.column
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (dt.datetime, dt.date)):
            text = self._moment(value, cell)
        elif isinstance(value, dt.time):
            text = value.isoformat()
        elif isinstance(value, (int, float)):
            if column in NIP_COLUMNS:
                text = excel_display(value, getattr(cell, "number_format", None))
            elif column in DATETIME_COLUMNS:
                from openpyxl.utils.datetime import from_excel

                try:
                    moment = from_excel(value, self.epoch)
                except (OverflowError, ValueError):
                    moment = None
                if moment is None:
                    text = _number_text(value, getattr(cell, "number_format", None))
                else:  # an Excel serial date: a whole number is a day, a fraction a time of day
                    text = self._moment(moment.date() if float(value).is_integer() else moment, cell)
            else:
                text = _number_text(value, getattr(cell, "number_format", None))
        else:
            text = str(value)
            if column in PERIOD_COLUMNS:
                text = parse_periode(text)
        if self.values is not None and text.strip() not in ("", "-"):
            text = self.values.get(_value_key(text), text)
        return text

    def _moment(self, value: dt.date | dt.datetime, cell) -> str:
        if self.column in PERIOD_COLUMNS:
            return f"{value:%Y-%m}"
        if isinstance(value, dt.datetime):
            if value.microsecond:
                value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
            fmt = (getattr(cell, "number_format", None) or "").lower()
            if value.time() == dt.time(0) and "h" not in fmt:  # a date cell, not a date-time
                return f"{value:%Y-%m-%d}"
            text = f"{value:%Y-%m-%dT%H:%M:%S}"
            return text + self.timezone if self.column in DATETIME_COLUMNS else text
        return f"{value:%Y-%m-%d}"


# --------------------------------------------------------------------------- the connector
def fetch(agency: Agency, source: Source, entity: str, period: str, scratch: Path) -> Path | None:
    path = _folder(agency, source, period) / file_name(source, entity)
    return path if path.exists() else None


def probe(agency: Agency, source: Source, entity: str, period: str) -> bool:
    """Is anything delivered for the period (the delivery calendar's cheap look, etl/delivery_calendar.py):
    the file exists."""
    return fetch(agency, source, entity, period, None) is not None


def limits(source: Source) -> dict[str, int]:
    """LIMITS with the source's options.limits over them."""
    chosen = dict(LIMITS)
    for name, value in (source.options.get("limits") or {}).items():
        if name not in LIMITS:
            raise ConfigError(f"e-Kinerja exports: unknown limit '{name}' (known: {', '.join(LIMITS)})")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"e-Kinerja exports: limit {name} must be a positive number")
        chosen[name] = int(value)
    return chosen


def _end_record(path: Path, size: int) -> tuple[int, int] | None:
    """(parts, central directory bytes) from the archive's end record (zip64 too), read from the
    file's tail without parsing the directory; None when there is no end record."""
    tail_size = min(size, 22 + 0xFFFF)
    with open(path, "rb") as fh:
        fh.seek(size - tail_size)
        tail = fh.read(tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return None
        _, _, _, _, parts, directory, _, _ = struct.unpack("<4sHHHHIIH", tail[at:at + 22])
        locator = at - 20
        if (parts == 0xFFFF or directory == 0xFFFFFFFF) and locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
            _, _, record, _ = struct.unpack("<4sIQI", tail[locator:locator + 20])
            if record + 56 <= size:
                fh.seek(record)
                head = fh.read(56)
                if head[:4] == b"PK\x06\x06":
                    parts, directory = struct.unpack("<QQ", head[32:48])  # total entries, directory size
    return parts, directory


def check_archive(path: Path, source: Source) -> None:
    """Refuse (SourceError) a workbook whose archive promises more than LIMITS allow, before
    anything in it is unpacked. Only the file's tail and the archive's directory are read."""
    bound = limits(source)
    refused = f"{path}: refused before unpacking:"
    size = path.stat().st_size
    if size > bound["max_file_bytes"]:
        raise SourceError(f"{refused} the file has {size:,} bytes, more than max_file_bytes {bound['max_file_bytes']:,}")
    end = _end_record(path, size)
    if end is not None:
        parts, directory = end
        if parts > bound["max_parts"]:
            raise SourceError(f"{refused} the archive has {parts:,} parts, more than max_parts {bound['max_parts']:,} "
                              "(an export has about a dozen)")
        if directory > bound["max_directory_bytes"]:
            raise SourceError(f"{refused} the archive's directory has {directory:,} bytes, more than "
                              f"max_directory_bytes {bound['max_directory_bytes']:,}")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except _BROKEN as exc:
        raise SourceError(f"{path}: not a valid .xlsx workbook ({type(exc).__name__}: {exc})") from None
    if len(entries) > bound["max_parts"]:
        raise SourceError(f"{refused} the archive has {len(entries):,} parts, more than max_parts {bound['max_parts']:,}")
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_FLOOR and entry.file_size > bound["max_ratio"] * max(entry.compress_size, 1):
            ratio = entry.file_size / max(entry.compress_size, 1)
            raise SourceError(f"{refused} part {entry.filename} would unpack to {entry.file_size:,} bytes from "
                              f"{entry.compress_size:,}, {ratio:,.0f} times its packed size (max_ratio "
                              f"{bound['max_ratio']}): a zip bomb, not an export")
        if not entry.filename.startswith("xl/worksheets/") and entry.file_size > bound["max_part_bytes"]:
            raise SourceError(f"{refused} part {entry.filename} would unpack to {entry.file_size:,} bytes, more than "
                              f"max_part_bytes {bound['max_part_bytes']:,} (it would be held whole in memory)")
    if total > bound["max_unpacked_bytes"]:
        raise SourceError(f"{refused} the workbook would unpack to {total:,} bytes, more than max_unpacked_bytes "
                          f"{bound['max_unpacked_bytes']:,}: far larger than any government's export")


def _open(path: Path, source: Source):
    """The file handle, the workbook (read-only, streaming) and its sheet; SourceError naming the
    file when it is no workbook, or when its archive promises more than LIMITS allow."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not zipfile.is_zipfile(path):
        try:
            with open(path, "rb") as probe:
                raw = probe.read(512)
        except OSError as exc:
            raise SourceError(f"{path}: cannot be opened ({exc})") from None
        if not raw:
            raise EmptyDeliveryError(f"{path}: the file is empty (0 bytes)")
        head = raw.lstrip().lower()
        if head.startswith((b"<!doctype", b"<html")):
            hint = "; it looks like an HTML page saved as .xlsx"
        elif raw.startswith(b"PK\x03\x04"):
            hint = "; it starts like one but is cut short or damaged, e.g. by an interrupted download"
        elif raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            hint = "; it is an old binary .xls workbook: save it as .xlsx"
        else:
            hint = ""
        raise SourceError(f"{path}: not a valid .xlsx workbook (not a zip archive{hint})")
    check_archive(path, source)
    handle = open(path, "rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, *_BROKEN) as exc:
        handle.close()
        raise SourceError(f"{path}: not a valid .xlsx workbook ({type(exc).__name__}: {exc})") from None
    sheet_name = source.options.get("sheet")
    try:
        sheet = workbook[sheet_name] if sheet_name else (workbook.active or workbook.worksheets[0])
    except (KeyError, IndexError):
        workbook.close()
        handle.close()
        raise SourceError(f"{path}: the workbook has no sheet '{sheet_name or 'at all'}'") from None
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()  # a wrong <dimension> must not cut rows or columns off
    return handle, workbook, sheet


def _rows(sheet, path: Path) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, cells) for every row, streaming; SourceError when the file breaks off."""
    iterator = sheet.iter_rows()
    number = 0
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except _BROKEN as exc:
            raise SourceError(f"{path}: the workbook is damaged after row {number} "
                              f"({type(exc).__name__}: {exc})") from None
        number += 1
        yield number, row


def _find_header(buffered: list[tuple[int, tuple]], mapping: dict[str, str], required: set[str],
                 path: Path, search: int, entity: str) -> tuple[int, dict[int, str]]:
    """The header row (the one among the first `search` rows with the most known labels) and
    its positions: column index -> canonical column."""
    best_row, best = 0, {}
    for number, cells in buffered:
        found = {}
        for index, cell in enumerate(cells):
            if isinstance(cell.value, str) and label_key(cell.value) in mapping:
                found[index] = label_key(cell.value)
        if len(found) > len(best):
            best_row, best = number, found
    wanted = sorted({label for label, column in mapping.items() if column in required})
    threshold = min(len(required), max(2, math.ceil(len(required) / 2)))
    if len({mapping[k] for k in best.values()}) < threshold:
        raise HeaderError(f"{path}: no header row found in the first {search} rows for {entity} "
                          f"(expected labels such as {', '.join(wanted[:6])})")
    positions: dict[int, str] = {}
    taken: dict[str, str] = {}
    for index, key in best.items():
        column = mapping[key]
        if column in taken:
            raise HeaderError(f"{path}: header row {best_row} has two columns for {column}: "
                              f"'{taken[column]}' and '{key}'")
        taken[column] = key
        positions[index] = column
    missing = sorted(required - set(positions.values()))
    if missing:
        labels = [f"{'/'.join(sorted(k for k, c in mapping.items() if c == m))} ({m})" for m in missing]
        raise HeaderError(f"{path}: header row {best_row} lacks the required columns {', '.join(labels)}")
    return best_row, positions


def read(agency: Agency, source: Source, entity: str, path: Path, chunk_rows: int = 200_000) -> Iterator[pd.DataFrame]:
    path = Path(path)
    mapping = column_map(source, entity)
    fill = {**FILL.get(entity, {}), **((source.options.get("fill") or {}).get(entity) or {})}
    required = set(mapping.values())
    search = int(source.options.get("header_search_rows", DEFAULT_HEADER_SEARCH_ROWS))
    timezone = str(source.options.get("timezone", DEFAULT_TIMEZONE))
    value_maps = _value_maps(source, entity)

    handle, workbook, sheet = _open(path, source)
    try:
        rows = _rows(sheet, path)
        buffered = []
        for number, cells in rows:
            buffered.append((number, cells))
            if number >= search:
                break
        header_row, positions = _find_header(buffered, mapping, required, path, search, entity)
        columns = list(positions.values())
        readers = [(index, _Cells(column, value_maps.get(column), timezone, workbook.epoch))
                   for index, column in positions.items()]

        def body() -> Iterator[tuple[int, tuple]]:
            yield from (item for item in buffered if item[0] > header_row)
            yield from rows

        batch: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in body():
            if all(c.value is None or (isinstance(c.value, str) and not c.value.strip()) for c in cells):
                continue  # a blank row is no record
            width = len(cells)
            batch.append([convert(cells[index]) if index < width else "" for index, convert in readers])
            numbers.append(number)
            if len(batch) >= chunk_rows:
                yield _chunk(batch, numbers, columns, fill, entity)
                batch, numbers = [], []
        if batch:
            yield _chunk(batch, numbers, columns, fill, entity)
    finally:
        workbook.close()
        handle.close()


def _chunk(batch: list[list[str]], numbers: list[int], columns: list[str], fill: dict, entity: str) -> pd.DataFrame:
    frame = pd.DataFrame(batch, columns=columns, dtype="string")
    for column, value in fill.items():
        if column not in frame:
            frame[column] = value
    out = to_canonical(frame, entity, numbers[0])
    out["_row"] = numbers  # Excel's row numbers (title rows, header and blank rows skipped)
    return out
