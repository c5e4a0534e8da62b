"""The disclosure audit: for every withheld number of the open data, the interval a reader can
derive from everything published beside it, by linear programming.

A reader holds the month's package and every earlier package still published. The audit reads
them as that reader does — the CSV files, nothing from the warehouse — and writes down what the
reader knows as linear relations between the numbers:

- each two-way table adds up: a row's cells to its total, the units' rows to the government's
  (predikat per unit and per government; compliance, training and feedback coverage per unit,
  with the headcounts; performance reports per government; complaints per service unit and channel);
- tables that count the same people are one system: a unit's predikat total is its number of
  evaluated staff in the compliance table (summed over regimes), the government's predikat
  total is the trend table's, a government's headcount in the compliance table is its headcount
  in the training table of the same month;
- a survey period is made of its quarters: a semester's respondents are its two quarters', a
  year's its two semesters' (the quarters are in earlier packages);
- a published percentage bounds its numerator and its denominator, to its rounding; a share of
  complaints answered within the standard bounds how many were;
- counts are whole and not negative, a subset is not larger than its set (on time ≤ evaluated,
  at the expectation ≤ trained, measurable RHK lines ≤ RHK lines).

suara_warga publishes no count of people, complaints or requests: each of its rates is shown only
where every number it is computed from is shown in the tables above, so it adds no relation on a
withheld number.

Each withheld number becomes a variable; its smallest and largest feasible values (HiGHS,
through scipy) are the interval the reader can narrow it to, rounded inward (counts are whole;
the tables are network-shaped, so the LP's bounds are the integer ones in the common case).
Relations that cannot connect two withheld numbers are solved apart: the system is split into
its connected parts first.

A withheld number is protected when the reader cannot exclude that it is 0 (a known 0 discloses
nobody), or can place it only in an interval at least `lebar_minimum` wide. And no predikat row
— a unit's or a government's evaluated staff — may be known to lie wholly in one predikat: each
member's predikat would follow (group disclosure, UU 14/2008 Ps. 17 h 4). Anything else is a
finding that names the file, the line, the column and the interval, and refuses the publication.
"""

from __future__ import annotations

import csv
import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# the predikat two-way tables: a month's, and a year's package's annual ones (etl/publish/tahunan.py)
PREDIKAT_FILES = ("distribusi_predikat", "distribusi_predikat_unit", "distribusi_predikat_tahunan",
                  "distribusi_predikat_unit_tahunan")
# other tables of people split YA / TIDAK per month (macro sel_ya_tidak): (file, unit column or None for
# the instansi's row, key prefix, measures); the instansi file and its unit file share the prefix
YA_TIDAK_FILES = (
    ("umpan_balik", None, "U", ("umpan_balik_tepat",)),
    ("umpan_balik_unit", "unit_kode", "U", ("umpan_balik_tepat",)),
    ("laporan_kinerja", None, "R", ("melapor", "tepat_waktu")),
)
PREDIKAT, PROSES, HITUNGAN = "predikat", "proses", "hitungan"
EPS = 1e-6
ROUNDING = 0.05  # percentages are published to one decimal

Key = tuple  # a number of the published system: (kind, *identity)


@dataclass(frozen=True)
class Finding:
    where: str     # file, line and column where the reader finds the withheld number
    rule: str      # interval-sempit | kelompok-predikat | tidak-konsisten
    detail: str
    key: tuple | None = field(default=None, compare=False)  # the number in the audit's system

    def __str__(self) -> str:
        return f"{self.where}: {self.rule}: {self.detail}"


@dataclass(frozen=True)
class Protection:
    """The settings of disclosure control (dbt_project.yml vars), as the audit applies them."""
    lebar_minimum: int = 3     # audit_lebar_minimum: narrowest interval for a count that may be small
    min_kelompok: int = 10     # publik_min_kelompok: smallest group whose process facts are published
    min_cell_size: int = 5     # min_cell_size: counts below it are withheld

    def __iter__(self):
        return iter((self.lebar_minimum, self.min_kelompok, self.min_cell_size))


@dataclass
class Relation:
    terms: dict[Key, float]
    op: str                 # "=" or "<="
    rhs: float = 0.0
    link: bool = False      # a relation between two tables (dropped with a note if the data breaks it)
    name: str = ""


@dataclass
class Result:
    findings: list[Finding]
    withheld: int           # withheld numbers audited
    solved: int             # linear programs solved
    seconds: float
    notes: list[str] = field(default_factory=list)
    intervals: dict[Key, tuple[float, float]] = field(default_factory=dict)


class System:
    """What a reader knows: published numbers, withheld ones (variables), and the relations."""

    def __init__(self):
        self.values: dict[Key, int | None] = {}   # published value, or None when withheld
        self.where: dict[Key, str] = {}           # the first place a reader finds a number
        self.origin: dict[Key, str] = {}          # the package (label) a number was first read from
        self.derived: set[Key] = set()            # numbers no file shows but relations need
        self.relations: list[Relation] = []
        self.rows: dict[Key, tuple[list[Key], Key]] = {}  # predikat rows: cells, total
        self.notes: list[str] = []
        # what kind of number each is, for the protection it needs: PREDIKAT (exempt evaluation
        # results), PROSES (an administrative process fact of a group: (group headcount key,
        # the instansi's count key, the instansi's headcount key)), or HITUNGAN (other counts)
        self.kinds: dict[Key, tuple] = {}

    # numbers ------------------------------------------------------------------------------
    def number(self, key: Key, text: str | None, where: str) -> Key:
        value = None if text in (None, "") else int(text)
        self.origin.setdefault(key, where.split("/", 1)[0])
        if key in self.values:
            known = self.values[key]
            if known is None and value is not None:
                self.values[key] = value  # withheld in one file, shown in another: the reader has it
                self.where[key] = where
            elif known is not None and value is not None and known != value:
                self.notes.append(f"{where} shows {value} where {self.where[key]} shows {known}")
        else:
            self.values[key] = value
            self.where[key] = where
        self.derived.discard(key)
        return key

    def aux(self, key: Key) -> Key:
        """A number the relations need that no file shows (a difference, an unpublished quarter)."""
        if key not in self.values:
            self.values[key] = None
            self.derived.add(key)
        return key

    def relate(self, terms: dict[Key, float], op: str = "=", rhs: float = 0.0, *, link: bool = False,
               name: str = "") -> None:
        for key in terms:
            if key not in self.values:
                self.aux(key)
        self.relations.append(Relation(dict(terms), op, rhs, link, name))

    def percent(self, text: str | None, part: dict[Key, float], whole: Key) -> None:
        """A published percentage 100·part/whole, rounded to one decimal: two inequalities."""
        if text in (None, ""):
            return
        p = float(text)
        upper: dict[Key, float] = defaultdict(float)
        lower: dict[Key, float] = defaultdict(float)
        for k, c in part.items():
            upper[k] += c
            lower[k] -= c
        upper[whole] -= (p + ROUNDING) / 100   # part <= (p + 0.05)% of whole
        lower[whole] += (p - ROUNDING) / 100   # part >= (p - 0.05)% of whole
        self.relate(dict(upper), "<=")
        self.relate(dict(lower), "<=")

    # solving ------------------------------------------------------------------------------
    def unknowns(self) -> list[Key]:
        return [k for k, v in self.values.items() if v is None]


def _read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _add_two_way(system: System, cells: dict[Key, dict[str, dict[str, Key]]], name: str) -> None:
    """Rows add up to their totals ('*' column), units' rows to the government's ('*' row)."""
    for group, table in cells.items():
        rows = table
        columns = sorted({c for row in rows.values() for c in row})
        for baris, row in rows.items():
            parts = {row[c]: 1.0 for c in columns if c != "*" and c in row}
            if "*" in row and parts:
                system.relate({**parts, row["*"]: -1.0}, name=f"{name} {group} {baris}")
        if "*" not in rows:
            continue
        for kolom in columns:
            parts = {row[kolom]: 1.0 for baris, row in rows.items() if baris != "*" and kolom in row}
            if kolom in rows["*"] and parts:
                system.relate({**parts, rows["*"][kolom]: -1.0}, name=f"{name} {group} kolom {kolom}")


def read_packages(packages: Iterable[tuple[str, Path]]) -> System:
    """The reader's system over packages, each (label, folder): the month's first, then the
    earlier ones; the label names a package in the findings (its month)."""
    system = System()
    predikat: dict = defaultdict(lambda: defaultdict(dict))   # (a, p, regime) -> baris -> kolom -> key
    kepatuhan: dict = defaultdict(lambda: defaultdict(dict))  # (a, p, ukuran) -> baris -> kolom -> key
    pelatihan: dict = defaultdict(lambda: defaultdict(dict))
    pengaduan: dict = defaultdict(lambda: defaultdict(dict))
    ya_tidak: dict = defaultdict(lambda: defaultdict(dict))  # (kind, a, m, ukuran) -> baris -> kolom -> key
    periode_bulan: dict = {}   # (a, bulan_laporan, regime) -> periode, from the predikat tables
    ikm_rows: list = []
    tren_rows: list = []
    predikat_totals: dict = defaultdict(set)  # (a, p, baris) -> regimes with a row
    kepatuhan_bulan: dict = {}  # (a, bulan_laporan) -> periode

    for label, folder in packages:
        folder = Path(folder)

        def at(file: str, line: int, column: str, label: str = label) -> str:
            return f"{label}/{file}.csv line {line}, {column}"

        for file in PREDIKAT_FILES:
            for line, r in enumerate(_read(folder / f"{file}.csv"), start=2):
                per_unit = "_unit" in file
                baris = r.get("unit_kode", "*") if per_unit else "*"
                group = (r["instansi_kode"], r["periode"], r["regime"])
                total_column = "jumlah_dinilai_unit" if per_unit else "jumlah_dinilai"
                cell = system.number(("P", *group, baris, r["predikat"]), r["jumlah_pegawai"],
                                     at(file, line, f"jumlah_pegawai ({r['predikat']})"))
                total = system.number(("P", *group, baris, "*"), r[total_column], at(file, line, total_column))
                predikat[group][baris][r["predikat"]] = cell
                predikat[group][baris]["*"] = total
                system.kinds[cell] = (PREDIKAT,)
                system.kinds[total] = (PROSES, ("KH", r["instansi_kode"], r["periode"], baris),
                                       ("K", r["instansi_kode"], r["periode"], "dievaluasi", "*", "YA"),
                                       ("KH", r["instansi_kode"], r["periode"], "*"))
                system.percent(r.get("persen_pegawai"), {cell: 1.0}, total)
                periode_bulan[(r["instansi_kode"], r["bulan_laporan"], r["regime"])] = r["periode"]
                predikat_totals[(r["instansi_kode"], r["periode"], baris)].add(r["regime"])

        for file, unit in (("kepatuhan", None), ("kepatuhan_unit", "unit_kode")):
            for line, r in enumerate(_read(folder / f"{file}.csv"), start=2):
                baris = r[unit] if unit else "*"
                a, p = r["instansi_kode"], r["periode"]
                kepatuhan_bulan[(a, r["bulan_laporan"])] = p
                head = system.number(("KH", a, p, baris), r["jumlah_pegawai"], at(file, line, "jumlah_pegawai"))
                for ukuran in ("punya_skp", "dievaluasi", "tepat_waktu"):
                    ya = system.number(("K", a, p, ukuran, baris, "YA"), r[f"jumlah_{ukuran}"],
                                       at(file, line, f"jumlah_{ukuran}"))
                    tidak = system.aux(("K", a, p, ukuran, baris, "TIDAK"))
                    kepatuhan[(a, p, ukuran)][baris] |= {"YA": ya, "TIDAK": tidak, "*": head}
                    system.kinds[ya] = (PROSES, head, ("K", a, p, ukuran, "*", "YA"), ("KH", a, p, "*"))
                    system.percent(r.get(f"persen_{ukuran}"), {ya: 1.0}, head)
                system.relate({("K", a, p, "tepat_waktu", baris, "YA"): 1.0,
                               ("K", a, p, "dievaluasi", baris, "YA"): -1.0}, "<=")

        for file, unit in (("pelatihan", None), ("pelatihan_unit", "unit_kode")):
            for line, r in enumerate(_read(folder / f"{file}.csv"), start=2):
                baris = r[unit] if unit else "*"
                a, m = r["instansi_kode"], r["bulan_laporan"]
                head = system.number(("LH", a, m, baris), r["jumlah_pegawai"], at(file, line, "jumlah_pegawai"))
                for ukuran in ("terlatih", "memenuhi_standar"):
                    ya = system.number(("L", a, m, ukuran, baris, "YA"), r[f"jumlah_{ukuran}"],
                                       at(file, line, f"jumlah_{ukuran}"))
                    tidak = system.aux(("L", a, m, ukuran, baris, "TIDAK"))
                    pelatihan[(a, m, ukuran)][baris] |= {"YA": ya, "TIDAK": tidak, "*": head}
                    system.kinds[ya] = (PROSES, head, ("L", a, m, ukuran, "*", "YA"), ("LH", a, m, "*"))
                    system.percent(r.get(f"persen_{ukuran}"), {ya: 1.0}, head)
                system.relate({("L", a, m, "memenuhi_standar", baris, "YA"): 1.0,
                               ("L", a, m, "terlatih", baris, "YA"): -1.0}, "<=")

        # feedback coverage and performance reports: YA/TIDAK of people per month, like training
        for file, unit, kind, measures in YA_TIDAK_FILES:
            for line, r in enumerate(_read(folder / f"{file}.csv"), start=2):
                baris = r[unit] if unit else "*"
                a, m = r["instansi_kode"], r["bulan_laporan"]
                head = system.number((kind + "H", a, m, baris), r["jumlah_pegawai"], at(file, line, "jumlah_pegawai"))
                for ukuran in measures:
                    ya = system.number((kind, a, m, ukuran, baris, "YA"), r[f"jumlah_{ukuran}"],
                                       at(file, line, f"jumlah_{ukuran}"))
                    tidak = system.aux((kind, a, m, ukuran, baris, "TIDAK"))
                    ya_tidak[(kind, a, m, ukuran)][baris] |= {"YA": ya, "TIDAK": tidak, "*": head}
                    system.kinds[ya] = (PROSES, head, (kind, a, m, ukuran, "*", "YA"), (kind + "H", a, m, "*"))
                    system.percent(r.get(f"persen_{ukuran}"), {ya: 1.0}, head)

        for line, r in enumerate(_read(folder / "pengaduan_unit.csv"), start=2):
            a, p, baris = r["instansi_kode"], r["periode"], r["unit_layanan_kode"]
            for column, kanal in (("jumlah_pengaduan", "*"), ("jumlah_online", "ONLINE"),
                                  ("jumlah_forum", "FORUM"), ("jumlah_tatap_muka", "TATAP_MUKA")):
                pengaduan[(a, p)][baris][kanal] = system.number(("A", a, p, baris, kanal), r[column],
                                                                at("pengaduan_unit", line, column))
            # answered within the standard: at most the complaints, and as the share says
            tepat = system.aux(("AR", a, p, baris))
            pengaduan[(a, p, "tepat")][baris]["*"] = tepat
            system.relate({tepat: 1.0, ("A", a, p, baris, "*"): -1.0}, "<=")
            system.percent(r.get("persen_respon_tepat_waktu"), {tepat: 1.0}, ("A", a, p, baris, "*"))

        for line, r in enumerate(_read(folder / "ikm_unit_layanan.csv"), start=2):
            key = system.number(("I", r["instansi_kode"], r["unit_layanan_kode"], r["periode"]),
                                r["jumlah_responden"], at("ikm_unit_layanan", line, "jumlah_responden"))
            ikm_rows.append((key, r["jenis_periode"]))

        for line, r in enumerate(_read(folder / "waktu_layanan.csv"), start=2):
            system.number(("W", r["instansi_kode"], r["unit_layanan_kode"], r["jenis_layanan"], r["bulan"]),
                          r["jumlah_transaksi"], at("waktu_layanan", line, "jumlah_transaksi"))

        # SKP quality: the measurable lines are at most the lines, as the share says (counts of lines)
        for line, r in enumerate(_read(folder / "mutu_skp.csv"), start=2):
            a, p = r["instansi_kode"], r["periode"]
            lines = system.number(("QR", a, p), r["jumlah_rhk"], at("mutu_skp", line, "jumlah_rhk"))
            measurable = system.number(("Q", a, p), r["jumlah_rhk_terukur"], at("mutu_skp", line, "jumlah_rhk_terukur"))
            system.relate({measurable: 1.0, lines: -1.0}, "<=")
            system.percent(r.get("persen_rhk_terukur"), {measurable: 1.0}, lines)

        for line, r in enumerate(_read(folder / "tren_bulanan.csv"), start=2):
            tren_rows.append((r, at("tren_bulanan", line, "jumlah_dinilai")))

    for group, rows in predikat.items():
        for baris, row in rows.items():
            system.rows[(*group, baris)] = ([k for c, k in sorted(row.items()) if c != "*"], row["*"])
    _add_two_way(system, predikat, "predikat")
    _add_two_way(system, kepatuhan, "kepatuhan")
    _add_two_way(system, pelatihan, "pelatihan")
    _add_two_way(system, pengaduan, "pengaduan")
    _add_two_way(system, ya_tidak, "ya-tidak")

    # one population in several tables
    for (a, p, ukuran), rows in kepatuhan.items():
        if ukuran != "dievaluasi":
            continue
        for baris in rows:
            regimes = predikat_totals.get((a, p, baris))
            if regimes:
                system.relate({**{("P", a, p, r, baris, "*"): 1.0 for r in regimes},
                               ("K", a, p, "dievaluasi", baris, "YA"): -1.0}, link=True,
                              name=f"predikat total = evaluated, {a} {p} {baris}")
    for (a, m, ukuran), rows in pelatihan.items():
        p = kepatuhan_bulan.get((a, m))
        if ukuran == "terlatih" and p is not None and ("KH", a, p, "*") in system.values:
            system.relate({("LH", a, m, "*"): 1.0, ("KH", a, p, "*"): -1.0}, link=True,
                          name=f"headcount in training = in compliance, {a} {m}")
    for r, where in tren_rows:
        a, bulan, regime = r["instansi_kode"], r["bulan"], r["regime"]
        if not regime:
            continue
        p = periode_bulan.get((a, bulan, regime))
        if p is None:
            continue
        total = ("P", a, p, regime, "*", "*")
        tren = system.number(("T", a, bulan, regime), r["jumlah_dinilai"], where)
        system.kinds[tren] = system.kinds.get(total, (HITUNGAN,))
        system.relate({tren: 1.0, total: -1.0}, link=True, name=f"trend = predikat total, {a} {bulan}")
        system.percent(r.get("persen_baik_ke_atas"), {("P", a, p, regime, "*", "SANGAT_BAIK"): 1.0,
                                                      ("P", a, p, regime, "*", "BAIK"): 1.0}, total)
        kp = kepatuhan_bulan.get((a, bulan))
        if kp is not None:
            system.percent(r.get("persen_dievaluasi"), {("K", a, kp, "dievaluasi", "*", "YA"): 1.0}, ("KH", a, kp, "*"))

    # survey periods nest: a semester is its quarters, a year its semesters
    for key, jenis in ikm_rows:
        _, a, unit, periode = key
        if jenis == "SEMESTERAN":
            year, half = periode[:4], int(periode[-1])
            parts = [("I", a, unit, f"{year}-Q{q}") for q in (2 * half - 1, 2 * half)]
        elif jenis == "TAHUNAN":
            parts = [("I", a, unit, f"{periode}-S{s}") for s in (1, 2)]
        else:
            continue
        system.relate({**{k: 1.0 for k in parts}, key: -1.0}, name=f"survey periods {a} {unit} {periode}")
    return system


def _components(system: System) -> list[tuple[list[Key], list[Relation]]]:
    """The system split into parts no relation connects, each with its unknowns and relations."""
    parent: dict[Key, Key] = {}

    def find(k: Key) -> Key:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    live = []
    for relation in system.relations:
        unknown = [k for k in relation.terms if system.values.get(k) is None]
        if not unknown:
            continue
        live.append((relation, unknown))
        first = find(unknown[0])
        for k in unknown[1:]:
            root = find(k)
            if root != first:
                parent[root] = first
    by_root: dict[Key, tuple[list[Key], list[Relation]]] = {}
    for k in system.unknowns():
        by_root.setdefault(find(k), ([], []))[0].append(k)
    for relation, unknown in live:
        by_root[find(unknown[0])][1].append(relation)
    return list(by_root.values())


class _Part:
    """One connected part of the system as a linear program over its unknowns."""

    def __init__(self, system: System, unknowns: list[Key], relations: list[Relation]):
        self.keys = unknowns
        self.index = {k: i for i, k in enumerate(unknowns)}
        self.eq, self.ub = [], []
        for relation in relations:
            coeffs = np.zeros(len(unknowns))
            rhs = relation.rhs
            for k, c in relation.terms.items():
                v = system.values.get(k)
                if v is None:
                    coeffs[self.index[k]] += c
                else:
                    rhs -= c * v
            (self.eq if relation.op == "=" else self.ub).append((coeffs, rhs, relation))
        self.solved = 0

    def _matrices(self, drop: set[int]):
        eq = [(c, r) for i, (c, r, _) in enumerate(self.eq) if i not in drop]
        a_eq = np.array([c for c, _ in eq]) if eq else None
        b_eq = np.array([r for _, r in eq]) if eq else None
        a_ub = np.array([c for c, _, _ in self.ub]) if self.ub else None
        b_ub = np.array([r for _, r, _ in self.ub]) if self.ub else None
        return a_eq, b_eq, a_ub, b_ub

    def optimise(self, objective: np.ndarray, drop: set[int] = frozenset()) -> float | None:
        """The minimum of objective·x; -inf when unbounded, None when infeasible."""
        from scipy.optimize import linprog

        a_eq, b_eq, a_ub, b_ub = self._matrices(drop)
        self.solved += 1
        result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                         bounds=[(0, None)] * len(self.keys), method="highs")
        if result.status == 3:
            return -math.inf
        if result.status != 0:
            return None
        return float(result.fun)

    def consistent(self, notes: list[str]) -> set[int] | None:
        """The equalities to leave out so that the part has a solution (links between tables the
        published numbers break, each with a note); None when no such choice helps."""
        probe = np.zeros(len(self.keys))
        if self.optimise(probe) is not None:
            return set()
        for i, (_, _, relation) in enumerate(self.eq):
            if relation.link and self.optimise(probe, {i}) is not None:
                notes.append(f"the relation '{relation.name}' does not hold in the published numbers")
                return {i}
        return None

    def interval(self, key: Key, drop: set[int]) -> tuple[float, float]:
        """The whole numbers a reader can narrow an unknown to."""
        objective = np.zeros(len(self.keys))
        objective[self.index[key]] = 1.0
        low = self.optimise(objective, drop)
        high = self.optimise(-objective, drop)
        lo = 0.0 if low is None or low == -math.inf else max(0.0, math.ceil(low - EPS))
        hi = math.inf if high is None or high == -math.inf else math.floor(-high + EPS)
        return lo, hi

    def most(self, keys: list[Key], drop: set[int]) -> float:
        """The largest feasible sum of some unknowns."""
        objective = np.zeros(len(self.keys))
        for k in keys:
            objective[self.index[k]] = -1.0
        found = self.optimise(objective, drop)
        return math.inf if found is None or found == -math.inf else -found


def audit(system: System, protection: Protection, focus: str | None = None) -> Result:
    """Every withheld number's interval, and the findings. With `focus` (a package's label), only
    the parts of the system that a number of that package enters are solved: the others hold
    earlier packages alone, audited when those were published."""
    started = time.perf_counter()
    findings: list[Finding] = []
    notes = list(system.notes)
    intervals: dict[Key, tuple[float, float]] = {}
    solved = 0
    row_of = {cell: row for row, (cells, _) in system.rows.items() for cell in cells}
    for unknowns, relations in _components(system):
        if focus is not None and not any(system.origin.get(k) == focus for r in relations for k in r.terms) \
                and not any(system.origin.get(k) == focus for k in unknowns):
            continue
        part = _Part(system, unknowns, relations)
        drop = part.consistent(notes)
        if drop is None:
            first = next((k for k in unknowns if k not in system.derived), unknowns[0])
            findings.append(Finding(system.where.get(first, str(first)), "tidak-konsisten",
                                    "the published numbers around it contradict each other", first))
            solved += part.solved
            continue
        for k in unknowns:
            if k not in system.derived:
                intervals[k] = part.interval(k, drop)
        rows = {row_of[k] for k in unknowns if k in row_of}
        findings += [f for row in sorted(rows) if (f := _group_disclosure(system, part, row, drop))]
        solved += part.solved
    findings += [f for k, interval in intervals.items()
                 if (f := _judge(system, intervals, k, interval, protection))]
    return Result(sorted(set(findings), key=lambda f: (f.where, f.rule)), len(intervals), solved,
                  time.perf_counter() - started, notes, intervals)


def _judge(system: System, intervals: dict, key: Key, interval: tuple[float, float], protection: Protection
           ) -> Finding | None:
    """Whether a withheld number is protected as its kind needs."""
    lo, hi = interval
    lebar_minimum, min_kelompok, min_cell_size = protection

    def pinned(k: Key) -> float | None:
        value = system.values.get(k)
        if value is not None:
            return value
        low, high = intervals.get(k, (0, math.inf))
        return low if low == high else None

    kind = system.kinds.get(key, (HITUNGAN,))
    if kind[0] == PROSES:
        group = system.values.get(kind[1])
        if group is None and kind[1] in intervals:
            group = intervals[kind[1]][1]
        if group is not None:
            # a process fact of a group large enough to publish it, or not pinned: protected
            if group >= min_kelompok or lo != hi or group == 0:
                return None
            instansi, instansi_group = pinned(kind[2]), pinned(kind[3])
            if lo == group and instansi is not None and instansi == instansi_group:
                return None  # everybody in the instansi: it says so itself
            if lo == 0 and instansi == 0:
                return None  # nobody in the instansi
            return Finding(system.where[key], "interval-sempit",
                           f"withheld for a group of {int(group)} people, but the published numbers pin it to {int(lo)}", key)
    # a count that may be small (1 to min_cell_size - 1, which is what is withheld): not pinned, nor
    # narrowed to fewer than lebar_minimum values beyond its lowest; a count known to be larger
    # than that is no small count, even when a reader can work it out
    if 1 <= lo < min_cell_size and hi - lo < lebar_minimum:
        shown = f"{int(lo)}" if hi == lo else f"between {int(lo)} and {int(hi)}"
        return Finding(system.where[key], "interval-sempit", f"withheld, but the published numbers pin it to {shown}",
                       key)
    return None


def _group_disclosure(system: System, part: _Part, row: Key, drop: set[int]) -> Finding | None:
    """A predikat row whose every other predikat is known to be 0: whoever of the row was
    evaluated has this one, so each member's predikat follows."""
    cells, total = system.rows[row]
    for cell in cells:
        others = [c for c in cells if c != cell]
        if any((system.values.get(c) or 0) > 0 for c in others):
            continue  # someone of the row is published in another predikat
        hidden = [c for c in others if system.values.get(c) is None]
        if hidden and part.most(hidden, drop) > EPS:
            continue
        value = system.values.get(cell)
        if (part.interval(cell, drop)[1] if value is None else value) < 1:
            continue  # nobody of the row can be in it either: an empty row tells nothing
        instansi, periode, _, baris = row
        who = "the government" if baris == "*" else f"unit {baris}"
        return Finding(system.where[total], "kelompok-predikat",
                       f"every evaluated employee of {who} ({instansi}, {periode}) follows as {cell[-1]}: "
                       f"each one's predikat is given away", total)
    return None


def audit_folders(period: str, package: Path, predecessors: dict[str, Path], protection: Protection) -> Result:
    """The month's package audited with the earlier packages a reader can still download
    (month -> folder). A finding may name a number of an earlier package: the month's numbers
    narrowed it."""
    return audit(read_packages([(period, Path(package)), *sorted(predecessors.items())]), protection, focus=period)
