"""The corpus of malformed deliveries: how every file under tests/corpus/ is made.

    .venv/bin/python tests/corpus/make_corpus.py        # (re)writes the files and cases.json

Each case is one delivery file as an agency might send it (wrong encoding, wrong separator, cut
short, an HTML page saved as .xlsx, ...), with what the product must do with it: refuse the batch
with a given gate and a message that names the file and says why, or load it with a given number
of rows quarantined, each carrying the rule it broke. tests/integration/test_malformed_corpus.py
runs every case through extract -> validate -> load and checks audit.batch / audit.quarantine.

The output is deterministic (no clocks, no randomness, .xlsx archives with fixed time stamps and
stored members), so the files on disk are exactly what this script writes; a test checks that.
Cases marked `generated` (the 5 MB field) are not kept on disk: the test builds them with
`build(case_id)` into its temporary folder.

Every case is delivered by one test agency per connector kind (AGENCIES), which delivers only the
entity of the case; references to entities it does not deliver are "not checked", so a case
needs no companion files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PERIOD = "2026-10"

# --------------------------------------------------------------------------- test agencies
# one per connector kind; `options` go into the agencies file the test writes (path is added there)
def _wanggar_options() -> dict:
    """WANGGAR's legacy export settings, as the shipped agencies file has them (path aside)."""
    import yaml

    document = yaml.safe_load((HERE.parents[1] / "config" / "agencies.yml").read_text(encoding="utf-8"))
    wanggar = next(a for a in document["agencies"] if a["kode"] == "WANGGAR")
    options = dict(next(s for s in wanggar["sources"] if s["kind"] == "mapped_csv")["options"])
    options.pop("path", None)
    return options


WANGGAR_LIKE = _wanggar_options()

AGENCIES: dict[str, dict] = {
    # PAUH-like: canonical UTF-8 CSV, one file per entity
    "canonical_csv": {"kode": "CORPUS_CSV", "options": {}},
    # WANGGAR-like legacy SIMPEG export: ';', Windows-1252, decimal comma, DD/MM/YYYY HH:MM
    "mapped_csv": {"kode": "CORPUS_LEGACY", "options": WANGGAR_LIKE},
    # KEPAHIANG-like BKN e-Kinerja .xlsx exports
    "ekinerja_xlsx": {"kode": "CORPUS_XLSX", "options": {"header_search_rows": 20, "timezone": "+07:00"}},
    # KEPAHIANG-like Google-Forms SKM export
    "skm_forms_csv": {"kode": "CORPUS_FORMS", "options": {"file": "skm_formulir_jawaban.csv"}},
    # LAMPUNG-like API: the test hands the case file to the pipeline as what fetch landed (read
    # parses the landed JSON lines; a broken line cannot come from HTTP, only from the file)
    "siasn_api": {"kode": "CORPUS_API", "options": {"base_url": "http://127.0.0.1:9/apisiasn/1.0"}},
}
KODE = {kind: agency["kode"] for kind, agency in AGENCIES.items()}

# the rules (meta.rule of expectations/*.json, and reference rules) that cases expect
R = {
    "nip18": "nip must be exactly 18 digits (not a number in scientific notation)",
    "nip_pns": "nip of a PNS/CPNS must encode a birth date, a CPNS start month and gender 1/2",
    "nip_unique": "nip must appear once per delivery",
    "nama_len": "nama may hold at most 200 characters",
    "nama_required": "nama is required",
    "target_number": "target must be a number (decimal point, no thousands separator)",
    "realisasi_number": "realisasi, when reported, must be a number (decimal point)",
    "waktu_iso": "waktu_dinilai must be an ISO 8601 date or timestamp",
    "periode_delivered": "periode must be the period delivered",
    "rating_hasil": "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi",
    "persyaratan": "persyaratan must be an answer from 1 to 4",
    "prosedur": "prosedur must be an answer from 1 to 4",
    "tanggal": "tanggal must be a date YYYY-MM-DD",
    "populasi_whole": "populasi must be a whole number",
    "aktif_bool": "aktif must be true or false",
    "status_required": "status_kepegawaian is required",
}

# --------------------------------------------------------------------------- valid rows
NIP = ["197401152000032001", "198208172006041002", "199003032015032003", "199105102023211004"]

UNIT_COLS = ["instansi_kode", "unit_kode", "unit_nama", "induk_unit_kode", "is_unit_layanan"]
PEGAWAI_COLS = ["nip", "nama", "status_kepegawaian", "jenis_kelamin", "golongan", "jabatan_nama",
                "jabatan_kategori", "unit_kode", "atasan_nip", "aktif"]
EVALUASI_COLS = ["nip", "periode", "skp_id", "regime", "rating_hasil_kerja", "rating_perilaku_kerja", "nilai_skp",
                 "nilai_perilaku", "predikat", "penilai_nip", "waktu_dinilai", "is_plt_plh"]
RHK_COLS = ["nip", "skp_id", "tahun", "periode", "rhk_kode", "rhk_uraian", "jenis_rhk", "indikator", "target",
            "satuan", "realisasi"]
POPULASI_COLS = ["instansi_kode", "unit_layanan_kode", "periode", "populasi"]


def units(kode: str = KODE["canonical_csv"]) -> list[list[str]]:
    return [
        [kode, "CORPUS", "Pemerintah Kabupaten Korpus", "", "false"],
        [kode, "CORPUS.BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", "CORPUS", "false"],
        [kode, "CORPUS.DPMPTSP", "Dinas Penanaman Modal dan PTSP", "CORPUS", "true"],
    ]


def pegawai() -> list[list[str]]:
    return [
        [NIP[0], "Siti Rahayu", "PNS", "P", "IV/a", "Kepala Badan", "JPT_PRATAMA", "CORPUS.BKPSDM", "", "true"],
        [NIP[1], "Budi Santoso", "PNS", "L", "III/c", "Analis SDM Aparatur Ahli Muda", "FUNGSIONAL",
         "CORPUS.BKPSDM", NIP[0], "true"],
        [NIP[2], "Dewi Lestari", "PNS", "P", "III/a", "Pranata Komputer Ahli Pertama", "FUNGSIONAL",
         "CORPUS.BKPSDM", NIP[0], "true"],
        [NIP[3], "I Made Suarta", "PPPK", "L", "IX", "Penata Kelola Sistem dan Teknologi Informasi", "FUNGSIONAL",
         "CORPUS.BKPSDM", NIP[1], "true"],
    ]


def evaluasi() -> list[list[str]]:
    return [
        [NIP[1], PERIOD, "SKP-2026-0002", "PERMEN6_2022", "DIATAS", "SESUAI", "", "", "BAIK", NIP[0],
         "2026-11-03T09:15:00+07:00", "false"],
        [NIP[2], PERIOD, "SKP-2026-0003", "PERMEN6_2022", "SESUAI", "SESUAI", "", "", "BAIK", NIP[0],
         "2026-11-03T10:02:00+07:00", "false"],
        [NIP[3], PERIOD, "SKP-2026-0004", "PERMEN6_2022", "SESUAI", "DIATAS", "", "", "BAIK", NIP[1],
         "2026-11-04T08:30:00+07:00", "false"],
    ]


def rhk() -> list[list[str]]:
    return [
        [NIP[1], "SKP-2026-0002", "2026", PERIOD, "RHK-01", "Tersusunnya analisis jabatan", "UTAMA",
         "Jumlah dokumen analisis jabatan", "12", "dokumen", "11"],
        [NIP[1], "SKP-2026-0002", "2026", PERIOD, "RHK-02", "Terlaksananya pembinaan jabatan fungsional",
         "TAMBAHAN", "Jumlah kegiatan pembinaan", "4", "kegiatan", "4"],
        [NIP[2], "SKP-2026-0003", "2026", PERIOD, "RHK-01", "Terkelolanya aplikasi kepegawaian", "UTAMA",
         "Persentase layanan aplikasi tersedia", "99.5", "persen", "99.7"],
    ]


def csv_text(header: list[str], rows: list[list[str]], *, sep: str = ",", eol: str = "\n") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=eol)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


# --------------------------------------------------------------------------- legacy rows (mapped_csv)
LEGACY_PEGAWAI = ["NIP_BARU", "NAMA", "STATUS_PEGAWAI", "JENIS_KELAMIN", "GOL_RUANG", "NAMA_JABATAN",
                  "JENIS_JABATAN", "KODE_UNOR", "NIP_ATASAN", "AKTIF"]
LEGACY_EVALUASI = ["NIP_BARU", "PERIODE", "ID_SKP", "PERATURAN", "RATING_HASIL", "RATING_PERILAKU", "NILAI_SKP",
                   "NILAI_PERILAKU_KERJA", "SEBUTAN", "NIP_PENILAI", "TGL_PENILAIAN", "PLT_PLH"]


def legacy_pegawai() -> list[list[str]]:
    return [
        [NIP[0], "Yohanes Wenda", "PNS", "L", "IV/a", "Kepala Distrik", "ADMINISTRATOR", "WGR", "", "Y"],
        [NIP[1], "Maria Kogoya", "PNS", "P", "III/b", "Sekretaris Distrik", "PENGAWAS", "WGR.SEKR", NIP[0], "Y"],
        [NIP[2], "Theresia Muñoz Kareth", "PNS", "P", "II/c", "Pengadministrasi Umum", "PELAKSANA", "WGR.SEKR",
         NIP[1], "Y"],
    ]


def legacy_evaluasi() -> list[list[str]]:
    return [
        [NIP[1], PERIOD, "SKP-W-0002", "PP 30/2019", "", "", "87,5", "90", "Baik", NIP[0], "03/11/2026 09:15", "T"],
        [NIP[2], PERIOD, "SKP-W-0003", "PP 30/2019", "", "", "76,25", "80,5", "Baik", NIP[1], "04/11/2026 14:40", "T"],
        [NIP[3], PERIOD, "SKP-W-0004", "PP 30/2019", "", "", "91", "88", "Sangat Baik", NIP[1], "04/11/2026 15:05",
         "T"],
    ]


def cp1252(text: str) -> bytes:
    return text.encode("cp1252")


# --------------------------------------------------------------------------- Google-Forms rows
FORM_HEADER = [
    "Timestamp",
    "Unit layanan yang Saudara kunjungi",
    "Jenis layanan yang Saudara terima",
    "Usia (tahun)",
    "Jenis kelamin",
    "Pendidikan terakhir",
    "Pekerjaan utama",
    "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    ("Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar "
     "pelayanan dengan hasil yang diberikan?"),
    "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
    "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    "Kritik dan saran untuk perbaikan pelayanan",
]


def form_rows() -> list[list[str]]:
    return [
        ["2026/10/03 9:14:22 AM GMT+7", "CORPUS.DPMPTSP", "Perizinan Berusaha", "35", "Perempuan", "S1",
         "Wiraswasta", "Sangat sesuai", "Mudah", "Cepat", "Gratis", "Sesuai", "Kompeten", "Sopan dan ramah",
         "Baik", "Dikelola dengan baik", "Pelayanan cepat, terima kasih"],
        ["2026/10/03 10:02:51 AM GMT+7", "CORPUS.DPMPTSP", "Perizinan Berusaha", "42", "Laki-laki", "SMA",
         "Pedagang", "Sesuai", "Kurang mudah", "Kurang cepat", "Gratis", "Sesuai", "Kompeten",
         "Sangat sopan dan ramah", "Cukup", "Berfungsi kurang maksimal", ""],
        ["2026/10/04 1:45:09 PM GMT+7", "CORPUS.DPMPTSP", "Izin Mendirikan Bangunan", "29", "Perempuan", "S2",
         "PNS", "Sesuai", "Mudah", "Sangat cepat", "Murah", "Sangat sesuai", "Sangat kompeten",
         "Sopan dan ramah", "Sangat baik", "Dikelola dengan baik", "Antrian perlu ditambah loket"],
    ]


# --------------------------------------------------------------------------- API records (JSON lines)
def api_record(nip: str, skp: str, hasil, perilaku, penilai: str, waktu: str) -> dict:
    return {"nip": nip, "periode": PERIOD, "skpId": skp, "jenisPeraturanKinerjaKd": "PERMEN6_2022",
            "hasilKinerjaNilai": hasil, "perilakuKerjaNilai": perilaku, "nilaiSkp": None, "nilaiPerilakuKerja": None,
            "kuadranKinerja": "BAIK", "nipNrpPenilai": penilai, "waktuDinilai": waktu, "isPltPlh": False}


def api_records() -> list[dict]:
    return [
        api_record(NIP[1], "SKP-API-0002", 1, 2, NIP[0], "2026-11-03T09:15:00+07:00"),
        api_record(NIP[2], "SKP-API-0003", 2, 2, NIP[0], "2026-11-03T10:02:00+07:00"),
        api_record(NIP[3], "SKP-API-0004", 2, 1, NIP[1], "2026-11-04T08:30:00+07:00"),
    ]


def jsonl(records: list) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" for r in records)


# --------------------------------------------------------------------------- e-Kinerja workbooks
FIXED = dt.datetime(2026, 11, 5, 8, 0, 0)
XLSX_PEGAWAI = ["id", "nip", "nama", "jenis_pegawai", "jenis_kelamin", "golru", "jabatan", "jenis_jabatan", "unor_id",
                "pegawai_atasan_nip", "status_aktif"]
XLSX_EVALUASI = ["id", "nip", "skp_id", "tahun_skp", "periode_penilaian", "is_plt_plh_pjb", "hasil_kerja",
                 "perilaku_kerja", "hasil_akhir", "pegawai_atasan_nip", "waktu_dinilai"]


@dataclass(frozen=True)
class Num:
    """A number cell, with the number format Excel shows it in."""

    value: float | int
    number_format: str = "General"


def xlsx_pegawai_rows() -> list[list]:
    return [
        [1, NIP[0], "Siti Rahayu", "PNS", "Perempuan", "IV/a", "Kepala Badan", "JPT Pratama", "CORPUS.BKPSDM", "-",
         "Aktif"],
        [2, NIP[1], "Budi Santoso", "PNS", "Laki-laki", "III/c", "Analis SDM Aparatur Ahli Muda", "Fungsional",
         "CORPUS.BKPSDM", NIP[0], "Aktif"],
        [3, NIP[2], "Dewi Lestari", "PNS", "Perempuan", "III/a", "Pranata Komputer Ahli Pertama", "Fungsional",
         "CORPUS.BKPSDM", NIP[0], "Aktif"],
    ]


def xlsx_title(title: str) -> list[list]:
    return [[f"{title} TAHUN 2026"], ["Instansi : Pemerintah Kabupaten Korpus"], ["Periode : Oktober 2026"],
            ["Dicetak dari kinerja.bkn.go.id"], [], []]


def xlsx(rows: list[list], *, sheet: str = "Laporan") -> bytes:
    """A workbook as bytes, the same bytes for the same rows (fixed time stamps, stored members)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Num):
                cell.value = value.value
                cell.number_format = value.number_format
            else:
                cell.value = value
                if isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
    workbook.properties.creator = "e-Kinerja BKN"
    workbook.properties.created = FIXED
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6]), content)
    return out.getvalue()


def xlsx_pegawai() -> bytes:
    return xlsx([*xlsx_title("DAFTAR PEGAWAI"), [], XLSX_PEGAWAI, *xlsx_pegawai_rows()])


def damaged_member(data: bytes, member: str) -> bytes:
    """The archive with bytes in the middle of one (stored) member overwritten: its CRC no longer fits."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    broken = bytearray(data)
    broken[middle:middle + 16] = b"\x00\xff" * 8
    return bytes(broken)


# --------------------------------------------------------------------------- the cases
@dataclass
class Case:
    id: str
    kind: str
    entity: str
    delivered_as: str  # the file name the connector looks for in the drop folder
    description: str
    expect: dict
    make: Callable[[], bytes] = field(repr=False)
    suffix: str = ".csv"
    generated: bool = False  # built by the test at run time, not kept on disk
    period: str = PERIOD  # the month the test runs the pipeline for

    @property
    def file(self) -> str | None:
        return None if self.generated else f"{self.kind}/{self.id}{self.suffix}"

    def describe(self) -> dict:
        out = {"id": self.id, "kind": self.kind, "agency": KODE[self.kind], "entity": self.entity,
               "file": self.file, "delivered_as": self.delivered_as, "description": self.description,
               "expect": self.expect}
        if self.period != PERIOD:
            out["period"] = self.period
        if self.generated:
            out["generated"] = True
        return out


def rejected(gate: str, message: str) -> dict:
    """Refused whole: the gate in audit.batch, and a regex the message must match (besides the file name)."""
    return {"status": "rejected", "gate": gate, "message": message}


def loaded(received: int, quarantine: dict[int, list[str]] | None = None, raw: list[dict] | None = None) -> dict:
    """Loaded: rows received, the quarantined rows (row number -> rules its reasons must include),
    and values the raw table must hold ({row, column, value})."""
    out = {"status": "loaded", "received": received,
           "quarantine": {str(row): rules for row, rules in (quarantine or {}).items()}}
    if raw:
        out["raw"] = raw
    return out


CASES: list[Case] = []


def case(id: str, kind: str, entity: str, delivered_as: str, description: str, expect: dict, *, suffix: str = ".csv",
         generated: bool = False, period: str = PERIOD):
    def register(make: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES.append(Case(id, kind, entity, delivered_as, description, expect, make, suffix, generated, period))
        return make
    return register


CSV, LEGACY, XLSX, FORMS, API = "canonical_csv", "mapped_csv", "ekinerja_xlsx", "skm_forms_csv", "siasn_api"
LEGACY_PEGAWAI_FILE = "EKSPOR_PEGAWAI_202610.csv"
LEGACY_EVALUASI_FILE = "EKSPOR_EVALUASI_PERIODIK_202610.csv"
FORMS_FILE = "skm_formulir_jawaban.csv"
API_FILE = "kinerja-periodik_2026-10.jsonl"


# ---- canonical CSV: encodings and byte-level damage
@case("csv_cp1252_in_utf8", CSV, "pegawai", "pegawai.csv",
      "Windows-1252 bytes (é = 0xE9) in a delivery that must be UTF-8",
      rejected("unreadable", r"line 3 .*not valid UTF-8.*0xe9"))
def _():
    rows = pegawai()
    rows[1][1] = "Budi Sétiawan"
    return csv_text(PEGAWAI_COLS, rows).encode("cp1252")


@case("csv_utf8_bom", CSV, "pegawai", "pegawai.csv",
      "a UTF-8 byte-order mark before the header (Excel's 'CSV UTF-8'): loads",
      loaded(4, raw=[{"row": 2, "column": "nip", "value": NIP[0]}]))
def _():
    return b"\xef\xbb\xbf" + utf8(csv_text(PEGAWAI_COLS, pegawai()))


@case("csv_utf16", CSV, "unit_kerja", "unit_kerja.csv",
      "UTF-16 with its byte-order mark (Excel's 'Unicode text')",
      rejected("unreadable", r"line 1 .*not valid UTF-8"))
def _():
    return csv_text(UNIT_COLS, units()).encode("utf-16")


@case("csv_nul_bytes", CSV, "pegawai", "pegawai.csv",
      "NUL bytes inside a value (a disk or transfer fault): PostgreSQL text cannot hold them",
      rejected("unreadable", r"row 3, column nama.*NUL"))
def _():
    rows = pegawai()
    rows[1][1] = "Budi\x00\x00\x00Santoso"
    return utf8(csv_text(PEGAWAI_COLS, rows))


@case("csv_binary_garbage", CSV, "pegawai", "pegawai.csv",
      "bytes that are no text at all (a deterministic pseudo-random block)",
      rejected("unreadable", r"not valid UTF-8"))
def _():
    state, out = 20261005, bytearray()
    for _ in range(3000):
        state = (state * 1103515245 + 12345) % (1 << 31)
        out.append(state >> 23)
    return bytes(out)


@case("csv_is_an_xlsx", CSV, "pegawai", "pegawai.csv",
      "an .xlsx workbook renamed to .csv",
      rejected("unreadable", r"not valid UTF-8"))
def _():
    return xlsx_pegawai()


# ---- canonical CSV: separators, line endings, blanks
@case("csv_semicolon_separated", CSV, "pegawai", "pegawai.csv",
      "the canonical header and rows separated by ';' (a spreadsheet in an Indonesian locale)",
      rejected("header", r"header lacks the columns .*separated by ';'"))
def _():
    return utf8(csv_text(PEGAWAI_COLS, pegawai(), sep=";"))


@case("csv_tab_separated", CSV, "unit_kerja", "unit_kerja.csv",
      "tab-separated values under a .csv name",
      rejected("header", r"header lacks the columns .*separated by tabs"))
def _():
    return utf8(csv_text(UNIT_COLS, units(), sep="\t"))


@case("csv_crlf", CSV, "unit_kerja", "unit_kerja.csv",
      "Windows line endings (CRLF): loads, no stray \\r in the last column",
      loaded(3, raw=[{"row": 4, "column": "is_unit_layanan", "value": "true"}]))
def _():
    return utf8(csv_text(UNIT_COLS, units(), eol="\r\n"))


@case("csv_mixed_line_endings", CSV, "unit_kerja", "unit_kerja.csv",
      "LF, CRLF and a lone CR mixed in one file (rows pasted together): loads",
      loaded(3, raw=[{"row": 3, "column": "is_unit_layanan", "value": "false"},
                     {"row": 4, "column": "unit_nama", "value": "Dinas Penanaman Modal dan PTSP"}]))
def _():
    lines = csv_text(UNIT_COLS, units()).splitlines()
    return utf8(lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n")


@case("csv_blank_lines", CSV, "pegawai", "pegawai.csv",
      "blank lines between rows and at the end: skipped, yet row numbers stay those of the file",
      loaded(4, {6: [R["aktif_bool"]]}, raw=[{"row": 5, "column": "nip", "value": NIP[2]}]))
def _():
    rows = pegawai()
    rows[3][9] = "ya"
    lines = csv_text(PEGAWAI_COLS, rows).splitlines()
    # row 1 header, 2-3 data, 4 blank, 5 data, 6 data (aktif 'ya'), 7-8 blank
    return utf8("\n".join([lines[0], lines[1], lines[2], "", lines[3], lines[4], "", ""]) + "\n")


@case("csv_only_blank_lines", CSV, "pegawai", "pegawai.csv",
      "a file of blank lines only (no header)",
      rejected("empty", r"empty"))
def _():
    return b"\n\r\n   \n\n"


@case("csv_empty", CSV, "pegawai", "pegawai.csv",
      "0 bytes",
      rejected("empty", r"the file is empty"))
def _():
    return b""


@case("csv_header_only", CSV, "pegawai", "pegawai.csv",
      "the header and no rows",
      rejected("empty", r"holds no rows"))
def _():
    return utf8(",".join(PEGAWAI_COLS) + "\n")


# ---- canonical CSV: the header
@case("csv_header_mismatch", CSV, "unit_kerja", "unit_kerja.csv",
      "a header in other words (English column names)",
      rejected("header", r"header lacks the columns instansi_kode, unit_kode, unit_nama, induk_unit_kode, "
                         r"is_unit_layanan"))
def _():
    return utf8(csv_text(["agency", "unit_code", "unit_name", "parent_code", "service_unit"], units()))


@case("csv_spaces_and_case", CSV, "pegawai", "pegawai.csv",
      "leading/trailing spaces in header names and values, upper-case header: loads, trimmed",
      loaded(4, raw=[{"row": 2, "column": "nama", "value": "Siti Rahayu"},
                     {"row": 3, "column": "nip", "value": NIP[1]},
                     {"row": 3, "column": "golongan", "value": "III/c"}]))
def _():
    header = [f"  {c.upper()} " if i % 2 else f" {c}" for i, c in enumerate(PEGAWAI_COLS)]
    rows = [[f" {v}  " if v else v for v in row] for row in pegawai()]
    return utf8(csv_text(header, rows))


@case("csv_extra_columns", CSV, "pegawai", "pegawai.csv",
      "columns the canonical format does not know (e-mail, remarks) before and after: ignored, loads",
      loaded(4, raw=[{"row": 5, "column": "golongan", "value": "IX"}]))
def _():
    header = ["email", *PEGAWAI_COLS, "catatan"]
    rows = [[f"pegawai{i}@korpus.go.id", *row, "diperbarui, Oktober"] for i, row in enumerate(pegawai())]
    return utf8(csv_text(header, rows))


@case("csv_duplicate_header", CSV, "pegawai", "pegawai.csv",
      "the column nama twice in the header (which one is meant?)",
      rejected("header", r"names the column nama twice"))
def _():
    header = [*PEGAWAI_COLS, "nama"]
    rows = [[*row, row[1].upper()] for row in pegawai()]
    return utf8(csv_text(header, rows))


@case("csv_duplicate_header_by_case", CSV, "pegawai", "pegawai.csv",
      "nip and NIP in one header: the same column once names are compared case-insensitively",
      rejected("header", r"names the column nip twice"))
def _():
    header = [*PEGAWAI_COLS, "NIP"]
    rows = [[*row, row[0]] for row in pegawai()]
    return utf8(csv_text(header, rows))


# ---- canonical CSV: rows of the wrong shape
@case("csv_too_many_fields", CSV, "pegawai", "pegawai.csv",
      "an unquoted comma in a value gives row 4 one field too many",
      rejected("unreadable", r"row 4 has 11 fields, the header has 10"))
def _():
    rows = pegawai()
    text = csv_text(PEGAWAI_COLS, rows).splitlines()
    text[3] = text[3].replace("Pranata Komputer Ahli Pertama", "Pranata Komputer, Ahli Pertama")
    return utf8("\n".join(text) + "\n")


@case("csv_too_many_fields_first_row", CSV, "pegawai", "pegawai.csv",
      "the first data row has one field too many (a trailing comma): must not shift the columns",
      rejected("unreadable", r"row 2 has 11 fields, the header has 10"))
def _():
    text = csv_text(PEGAWAI_COLS, pegawai()).splitlines()
    text[1] += ","
    return utf8("\n".join(text) + "\n")


@case("csv_too_few_fields", CSV, "rhk", "rhk.csv",
      "row 3 lacks its last field (realisasi): must not be read as an empty value",
      rejected("unreadable", r"row 3 has 10 fields, the header has 11"))
def _():
    text = csv_text(RHK_COLS, rhk()).splitlines()
    text[2] = text[2].rsplit(",", 1)[0]
    return utf8("\n".join(text) + "\n")


@case("csv_truncated_mid_row", CSV, "evaluasi_periodik", "evaluasi_periodik.csv",
      "the export breaks off in the middle of the last row (no final newline)",
      rejected("unreadable", r"row 4 has 5 fields, the header has 12.*truncated"))
def _():
    text = utf8(csv_text(EVALUASI_COLS, evaluasi()))
    last = text.rstrip(b"\n").rfind(b"\n") + 1
    return text[:last] + text[last:].split(b",SESUAI,")[0] + b",SESU"


@case("csv_unclosed_quote", CSV, "rhk", "rhk.csv",
      "a quoted value that is never closed (the export broke off inside a quoted field)",
      rejected("unreadable", r"row 3.*quote"))
def _():
    rows = rhk()
    text = csv_text(RHK_COLS, rows).splitlines()
    text[2] = text[2].replace("Terlaksananya pembinaan", '"Terlaksananya pembinaan', 1)
    return utf8("\n".join(text) + "\n")


@case("csv_quoted_multiline", CSV, "rhk", "rhk.csv",
      "a quoted value over two lines: one record; the next record's row number counts records",
      loaded(3, {4: [R["target_number"]]}, raw=[{"row": 2, "column": "rhk_uraian",
                                                  "value": "Tersusunnya analisis jabatan\ndan peta jabatan"}]))
def _():
    rows = rhk()
    rows[0][5] = "Tersusunnya analisis jabatan\ndan peta jabatan"
    rows[2][8] = "99,5"
    return utf8(csv_text(RHK_COLS, rows))


# ---- canonical CSV: values as spreadsheets mangle them
@case("csv_decimal_comma", CSV, "rhk", "rhk.csv",
      "target '12,5' with a decimal comma (quoted, as a spreadsheet writes it): quarantined by the number rule",
      loaded(3, {3: [R["target_number"], R["realisasi_number"]]}))
def _():
    rows = rhk()
    rows[1][8], rows[1][10] = "12,5", "4,0"
    return utf8(csv_text(RHK_COLS, rows))


@case("csv_excel_serial_date", CSV, "evaluasi_periodik", "evaluasi_periodik.csv",
      "waktu_dinilai as an Excel serial number '45962.4' in a CSV: quarantined by the ISO 8601 rule",
      loaded(3, {3: [R["waktu_iso"]]}))
def _():
    rows = evaluasi()
    rows[1][10] = "45962.4"
    return utf8(csv_text(EVALUASI_COLS, rows))


@case("csv_nip_scientific", CSV, "pegawai", "pegawai.csv",
      "a NIP that Excel turned into '1.97411E+17': quarantined (the NIP cannot be recovered)",
      loaded(4, {4: [R["nip18"], R["nip_pns"]]}))
def _():
    rows = pegawai()
    rows[2][0] = "1.99003E+17"
    return utf8(csv_text(PEGAWAI_COLS, rows))


@case("csv_nip_apostrophe", CSV, "pegawai", "pegawai.csv",
      "a NIP kept as text with Excel's leading apostrophe: quarantined",
      loaded(4, {3: [R["nip18"]]}))
def _():
    rows = pegawai()
    rows[1][0] = "'" + rows[1][0]
    rows[3][8] = ""  # nobody points at the mangled NIP
    return utf8(csv_text(PEGAWAI_COLS, rows))


@case("csv_label_drift", CSV, "evaluasi_periodik", "evaluasi_periodik.csv",
      "ratings and predikat in other spellings ('DI ATAS EKSPEKTASI', 'Sesuai Ekspektasi', 'Cukup'): normalised, loads",
      loaded(3, raw=[{"row": 2, "column": "rating_hasil_kerja", "value": "DIATAS"},
                     {"row": 3, "column": "predikat", "value": "BUTUH_PERBAIKAN"},
                     {"row": 4, "column": "rating_perilaku_kerja", "value": "DIATAS"}]))
def _():
    rows = evaluasi()
    rows[0][4], rows[0][5] = "DI ATAS EKSPEKTASI", "Sesuai Ekspektasi"
    rows[1][8] = "Cukup"
    rows[2][5] = "di atas ekspektasi"
    return utf8(csv_text(EVALUASI_COLS, rows))


@case("csv_wrong_period_inside", CSV, "evaluasi_periodik", "evaluasi_periodik.csv",
      "a row of September in October's delivery: quarantined by the period reference",
      loaded(3, {4: [R["periode_delivered"]]}))
def _():
    rows = evaluasi()
    rows[2][1] = "2026-09"
    return utf8(csv_text(EVALUASI_COLS, rows))


@case("csv_duplicate_rows", CSV, "pegawai", "pegawai.csv",
      "the same employee twice (a copy-paste): both rows quarantined by the uniqueness rule",
      loaded(5, {4: [R["nip_unique"]], 6: [R["nip_unique"]]}))
def _():
    rows = pegawai()
    rows.append(list(rows[2]))
    return utf8(csv_text(PEGAWAI_COLS, rows))


@case("csv_thousands_separator", CSV, "skm_populasi", "skm_populasi.csv",
      "populasi '12.000' with a thousands separator: quarantined (survey populations come per quarter: "
      "run for December, 2026-Q4)",
      loaded(2, {3: [R["populasi_whole"]]}), period="2026-12")
def _():
    rows = [[KODE[CSV], "CORPUS.DPMPTSP", "2026-Q4", "1520"], [KODE[CSV], "CORPUS.RSUD", "2026-Q4", "12.000"]]
    return utf8(csv_text(POPULASI_COLS, rows))


@case("csv_enormous_field", CSV, "pegawai", "pegawai.csv",
      "a 5 MB nama (a runaway export): quarantined by the length rule, the rest loads. Built at test time "
      "(make_corpus.build), not kept on disk",
      loaded(4, {3: [R["nama_len"]]}), generated=True)
def _():
    rows = pegawai()
    rows[1][1] = "Budi Santoso " + "x" * (5 * 1024 * 1024)
    return utf8(csv_text(PEGAWAI_COLS, rows))


# ---- mapped (legacy) CSV
@case("legacy_utf8_when_cp1252", LEGACY, "pegawai", LEGACY_PEGAWAI_FILE,
      "the legacy export arrives in UTF-8 while the agencies file says cp1252 (would load as mojibake)",
      rejected("unreadable", r"is UTF-8.*options\.encoding.*cp1252"), suffix=".csv")
def _():
    return utf8(csv_text(LEGACY_PEGAWAI, legacy_pegawai(), sep=";", eol="\r\n"))


@case("legacy_valid_cp1252", LEGACY, "pegawai", LEGACY_PEGAWAI_FILE,
      "a correct cp1252 export (ñ = 0xF1), the control case for the one above: loads, name intact",
      loaded(3, raw=[{"row": 4, "column": "nama", "value": "Theresia Muñoz Kareth"},
                     {"row": 3, "column": "aktif", "value": "true"}]))
def _():
    return cp1252(csv_text(LEGACY_PEGAWAI, legacy_pegawai(), sep=";", eol="\r\n"))


@case("legacy_undefined_cp1252_byte", LEGACY, "pegawai", LEGACY_PEGAWAI_FILE,
      "a byte that Windows-1252 does not define (0x81) in the legacy export",
      rejected("unreadable", r"line 3 .*not valid cp1252.*0x81"))
def _():
    data = cp1252(csv_text(LEGACY_PEGAWAI, legacy_pegawai(), sep=";", eol="\r\n"))
    return data.replace(b"Maria Kogoya", b"Maria Ko\x81oya")


@case("legacy_comma_separated", LEGACY, "pegawai", LEGACY_PEGAWAI_FILE,
      "the legacy export separated by ',' while the agencies file says ';'",
      rejected("header", r"header lacks the columns NIP_BARU.*separated by ','.*';'"))
def _():
    return cp1252(csv_text(LEGACY_PEGAWAI, legacy_pegawai(), sep=",", eol="\r\n"))


@case("legacy_wrong_date_format", LEGACY, "evaluasi_periodik", LEGACY_EVALUASI_FILE,
      "TGL_PENILAIAN as '03-11-2026 09.15' where DD/MM/YYYY HH:MM is configured: passed on, quarantined",
      loaded(3, {3: [R["waktu_iso"]]}, raw=[{"row": 2, "column": "waktu_dinilai",
                                             "value": "2026-11-03T09:15:00+09:00"}]))
def _():
    rows = legacy_evaluasi()
    rows[1][10] = "04-11-2026 14.40"
    return cp1252(csv_text(LEGACY_EVALUASI, rows, sep=";", eol="\r\n"))


@case("legacy_decimal_comma_and_labels", LEGACY, "evaluasi_periodik", LEGACY_EVALUASI_FILE,
      "decimal commas as configured, 'Cukup' and 'SANGAT BAIK' as SEBUTAN: converted and normalised, loads",
      loaded(3, raw=[{"row": 2, "column": "nilai_skp", "value": "87.5"},
                     {"row": 3, "column": "nilai_perilaku", "value": "80.5"},
                     {"row": 3, "column": "predikat", "value": "BUTUH_PERBAIKAN"},
                     {"row": 4, "column": "predikat", "value": "SANGAT_BAIK"}]))
def _():
    rows = legacy_evaluasi()
    rows[1][8] = "Cukup"
    rows[2][8] = "SANGAT BAIK"
    return cp1252(csv_text(LEGACY_EVALUASI, rows, sep=";", eol="\r\n"))


@case("legacy_too_few_fields", LEGACY, "evaluasi_periodik", LEGACY_EVALUASI_FILE,
      "a legacy row that lost its last two fields",
      rejected("unreadable", r"row 3 has 10 fields, the header has 12"))
def _():
    text = csv_text(LEGACY_EVALUASI, legacy_evaluasi(), sep=";", eol="\r\n").split("\r\n")
    text[2] = text[2].rsplit(";", 2)[0]
    return cp1252("\r\n".join(text))


@case("legacy_empty", LEGACY, "pegawai", LEGACY_PEGAWAI_FILE,
      "a 0-byte legacy export",
      rejected("empty", r"the file is empty"))
def _():
    return b""


# ---- BKN e-Kinerja .xlsx
@case("xlsx_html_page", XLSX, "pegawai", "data_pegawai.xlsx",
      "the e-Kinerja session had expired: the login page was saved as data_pegawai.xlsx",
      rejected("unreadable", r"not a valid \.xlsx workbook.*HTML page"), suffix=".xlsx")
def _():
    return utf8("<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\"><title>Masuk - e-Kinerja BKN"
                "</title></head>\n<body><form action=\"/login\" method=\"post\"><p>Sesi Anda telah berakhir. "
                "Silakan masuk kembali.</p><input name=\"username\"><input name=\"password\" type=\"password\">"
                "</form></body></html>\n")


@case("xlsx_truncated", XLSX, "pegawai", "data_pegawai.xlsx",
      "the download broke off: the first 60% of a valid workbook",
      rejected("unreadable", r"not a valid \.xlsx workbook.*cut short"), suffix=".xlsx")
def _():
    data = xlsx_pegawai()
    return data[: len(data) * 6 // 10]


@case("xlsx_damaged_sheet", XLSX, "pegawai", "data_pegawai.xlsx",
      "bytes in the middle of the sheet overwritten (the archive is whole, the sheet's CRC is not)",
      rejected("unreadable", r"damaged|not a valid \.xlsx"), suffix=".xlsx")
def _():
    return damaged_member(xlsx_pegawai(), "xl/worksheets/sheet1.xml")


@case("xlsx_zero_bytes", XLSX, "pegawai", "data_pegawai.xlsx",
      "a 0-byte .xlsx (the download saved nothing)",
      rejected("empty", r"empty \(0 bytes\)"), suffix=".xlsx")
def _():
    return b""


@case("xlsx_legacy_xls", XLSX, "pegawai", "data_pegawai.xlsx",
      "an old binary .xls (OLE2) renamed to .xlsx",
      rejected("unreadable", r"not a valid \.xlsx workbook.*\.xls"), suffix=".xlsx")
def _():
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@case("xlsx_zip_not_a_workbook", XLSX, "pegawai", "data_pegawai.xlsx",
      "a zip archive of other files saved as .xlsx",
      rejected("unreadable", r"not a valid \.xlsx workbook"), suffix=".xlsx")
def _():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("laporan/data_pegawai.csv", date_time=FIXED.timetuple()[:6]),
                         csv_text(PEGAWAI_COLS, pegawai()))
    return out.getvalue()


@case("xlsx_no_header_row", XLSX, "pegawai", "data_pegawai.xlsx",
      "title rows and data, but the header row was deleted",
      rejected("header", r"no header row found in the first 20 rows for pegawai"), suffix=".xlsx")
def _():
    return xlsx([*xlsx_title("DAFTAR PEGAWAI"), *xlsx_pegawai_rows()])


@case("xlsx_header_only", XLSX, "pegawai", "data_pegawai.xlsx",
      "title rows and the header row, no data",
      rejected("empty", r"holds no rows"), suffix=".xlsx")
def _():
    return xlsx([*xlsx_title("DAFTAR PEGAWAI"), [], XLSX_PEGAWAI])


@case("xlsx_duplicate_header", XLSX, "pegawai", "data_pegawai.xlsx",
      "two columns labelled nip in the header row",
      rejected("header", r"two columns for nip"), suffix=".xlsx")
def _():
    rows = [[*row, row[1]] for row in xlsx_pegawai_rows()]
    return xlsx([*xlsx_title("DAFTAR PEGAWAI"), [], [*XLSX_PEGAWAI, "NIP"], *rows])


@case("xlsx_nip_as_number", XLSX, "pegawai", "data_pegawai.xlsx",
      "a NIP cell that Excel turned into a number (shown 1.98208E+17): read as Excel shows it, quarantined",
      loaded(3, {10: [R["nip18"], R["nip_pns"]]}), suffix=".xlsx")
def _():
    rows = xlsx_pegawai_rows()
    rows[1][1] = Num(198208172006041002)
    return xlsx([*xlsx_title("DAFTAR PEGAWAI"), [], XLSX_PEGAWAI, *rows])


@case("xlsx_label_drift", XLSX, "evaluasi_periodik", "laporan_penilaian_skp.xlsx",
      "e-Kinerja's spellings ('DI ATAS EKSPEKTASI', 'Cukup', 'Oktober 2026', 'Tidak', a date-time cell): loads",
      loaded(2, raw=[{"row": 9, "column": "rating_hasil_kerja", "value": "DIATAS"},
                     {"row": 9, "column": "periode", "value": PERIOD},
                     {"row": 10, "column": "predikat", "value": "BUTUH_PERBAIKAN"},
                     {"row": 10, "column": "waktu_dinilai", "value": "2026-11-03T10:02:00+07:00"}]),
      suffix=".xlsx")
def _():
    rows = [
        [1, NIP[1], "SKP-2026-0002", 2026, "Oktober 2026", "Tidak", "DI ATAS EKSPEKTASI", "Sesuai Ekspektasi",
         "Baik", NIP[0], dt.datetime(2026, 11, 3, 9, 15)],
        [2, NIP[2], "SKP-2026-0003", 2026, "Oktober 2026", "Tidak", "SESUAI EKSPEKTASI", "DI BAWAH EKSPEKTASI",
         "Cukup", NIP[0], dt.datetime(2026, 11, 3, 10, 2)],
    ]
    return xlsx([*xlsx_title("LAPORAN PENILAIAN SKP PERIODIK"), [], XLSX_EVALUASI, *rows])


@case("xlsx_unknown_label", XLSX, "evaluasi_periodik", "laporan_penilaian_skp.xlsx",
      "a rating e-Kinerja never prints ('Luar Biasa'): stays as printed, quarantined",
      loaded(2, {10: [R["rating_hasil"]]}), suffix=".xlsx")
def _():
    rows = [
        [1, NIP[1], "SKP-2026-0002", 2026, "Oktober 2026", "Tidak", "DI ATAS EKSPEKTASI", "Sesuai Ekspektasi",
         "Baik", NIP[0], dt.datetime(2026, 11, 3, 9, 15)],
        [2, NIP[2], "SKP-2026-0003", 2026, "Oktober 2026", "Tidak", "Luar Biasa", "SESUAI EKSPEKTASI",
         "Baik", NIP[0], dt.datetime(2026, 11, 3, 10, 2)],
    ]
    return xlsx([*xlsx_title("LAPORAN PENILAIAN SKP PERIODIK"), [], XLSX_EVALUASI, *rows])


# ---- Google-Forms SKM export
@case("forms_other_vocabulary", FORMS, "skm_responden", FORMS_FILE,
      "answers in another vocabulary (English, and another unsur's words): quarantined, not guessed",
      loaded(3, {2: [R["persyaratan"]], 4: [R["prosedur"]]}))
def _():
    rows = form_rows()
    rows[0][7] = "Very satisfied"
    rows[2][8] = "Sangat sesuai"  # the words of persyaratan under prosedur
    return utf8(csv_text(FORM_HEADER, rows, eol="\r\n"))


@case("forms_missing_question", FORMS, "skm_responden", FORMS_FILE,
      "the form lost its question on biaya (an edited form)",
      rejected("header", r"no question found for biaya"))
def _():
    drop = FORM_HEADER.index("Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?")
    header = [h for i, h in enumerate(FORM_HEADER) if i != drop]
    rows = [[v for i, v in enumerate(row) if i != drop] for row in form_rows()]
    return utf8(csv_text(header, rows, eol="\r\n"))


@case("forms_bad_timestamp", FORMS, "skm_responden", FORMS_FILE,
      "a Timestamp in a format no locale of Google Forms prints: the row is quarantined by the date rule",
      loaded(3, {3: [R["tanggal"]]}))
def _():
    rows = form_rows()
    rows[1][0] = "kemarin sore"
    return utf8(csv_text(FORM_HEADER, rows, eol="\r\n"))


@case("forms_cp1252", FORMS, "skm_responden", FORMS_FILE,
      "a Forms export re-saved by Excel in Windows-1252 (é in a suggestion)",
      rejected("unreadable", r"line 4 .*not valid UTF-8"))
def _():
    rows = form_rows()
    rows[2][16] = "Antrian perlu ditambah loket, café di lobi"
    return csv_text(FORM_HEADER, rows, eol="\r\n").encode("cp1252")


@case("forms_too_many_fields", FORMS, "skm_responden", FORMS_FILE,
      "an unquoted comma in a suggestion gives row 3 one field too many",
      rejected("unreadable", r"row 3 has 18 fields, the header has 17"))
def _():
    rows = form_rows()
    rows[1][16] = "ramah|sopan"
    return utf8(csv_text(FORM_HEADER, rows, eol="\r\n").replace("ramah|sopan", "ramah,sopan"))


# ---- API landing files (JSON lines)
@case("api_broken_line", API, "evaluasi_periodik", API_FILE,
      "line 2 of the landed JSON lines breaks off mid-record",
      rejected("unreadable", r"line 2 is not JSON"), suffix=".jsonl")
def _():
    lines = jsonl(api_records()).splitlines(keepends=True)
    lines[1] = lines[1][:60] + b"\n"
    return b"".join(lines)


@case("api_not_an_object", API, "evaluasi_periodik", API_FILE,
      "a line holding a JSON array instead of a record",
      rejected("unreadable", r"line 3 is not a JSON object"), suffix=".jsonl")
def _():
    lines = jsonl(api_records()).splitlines(keepends=True)
    lines[2] = b'["' + NIP[3].encode() + b'", "2026-10"]\n'
    return b"".join(lines)


@case("api_not_utf8", API, "evaluasi_periodik", API_FILE,
      "a Latin-1 byte in a landed API file",
      rejected("unreadable", r"line 3 is not valid UTF-8 \(byte 0xe9"), suffix=".jsonl")
def _():
    records = api_records()
    records[2]["skpId"] = "SKP-API-0004-é"
    return jsonl(records).replace("é".encode(), b"\xe9")


@case("api_nul_escape", API, "evaluasi_periodik", API_FILE,
      "a value with an escaped NUL (\\u0000), valid JSON but not storable as text",
      rejected("unreadable", r"line 2, field skpId.*NUL"), suffix=".jsonl")
def _():
    records = api_records()
    records[1]["skpId"] = "SKP-API-\u00000003"
    return jsonl(records)


@case("api_unknown_rating_code", API, "evaluasi_periodik", API_FILE,
      "a rating code the configured mapping does not know (9): passed on as '9', quarantined",
      loaded(3, {3: [R["rating_hasil"]]}), suffix=".jsonl")
def _():
    records = api_records()
    records[2]["hasilKinerjaNilai"] = 9
    return jsonl(records)


@case("api_blank_lines", API, "evaluasi_periodik", API_FILE,
      "blank lines between records: skipped, row numbers are the file's line numbers",
      loaded(3, {5: [R["waktu_iso"]]}), suffix=".jsonl")
def _():
    records = api_records()
    records[2]["waktuDinilai"] = "45965.35"
    lines = jsonl(records).splitlines(keepends=True)
    return lines[0] + b"\n" + lines[1] + b"\n" + lines[2]


@case("api_empty", API, "evaluasi_periodik", API_FILE,
      "an empty landed file",
      rejected("empty", r"holds no rows"), suffix=".jsonl")
def _():
    return b""


# --------------------------------------------------------------------------- output
def by_id() -> dict[str, Case]:
    return {c.id: c for c in CASES}


def build(case_id: str) -> bytes:
    """The bytes of one case's file."""
    return by_id()[case_id].make()


def cases_document() -> str:
    document = {
        "about": "Malformed deliveries and what the product must do with each; generated by make_corpus.py "
                 "(edit there, then run it). expect.status 'rejected': audit.batch status rejected with this gate, "
                 "rows_loaded 0, a message naming the file and matching the regex 'message'. 'loaded': status "
                 "loaded, rows_received = 'received' = rows_loaded + rows_quarantined, audit.quarantine holds "
                 "exactly the rows of 'quarantine' (row number as a person counts it: CSV header = row 1, "
                 "Excel's row number, the line of a JSON-lines file), each with at least the rules listed, and "
                 "raw.<entity> holds the values of 'raw'. Cases with 'generated': true have no file on disk: "
                 "the test builds them with make_corpus.build(id).",
        "period": PERIOD,
        "agencies": AGENCIES,
        "cases": [c.describe() for c in CASES],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(folder: Path = HERE) -> None:
    ids = [c.id for c in CASES]
    duplicated = {i for i in ids if ids.count(i) > 1}
    if duplicated:
        raise SystemExit(f"duplicate case ids: {', '.join(sorted(duplicated))}")
    for item in CASES:
        if item.generated:
            continue
        target = folder / item.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.make())
    (folder / "cases.json").write_text(cases_document(), encoding="utf-8")
    print(f"{len(CASES)} cases, {sum(not c.generated for c in CASES)} files under {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
