"""The privacy scan: looks for personal data and unsuppressed small cells where the public reads.

Scans the `publik` schema and the files of an open-data package (CSV, Parquet, JSON metadata
and the HTML report) for:
- `kolom-pribadi`   a column whose name says personal data (NIP, NIK, nama, tanggal lahir,
                    alamat, telepon, email, respondent, saran …);
- `nomor-identitas` a number shaped like a NIP/NI PPPK (18 digits) or a NIK (16 digits);
- `nama-pegawai`    a value that is or contains the name of an employee of the warehouse;
- `teks-bebas`      free text: a survey respondent's saran, a complaint's uraian, a rater's feedback, a
                    leader's expectation, an employee's report (FREE_TEXT_COLUMNS), or what an employee
                    wrote in his SKP (an RHK's uraian, indicator or target in words), or any value long
                    enough to be prose rather than a label;
- `sel-kecil`       a count of people by predikat, of complaints, respondents or service requests
                    (or, in a table the scan does not know, any column named jumlah…) of 1 to
                    min_cell_size - 1;
- `kelompok-kecil`  a process fact (has an SKP, evaluated, on time, trained) shown for a group of
                    fewer than publik_min_kelompok people, other than none or all of them;
- `kelompok-predikat` a predikat row that shows zeros beside withheld cells holding all its people,
                    or shows its people all in one predikat;
- `selisih-antar-tabel` a unit's (or a government's) evaluated staff withheld in one table and
                    shown in the other (the predikat table's total, the compliance table's count).
The disclosure audit (etl/publish/disclosure.py) goes further: what every combination of the
published numbers, of this package and the earlier ones, tells of each withheld number.
Personal data never leaves the warehouse (UU 27/2022; UU 14/2008 Ps. 17 h 4, domain.md §5.3):
`kinerja publish` runs this scan on the package before putting it where readers look, and
refuses to publish when it finds anything.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq

from etl import warehouse

PERSONAL_COLUMN = re.compile(
    r"(^|_)(nip|nik|npwp|nama|tanggal_lahir|tgl_lahir|lahir|alamat|telepon|telp|no_hp|hp|email|"
    r"responden|responden_id|usia|saran|komentar|keluhan)(_|$)"
)
# unit_nama, instansi_nama and unit_layanan_nama name organisations, jenis_layanan_nama a kind of
# service (KTP-el, Akta Kelahiran), not people; jumlah_* are counts
ORGANISATION_NAME = re.compile(r"^(unit|instansi|unit_layanan|opd|jenis_layanan)_nama$")
IDENTITY_NUMBER = re.compile(r"(?<!\d)(\d{18}|\d{16})(?!\d)")
FREE_TEXT_LENGTH = 160
WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")
CHECKSUM = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")  # a file's checksum, not a number about a person


@dataclass(frozen=True)
class Finding:
    where: str   # table or file, and row/column where known
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}: {self.detail}"


def _redact(value: str) -> str:
    value = str(value)
    return value[:4] + "…" if len(value) > 4 else value


# the free text the warehouse holds (raw table, column): none of it may be published
FREE_TEXT_COLUMNS = (
    ("skm_responden", "saran"),        # a respondent's suggestion
    ("pengaduan", "uraian"),           # a complaint's text
    ("umpan_balik", "umpan_balik"),    # a rater's feedback
    ("perilaku_kerja", "ekspektasi"),  # a leader's expectation of a BerAKHLAK value
    ("laporan_kinerja", "capaian"),    # an employee's own report: achievements ...
    ("laporan_kinerja", "kendala"),    # ... and challenges
)


class Known:
    """What the warehouse knows that must not be published: employees' names and the free text of
    FREE_TEXT_COLUMNS (respondents' saran, complaints' uraian, feedback, expectations, reports)."""

    def __init__(self, names: set[str], free_text: set[str]):
        self.names = names
        self.free_text = free_text

    @classmethod
    def from_warehouse(cls, candidates: set[str]) -> "Known":
        """Only the candidates (word sequences of the scanned values) are looked up, so the scan
        costs what the public tables hold, not what the warehouse holds."""
        if not candidates:
            return cls(set(), set())
        with warehouse.connect() as conn:
            names = set()
            free = set()
            if conn.execute("select to_regclass('raw.pegawai') is not null").fetchone()[0]:
                names = {r[0] for r in conn.execute(
                    "select distinct lower(nama) from raw.pegawai where lower(nama) = any(%s)", (sorted(candidates),))}
            for table, column in FREE_TEXT_COLUMNS:
                if conn.execute("select to_regclass(%s) is not null", (f"raw.{table}",)).fetchone()[0]:
                    free |= {r[0] for r in conn.execute(
                        f'select distinct lower("{column}") from raw."{table}" where lower("{column}") = any(%s)',
                        (sorted(candidates),))}
            if conn.execute("select to_regclass('raw.rhk') is not null").fetchone()[0]:
                # what an employee wrote in his SKP (the result, the indicator, a target in words) is his
                # own text: the SKP quality tables publish counts of it, never the text. Texts of four
                # words or more: a two-word target ('tepat waktu') is a label the report may say too
                free |= {r[0] for r in conn.execute(
                    "select distinct lower(v) from raw.rhk, "
                    "lateral (values (rhk_uraian), (indikator), (target_teks)) as t(v) "
                    "where lower(v) = any(%s)", (sorted(candidates),)) if len(r[0].split()) >= 4}
        return cls(names, free)


def _windows(value: str) -> set[str]:
    """Every sequence of two to five words of a value, and the whole value, in lower case."""
    text = " ".join(value.split()).lower()
    words = WORD.findall(text)
    out = {text}
    for size in range(2, 6):
        out |= {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}
    return out


# how each public table's counts are protected (by file name; the table is pub_<file>): small
# counts withheld, or process facts withheld for small groups (the group's size column, the counts)
SMALL_COUNTS = {
    "distribusi_predikat": ("jumlah_pegawai",),
    "distribusi_predikat_unit": ("jumlah_pegawai",),
    "pengaduan_unit": ("jumlah_pengaduan", "jumlah_online", "jumlah_forum", "jumlah_tatap_muka"),
    "ikm_unit_layanan": ("jumlah_responden",),
    "waktu_layanan": ("jumlah_transaksi",),
}
GROUP_COUNTS = {
    "kepatuhan": ("jumlah_pegawai", ("jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu")),
    "kepatuhan_unit": ("jumlah_pegawai", ("jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu")),
    "pelatihan": ("jumlah_pegawai", ("jumlah_terlatih", "jumlah_memenuhi_standar")),
    "pelatihan_unit": ("jumlah_pegawai", ("jumlah_terlatih", "jumlah_memenuhi_standar")),
    # RHK lines that can be measured: a process fact of the staff with lines (counts of lines, not people)
    "mutu_skp": ("jumlah_pegawai", ("jumlah_rhk_terukur",)),
    "umpan_balik": ("jumlah_pegawai", ("jumlah_umpan_balik_tepat",)),
    "umpan_balik_unit": ("jumlah_pegawai", ("jumlah_umpan_balik_tepat",)),
    "laporan_kinerja": ("jumlah_pegawai", ("jumlah_melapor", "jumlah_tepat_waktu")),
    "berakhlak": ("jumlah_pegawai", ("jumlah_diatas", "jumlah_dibawah")),
}
# tables whose other counts are no count of people of their own (totals of the tables above)
NO_SMALL_COUNTS = {"tren_bulanan", "capaian_iku",
                   # counts of service units (not people) beside rates taken from the tables above
                   "suara_warga"}


class Scan:
    """Collects the values of everything scanned, then judges them together."""

    def __init__(self, min_cell_size: int = 5, min_kelompok: int = 10):
        self.min_cell_size = min_cell_size
        self.min_kelompok = min_kelompok
        self.findings: list[Finding] = []
        self._texts: list[tuple[str, str]] = []  # (where, value)

    def column(self, where: str, name: str) -> None:
        lowered = name.lower()
        if PERSONAL_COLUMN.search(lowered) and not ORGANISATION_NAME.match(lowered) and not lowered.startswith("jumlah_"):
            self.findings.append(Finding(where, "kolom-pribadi", f"column {name!r} names personal data"))

    def row(self, where: str, table: str, row: dict) -> None:
        """A row of a table: each value, and the table's rule for its counts."""
        for column, value in row.items():
            self.value(where, column, value)
        small = SMALL_COUNTS.get(table)
        group = GROUP_COUNTS.get(table)
        if group is not None:
            size = row.get(group[0])
            for column in group[1]:
                count = row.get(column)
                if (isinstance(count, int) and isinstance(size, int) and size < self.min_kelompok
                        and count not in (0, size)):
                    self.findings.append(Finding(f"{where}, {column}", "kelompok-kecil",
                                                 f"{count} of a group of {size} people is shown (below "
                                                 f"{self.min_kelompok}, only none or all may be)"))
            return
        if table in NO_SMALL_COUNTS:
            return
        for column, value in row.items():
            if small is not None and column not in small:
                continue
            if (isinstance(value, int) and not isinstance(value, bool) and column.lower().startswith("jumlah")
                    and 1 <= value < self.min_cell_size):
                self.findings.append(Finding(f"{where}, {column}", "sel-kecil",
                                             f"count {value} is below {self.min_cell_size} and not withheld"))

    def value(self, where: str, column: str, value) -> None:
        if value is None or isinstance(value, bool):
            return
        text = str(value)
        if IDENTITY_NUMBER.search(text):
            self.findings.append(Finding(f"{where}, {column}", "nomor-identitas",
                                         f"a NIP/NIK-shaped number {_redact(IDENTITY_NUMBER.search(text).group(1))}"))
        if isinstance(value, str):
            if len(text) > FREE_TEXT_LENGTH:
                self.findings.append(Finding(f"{where}, {column}", "teks-bebas",
                                             f"{len(text)} characters of free text ({_redact(text)})"))
            self._texts.append((f"{where}, {column}", text))

    def text(self, where: str, value: str) -> None:
        """Prose (metadata, the report's text): checked for identity numbers, names and saran only."""
        match = IDENTITY_NUMBER.search(CHECKSUM.sub(" ", value))
        if match:
            self.findings.append(Finding(where, "nomor-identitas", f"a NIP/NIK-shaped number {_redact(match.group(1))}"))
        self._texts.append((where, value))

    def finish(self, known: Known | None = None) -> list[Finding]:
        """Judge the collected text against the warehouse's names and saran."""
        if known is None:
            candidates = set().union(*(_windows(text) for _, text in self._texts)) if self._texts else set()
            known = Known.from_warehouse(candidates)
        for where, text in self._texts:
            windows = _windows(text)
            if windows & known.names:
                self.findings.append(Finding(where, "nama-pegawai",
                                             f"contains an employee's name ({_redact(sorted(windows & known.names)[0])})"))
            if windows & known.free_text:
                self.findings.append(Finding(where, "teks-bebas", "free text held in the warehouse (saran, complaint, "
                                                                  f"feedback, report, SKP text) ({_redact(text)})"))
        return sorted(set(self.findings), key=lambda f: (f.where, f.rule, f.detail))


def scan_schema(schema: str = "publik", min_cell_size: int = 5, known: Known | None = None,
                min_kelompok: int = 10) -> list[Finding]:
    """Every column and every value of every table in the schema."""
    scan = Scan(min_cell_size, min_kelompok)
    with warehouse.connect() as conn:
        tables = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = %s order by 1", (schema,))]
        for table in tables:
            cursor = conn.execute(f'select * from "{schema}"."{table}"')
            names = [d.name for d in cursor.description]
            for name in names:
                scan.column(f"{schema}.{table}", name)
            for number, row in enumerate(cursor, start=1):
                scan.row(f"{schema}.{table} row {number}", table.removeprefix("pub_"), dict(zip(names, row)))
    return scan.finish(known)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        if data.strip():
            self.parts.append(data.strip())


def _typed_csv_value(text: str):
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else text


def scan_folder(folder: Path, min_cell_size: int = 5, known: Known | None = None,
                min_kelompok: int = 10) -> list[Finding]:
    """Every file of an open-data package, and its tables against each other."""
    scan = Scan(min_cell_size, min_kelompok)
    for path in sorted(Path(folder).iterdir()):
        where = path.name
        if path.suffix == ".csv":
            with open(path, newline="", encoding="utf-8") as fh:  # row by row: no whole file in memory
                reader = csv.reader(fh)
                header = next(reader, [])
                for name in header:
                    scan.column(where, name)
                for number, row in enumerate(reader, start=2):
                    scan.row(f"{where} line {number}", path.stem,
                             {name: _typed_csv_value(text) for name, text in zip(header, row) if text != ""})
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            for name in table.column_names:
                scan.column(where, name)
            for number, row in enumerate(table.to_pylist(), start=1):
                for name, value in row.items():
                    scan.value(f"{where} row {number}", name, value)
        elif path.suffix == ".json":
            _scan_json(scan, where, json.loads(path.read_text(encoding="utf-8")))
        elif path.suffix == ".html":
            parser = _Text()
            parser.feed(path.read_text(encoding="utf-8"))
            for number, text in enumerate(parser.parts, start=1):
                scan.text(f"{where} text {number}", text)
    scan.findings += across_tables(Path(folder))
    return scan.finish(known)


def _csv_rows(path: Path) -> list[tuple[int, dict]]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(enumerate(csv.DictReader(fh), start=2))


def across_tables(folder: Path) -> list[Finding]:
    """What a reader sees by setting a package's tables side by side: a predikat row that gives its
    people away (zeros beside its withheld cells — unless every reader knows the zero: its column
    adds up to 0 —, or all its people in one shown predikat), and a unit's evaluated staff withheld
    in one table but shown in the other."""
    findings = []
    totals: dict[tuple, list] = {}   # (instansi, periode, baris) -> [(where, total)] over regimes
    column_totals = {}
    for number, r in _csv_rows(folder / "distribusi_predikat.csv"):
        column_totals[(r["instansi_kode"], r["periode"], r["regime"], r["predikat"])] = r["jumlah_pegawai"]
    for file, unit in (("distribusi_predikat", None), ("distribusi_predikat_unit", "unit_kode")):
        rows: dict[tuple, list] = {}
        for number, r in _csv_rows(folder / f"{file}.csv"):
            baris = r[unit] if unit else "*"
            rows.setdefault((r["instansi_kode"], r["periode"], r["regime"], baris), []).append((number, r))
        total_column = "jumlah_dinilai_unit" if unit else "jumlah_dinilai"
        for (instansi, periode, regime, baris), members in rows.items():
            where = f"{file}.csv line {members[0][0]}"
            who = "the government" if baris == "*" else f"unit {baris}"
            cells = [(r["predikat"], r["jumlah_pegawai"]) for _, r in members]
            shown = [(p, int(v)) for p, v in cells if v != ""]
            withheld = [p for p, v in cells if v == ""]
            informative_zeros = [p for p, v in shown if v == 0
                                 and (baris == "*" or column_totals.get((instansi, periode, regime, p)) not in ("0",))]
            if withheld and not any(v > 0 for _, v in shown) and informative_zeros:
                findings.append(Finding(where, "kelompok-predikat",
                                        f"{who} ({instansi}, {periode}) shows 0 beside its withheld "
                                        f"{', '.join(withheld)}: its people are all there"))
            if not withheld and sum(1 for _, v in shown if v > 0) == 1:
                only = next(p for p, v in shown if v > 0)
                findings.append(Finding(where, "kelompok-predikat",
                                        f"every evaluated employee of {who} ({instansi}, {periode}) is shown as {only}"))
            totals.setdefault((instansi, periode, baris), []).append((where, members[0][1][total_column]))
    for file, unit in (("kepatuhan", None), ("kepatuhan_unit", "unit_kode")):
        for number, r in _csv_rows(folder / f"{file}.csv"):
            key = (r["instansi_kode"], r["periode"], r[unit] if unit else "*")
            predikat = totals.get(key)
            if not predikat:
                continue
            evaluated = r["jumlah_dievaluasi"]
            predikat_shown = all(v != "" for _, v in predikat)
            if (evaluated != "") != predikat_shown:
                where, _ = predikat[0]
                shown_in, withheld_in = ((f"{file}.csv line {number}", where) if evaluated != ""
                                         else (where, f"{file}.csv line {number}"))
                findings.append(Finding(withheld_in, "selisih-antar-tabel",
                                        f"the evaluated staff of {key[2]} ({key[0]}, {key[1]}) are withheld here "
                                        f"but shown in {shown_in}"))
    return findings


def _scan_json(scan: Scan, where: str, node, path: str = "") -> None:
    """Metadata: only identity numbers and names matter (descriptions are long by nature)."""
    if isinstance(node, dict):
        for key, value in node.items():
            _scan_json(scan, where, value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _scan_json(scan, where, value, f"{path}[{index}]")
    elif isinstance(node, str):
        scan.text(f"{where} {path}", node)
