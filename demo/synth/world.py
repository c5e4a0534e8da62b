"""The demo world's governments, people and records, as canonical frames.

Everything is derived from (seed, government, OPD block, period) through its own random stream,
so a block can be regenerated for any month without keeping the roster in memory: memory grows
with the size of one OPD, not with the number of employees.

What the world holds for each government and period, per canonical entity (contracts.md §2):
units (a tree: the government's root, its OPDs, their bidang and service units), employees with
valid NIPs (PNS/CPNS and PPPK forms, domain.md §3) and supervisors, periodic evaluations whose
predikat follow quotas within the distribution curve of the unit's own predikat (domain.md §1.5),
RHK lines with targets and realisation, the units' predikat, and SKM responses with populations.

Findings an auditor must see and defects real data has are planted by demo.synth.plant, not here.
"""

from __future__ import annotations

import csv
import math
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from etl.canonical import SKM_UNSUR, entity as entity_def
from etl.config import dbt_project_dir


def _matrix() -> dict[tuple[str, str], str]:
    """PermenPANRB 6/2022 (domain.md §1.3): (hasil, perilaku) -> predikat, from the dbt seed the
    warehouse applies (seeds/matriks_predikat_permen6_2022.csv), in its row order: one copy of the rule."""
    with open(dbt_project_dir() / "seeds" / "matriks_predikat_permen6_2022.csv", newline="", encoding="utf-8") as fh:
        return {(row["rating_hasil_kerja"], row["rating_perilaku_kerja"]): row["predikat"] for row in csv.DictReader(fh)}


MATRIX = _matrix()
PAIRS_FOR: dict[str, list[tuple[str, str]]] = {}
for _pair, _predikat in MATRIX.items():
    PAIRS_FOR.setdefault(_predikat, []).append(_pair)

# PP 30/2019 (domain.md §1.9): nilai = 70% SKP + 30% perilaku; bands on that value
PP30_WEIGHTS = (0.7, 0.3)

GIVEN = ["Andi", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
         "Maya", "Nanda", "Oktavia", "Putri", "Rahmat", "Sari", "Taufik", "Utami", "Vivi", "Wahyu", "Yusuf", "Zainal",
         "Rina", "Syafril", "Yuliani", "Afrizal", "Nofri", "Desmawati", "Yohanes", "Marthen", "Agustina", "Petrus",
         "Ketut", "Made", "Siti", "Nur", "Ahmad", "Rizky"]
FAMILY = ["Saputra", "Wulandari", "Hidayat", "Rahmawati", "Putra", "Sari", "Nasution", "Siregar", "Chaniago",
          "Piliang", "Tanjung", "Koto", "Sikumbang", "Harahap", "Rumbiak", "Wanggai", "Kambu", "Yoku", "Sembiring",
          "Pratama", "Kurniawan", "Lubis", "Simanjuntak", "Batubara", "Hutapea", "Wijaya", "Setiawan", "Gultom"]
GOLONGAN_PNS = ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c"]
GOLONGAN_PPPK = ["V", "VII", "IX", "X", "XI"]
JENIS_LAYANAN = {
    "KTP": "Perekaman KTP-el", "KK": "Kartu Keluarga", "AKTA": "Akta Kelahiran", "IZIN": "Perizinan Berusaha",
    "KES": "Pelayanan Kesehatan", "PAJAK": "Pajak Daerah", "SURAT": "Surat Keterangan",
}
PENDIDIKAN = ["SD", "SMP", "SMA", "D3", "S1", "S2"]
PEKERJAAN = ["PNS", "TNI/Polri", "Swasta", "Wiraswasta", "Pelajar/Mahasiswa", "Petani", "Lainnya"]
UNSUR = list(SKM_UNSUR)

# the distribution of a unit's own predikat (set by the level above)
ORG_PREDIKAT = ["ISTIMEWA", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]
ORG_PREDIKAT_P = [0.12, 0.70, 0.12, 0.05, 0.01]


@dataclass(frozen=True)
class Government:
    kode: str
    nama: str
    jenis: str
    periodicity: str  # monthly | quarterly (its evaluation cycle)
    regime: str  # PERMEN6_2022 | PP30_2019
    share: float  # of --employees
    opds: tuple[str, ...]
    services: tuple[str, ...]  # kinds of service unit under OPDs (puskesmas, kelurahan, ...)


GOVERNMENTS: tuple[Government, ...] = (
    Government("KEPAHIANG", "Pemerintah Kabupaten Kepahiang", "kabupaten", "monthly", "PERMEN6_2022", 0.25,
               ("Dinas Kependudukan dan Pencatatan Sipil", "Dinas Kesehatan", "Dinas Pendidikan",
                "Badan Kepegawaian dan Pengembangan SDM", "Dinas Penanaman Modal dan PTSP", "Kecamatan Kepahiang",
                "Badan Keuangan Daerah", "Dinas Sosial"),
               ("Puskesmas", "Kelurahan", "Loket Pelayanan")),
    Government("PAUH", "Kecamatan Pauh", "kecamatan", "monthly", "PERMEN6_2022", 0.06,
               ("Sekretariat Kecamatan", "Seksi Pemerintahan", "Seksi Pelayanan Umum dan Kependudukan",
                "Seksi Ketenteraman dan Ketertiban Umum"),
               ("Kelurahan",)),
    Government("LAMPUNG", "Pemerintah Provinsi Lampung", "provinsi", "quarterly", "PERMEN6_2022", 0.34,
               ("Dinas Pendidikan dan Kebudayaan", "Dinas Kesehatan", "Badan Pendapatan Daerah",
                "Badan Kepegawaian Daerah", "Dinas Penanaman Modal dan PTSP", "Dinas Perhubungan",
                "Dinas Sosial", "Inspektorat", "Dinas Pekerjaan Umum dan Penataan Ruang", "RSUD Abdul Moeloek"),
               ("UPTD Pelayanan", "Samsat", "Sekolah")),
    Government("JAMBI", "Pemerintah Kota Jambi", "kota", "monthly", "PERMEN6_2022", 0.21,
               ("Dinas Kependudukan dan Pencatatan Sipil", "Dinas Kesehatan", "Dinas Pendidikan",
                "Badan Kepegawaian dan Pengembangan SDM", "Dinas Perhubungan", "Kecamatan Kota Baru"),
               ("Puskesmas", "Kelurahan")),
    Government("WANGGAR", "Pemerintah Distrik Wanggar", "distrik", "monthly", "PP30_2019", 0.14,
               ("Sekretariat Distrik", "Seksi Pemerintahan Kampung", "Seksi Pelayanan Umum",
                "Puskesmas Distrik"),
               ("Kampung",)),
)
GOVERNMENT = {g.kode: g for g in GOVERNMENTS}

PERSON_COLUMNS = list(entity_def("pegawai").columns)


def rng_for(seed: int, *parts: object) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(map(str, parts)).encode())])


def employees_of(government: Government, total: int) -> int:
    return max(12, round(total * government.share))


def opd_count(government: Government, total: int) -> int:
    """OPDs grow with size: the named ones first, then numbered ones, about 60-2,000 staff each."""
    n = employees_of(government, total)
    return max(2, min(len(government.opds), math.ceil(n / 25))) if n <= 2000 * len(government.opds) \
        else math.ceil(n / 2000)


def opd_name(government: Government, index: int) -> str:
    if index < len(government.opds):
        return government.opds[index]
    base = government.opds[index % len(government.opds)]
    return f"{base} Wilayah {index // len(government.opds) + 1}"


@dataclass(frozen=True)
class Unit:
    kode: str
    nama: str
    induk: str | None
    layanan: bool
    jenis_layanan: str | None = None


def units_of_opd(government: Government, index: int, seed: int, total: int) -> list[Unit]:
    """An OPD and its bidang and service units (a stable tree for the whole demo world)."""
    rng = rng_for(seed, government.kode, "opd-units", index)
    root = government.kode
    code = f"{root}.OPD{index + 1:03d}"
    staff = _opd_sizes(government, seed, total)[index]
    n_bidang = int(np.clip(staff // 12, 1, 6))
    n_service = int(np.clip(staff // 30, 1, 8)) if (index == 0 or rng.random() < 0.8) else 0
    units = [Unit(code, opd_name(government, index), root, False)]
    for b in range(n_bidang):
        units.append(Unit(f"{code}.B{b + 1}", f"Bidang {b + 1} {opd_name(government, index)}", code, False))
    kinds = list(JENIS_LAYANAN)
    for s in range(n_service):
        kind = government.services[s % len(government.services)]
        units.append(Unit(f"{code}.L{s + 1}", f"{kind} {s + 1} {opd_name(government, index)}", code, True,
                          kinds[int(rng.integers(0, len(kinds)))]))
    return units


# Units planted at the distribution curve's limit (domain.md §1.5; demo.synth.careers plants their acting
# posts): (name in the manifest, people rated Baik, people rated Butuh Perbaikan). The last OPD but one is
# a Baik unit at exactly 70 % Baik (7 of 10 people), the last one over it by people (8 of 11 = 72.7 %), in
# every PermenPANRB 6/2022 government with four OPDs or more.
KURVA_BATAS: tuple[tuple[str, int, int], ...] = (("unit_batas", 7, 3), ("unit_lewat", 8, 3))


def planted_curve_units(government: Government, total: int) -> dict[int, tuple[str, int, int]]:
    """OPD index -> its KURVA_BATAS entry, for the government's units planted at the curve's limit."""
    k = opd_count(government, total)
    if government.regime != "PERMEN6_2022" or k < 4:
        return {}
    return {k - len(KURVA_BATAS) + i: planted for i, planted in enumerate(KURVA_BATAS)}


def opd_predikat(government: Government, index: int, period: str, seed: int, total: int) -> str:
    """An OPD's own predikat in an evaluation period (set by the level above); a unit planted at the
    curve's limit is Baik. Every part of the demo world that reads a unit's periodic predikat asks here."""
    if index in planted_curve_units(government, total):
        return "BAIK"
    return org_predikat(f"{government.kode}.OPD{index + 1:03d}", period, seed)


@lru_cache(maxsize=64)
def _opd_sizes(government: Government, seed: int, total: int) -> tuple[int, ...]:
    """Staff per OPD (the government's head and its secretariat count in OPD 0); the units planted at
    the curve's limit have exactly their people, the others share what that frees."""
    n = employees_of(government, total)
    k = opd_count(government, total)
    weights = rng_for(seed, government.kode, "opd-sizes").uniform(0.6, 1.4, size=k)
    sizes = np.maximum(3, np.floor(weights / weights.sum() * n)).astype(int)
    sizes[0] += max(0, n - int(sizes.sum()))
    planted = planted_curve_units(government, total)
    if planted:
        freed = sum(int(sizes[i]) - baik - bp for i, (_, baik, bp) in planted.items())
        for i, (_, baik, bp) in planted.items():
            sizes[i] = baik + bp
        others = [i for i in range(k) if i not in planted]
        share, rest = divmod(freed, len(others))
        for j, i in enumerate(others):
            sizes[i] += share + (1 if j < rest else 0)
    return tuple(int(s) for s in sizes)


def root_unit(government: Government) -> Unit:
    return Unit(government.kode, government.nama, None, False)


def all_units(government: Government, seed: int, total: int) -> Iterator[list[Unit]]:
    yield [root_unit(government)]
    for index in range(opd_count(government, total)):
        yield units_of_opd(government, index, seed, total)


BIRTH_DAYS = 365 * 34  # birth dates from 1966-01-01 on


def _nip(rng: np.random.Generator, status: str, taken: set[str], residue: int, classes: int) -> str:
    """A valid NIP (domain.md §3.1-3.2), unique within the government by construction: its birth
    date's day number falls in the residue class `residue` mod `classes` (one class per OPD, one
    for people outside the roster), so NIPs of different OPDs can never meet, whatever the size;
    within an OPD the sequence number grows on a collision, as BKN does."""
    if classes > BIRTH_DAYS:
        raise ValueError(f"{classes} OPDs are more than the {BIRTH_DAYS} birth dates that keep NIPs apart")
    day = int(rng.integers(0, (BIRTH_DAYS - residue + classes - 1) // classes)) * classes + residue
    birth = pd.Timestamp("1966-01-01") + pd.Timedelta(days=day)
    gender = str(int(rng.integers(1, 3)))
    if status in ("PPPK", "PPPK_PARUH_WAKTU"):
        code = "21" if status == "PPPK" else "24"  # domain.md §3.2: not a month
        middle = f"{int(rng.integers(2021, 2026))}{code}"
    else:
        start_year = min(2024, birth.year + int(rng.integers(20, 32)))
        middle = f"{start_year}{int(rng.integers(1, 13)):02d}"
    stem = f"{birth:%Y%m%d}{middle}{gender}"
    urut = 1
    while f"{stem}{urut:03d}" in taken:
        urut += 1
    nip = f"{stem}{urut:03d}"
    taken.add(nip)
    return nip


def nip_classes(government: Government, total: int) -> int:
    """Residue classes of birth dates: one per OPD, and the last for people outside the roster."""
    return opd_count(government, total) + 1


def head_of_government_nip(government: Government, seed: int, total: int) -> str:
    rng = rng_for(seed, government.kode, "head")
    return _nip(rng, "PNS", set(), 0, nip_classes(government, total))  # in OPD 0's roster and class


def external_rater_nip(government: Government, seed: int, total: int) -> str:
    """The rater of the government's own head (outside its roster, e.g. the level above)."""
    rng = rng_for(seed, government.kode, "external-rater")
    classes = nip_classes(government, total)
    return _nip(rng, "PNS", set(), classes - 1, classes)


def people_of_opd(government: Government, index: int, seed: int, total: int) -> pd.DataFrame:
    """The OPD's employees as a canonical `pegawai` frame plus helper columns (x_role, _base_unit)."""
    rng = rng_for(seed, government.kode, "opd-people", index)
    units = units_of_opd(government, index, seed, total)
    opd, bidang, services = units[0], [u for u in units if ".B" in u.kode], [u for u in units if u.layanan]
    size = _opd_sizes(government, seed, total)[index]
    taken: set[str] = set()
    classes = nip_classes(government, total)
    rows = []
    head_gov = head_of_government_nip(government, seed, total)
    if index == 0:  # the government's head sits in OPD 0's roster
        rows.append(_person(rng, head_gov, "PNS", government.kode, "", "Kepala / Sekretaris", "JPT_PRATAMA",
                            "head_government", golongan="IV/c"))
        taken.add(head_gov)
    head_opd = _nip(rng, "PNS", taken, index, classes)
    rows.append(_person(rng, head_opd, "PNS", opd.kode, head_gov, f"Kepala {opd.nama}",
                        "ADMINISTRATOR" if government.jenis in ("kecamatan", "distrik") else "JPT_PRATAMA",
                        "head_opd", golongan="IV/b"))
    leaders = {}
    for unit in bidang + services:
        nip = _nip(rng, "PNS", taken, index, classes)
        leaders[unit.kode] = nip
        rows.append(_person(rng, nip, "PNS", unit.kode, head_opd, f"Kepala {unit.nama.split(' ')[0]}",
                            "PENGAWAS" if ".L" in unit.kode else "ADMINISTRATOR", "head_unit",
                            golongan=GOLONGAN_PNS[int(rng.integers(6, 9))]))
    members = bidang + services
    while len(rows) < size + (1 if index == 0 else 0):
        unit = members[int(rng.integers(0, len(members)))]
        roll = rng.random()
        status = "PPPK" if roll < 0.18 else "PPPK_PARUH_WAKTU" if roll < 0.21 else "CPNS" if roll < 0.25 else "PNS"
        nip = _nip(rng, status, taken, index, classes)
        kategori = "FUNGSIONAL" if rng.random() < 0.35 else "PELAKSANA"
        rows.append(_person(rng, nip, status, unit.kode, leaders[unit.kode],
                            "Analis Kebijakan" if kategori == "FUNGSIONAL" else "Pengadministrasi Perkantoran",
                            kategori, "staff"))
    frame = pd.DataFrame(rows)
    frame["x_opd"] = index
    return frame


def _person(rng, nip, status, unit, atasan, jabatan, kategori, role, golongan=None) -> dict:
    pppk = status.startswith("PPPK")
    return {
        "nip": nip,
        "nama": f"{GIVEN[int(rng.integers(0, len(GIVEN)))]} {FAMILY[int(rng.integers(0, len(FAMILY)))]}",
        "status_kepegawaian": status,
        "jenis_kelamin": "L" if nip[14] == "1" else "P",
        "golongan": golongan or (GOLONGAN_PPPK[int(rng.integers(0, len(GOLONGAN_PPPK)))] if pppk
                                 else GOLONGAN_PNS[int(rng.integers(0, 8))]),
        "jabatan_nama": jabatan,
        "jabatan_kategori": kategori,
        "unit_kode": unit,
        "atasan_nip": atasan,
        "aktif": "true",
        "x_role": role,
    }


def month_index(period: str) -> int:
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def as_of(people: pd.DataFrame, government: Government, month: str, seed: int, total: int) -> pd.DataFrame:
    """The roster in `month`: about 1% of staff move to another unit of their OPD each month (mutasi)."""
    if people.empty:
        return people
    index = int(people["x_opd"].iloc[0])
    units = [u.kode for u in units_of_opd(government, index, seed, total) if u.kode.count(".") == 2]
    heads = people[people["x_role"] == "head_unit"].set_index("unit_kode")["nip"]
    out = people.copy()
    staff = out["x_role"] == "staff"
    # each staff member has a month in the demo year when they move (or never)
    move = np.array([zlib.crc32(f"{seed}|mutasi|{n}".encode()) % 100 for n in out["nip"]])
    moved = staff & (move < (month_index(month) % 12) + 1) & (len(units) > 1)
    if moved.any():
        target = [units[(units.index(u) + 1) % len(units)] for u in out.loc[moved, "unit_kode"]]
        out.loc[moved, "unit_kode"] = target
        out.loc[moved, "atasan_nip"] = [heads.get(t, "") for t in target]
    return out


def org_predikat(unit: str, period: str, seed: int) -> str:
    rng = rng_for(seed, "org-predikat", unit, period)
    return ORG_PREDIKAT[int(rng.choice(len(ORG_PREDIKAT), p=ORG_PREDIKAT_P))]


def curve_quotas(org: str, n: int) -> dict[str, int]:
    """How many of n staff get each predikat, inside the curve of the unit's predikat (domain.md §1.5),
    with margin so that no rounding convention turns a compliant unit into a violation."""
    q = dict.fromkeys(PAIRS_FOR, 0)
    if n <= 0:
        return q
    if org == "ISTIMEWA":  # most Sangat Baik, at most 70%
        q["SANGAT_BAIK"] = math.floor(0.69 * n)
        q["BAIK"] = n - q["SANGAT_BAIK"]
    elif org == "BAIK":  # most Baik, at most 70%; some Butuh Perbaikan/Kurang; the rest SB or SK
        low = max(1, math.ceil(0.2 * n))
        q["KURANG"] = low // 3
        q["BUTUH_PERBAIKAN"] = low - q["KURANG"]
        q["SANGAT_BAIK"] = math.floor(0.15 * n)
        q["BAIK"] = n - low - q["SANGAT_BAIK"]
        over = q["BAIK"] - math.floor(0.65 * n)  # small units: keep Baik well under 70%
        if over > 0:
            q["BAIK"] -= over
            q["BUTUH_PERBAIKAN"] += over
    elif org == "BUTUH_PERBAIKAN":  # at least 60% Butuh Perbaikan, Sangat Baik at most 10%
        q["BUTUH_PERBAIKAN"] = math.ceil(0.7 * n)
        q["BAIK"] = n - q["BUTUH_PERBAIKAN"]
    elif org == "KURANG":  # at least 60% Kurang, at least 10% Butuh Perbaikan
        q["KURANG"] = math.ceil(0.65 * n)
        q["BUTUH_PERBAIKAN"] = min(n - q["KURANG"], max(1, math.ceil(0.15 * n)))
        q["BAIK"] = n - q["KURANG"] - q["BUTUH_PERBAIKAN"]
    else:  # SANGAT_KURANG: at least 60% Sangat Kurang, at least 10% Kurang/Butuh Perbaikan, no Sangat Baik
        q["SANGAT_KURANG"] = math.ceil(0.65 * n)
        q["KURANG"] = min(n - q["SANGAT_KURANG"], max(1, math.ceil(0.15 * n)))
        q["BAIK"] = n - q["SANGAT_KURANG"] - q["KURANG"]
    return q


# the head of the evaluated unit: its achievement is the unit's (domain.md §1.4)
HEAD_PAIR = {"ISTIMEWA": ("DIATAS", "SESUAI"), "BAIK": ("SESUAI", "SESUAI"), "BUTUH_PERBAIKAN": ("DIBAWAH", "SESUAI"),
             "KURANG": ("DIBAWAH", "SESUAI"), "SANGAT_KURANG": ("DIBAWAH", "DIBAWAH")}


def evaluations(government: Government, roster: pd.DataFrame, period: str, seed: int, total: int,
                org: str | None = None, quotas: dict[str, int] | None = None) -> pd.DataFrame:
    """Clean periodic evaluations of one OPD's roster for `period` (YYYY-MM or YYYY-Qn).

    The OPD is the evaluated unit: its predikat (set by the level above) fixes quotas of staff
    predikat inside the distribution curve, and its head's rating hasil kerja equals the unit's
    achievement. The government's own head is rated outside any OPD curve. Helper columns:
    _unit (the OPD), _org (its predikat), x_role. `org` and `quotas` replace the drawn predikat and
    the curve's quotas (the units planted at the curve's limit); only active people are rated."""
    index = int(roster["x_opd"].iloc[0])
    rng = rng_for(seed, government.kode, "evaluasi", index, period)
    opd = f"{government.kode}.OPD{index + 1:03d}"
    org = org or org_predikat(opd, period, seed)
    end = period_end(period)
    year = period[:4]
    rows = []
    roster = roster[roster["aktif"] == "true"]
    group = roster[roster["x_role"] != "head_government"]
    if quotas is None:
        quotas = curve_quotas(org, len(group))
    elif sum(quotas.values()) != len(group):
        raise ValueError(f"{opd} {period}: quotas for {sum(quotas.values())} people, the unit has {len(group)}")
    quotas = dict.fromkeys(PAIRS_FOR, 0) | quotas
    head_pair = HEAD_PAIR[org]
    quotas[MATRIX[head_pair]] -= 1
    assigned = [p for p, k in quotas.items() for _ in range(k)]
    order = iter(rng.permutation(len(assigned)))
    for person in group.itertuples(index=False):
        if person.x_role == "head_opd":
            hasil, perilaku = head_pair
        else:
            pairs = PAIRS_FOR[assigned[next(order)]]
            hasil, perilaku = pairs[int(rng.integers(0, len(pairs)))]
        rows.append(_evaluation(government, person, period, year, end, rng, hasil, perilaku, opd, org))
    for person in roster[roster["x_role"] == "head_government"].itertuples(index=False):
        hasil, perilaku = ("SESUAI", "SESUAI")
        person = person._replace(atasan_nip=external_rater_nip(government, seed, total))
        rows.append(_evaluation(government, person, period, year, end, rng, hasil, perilaku, government.kode, None))
    return pd.DataFrame(rows)


def skp_id(government: Government, nip: str, year: str, suffix: str = "") -> str:
    """An employee's SKP of the year; a later SKP of the same year (after a mutasi or a promotion, an
    acting post's) carries a suffix (demo.synth.careers)."""
    return f"SKP-{government.kode}-{year}-{nip[-9:]}{suffix}"


def period_end(period: str) -> pd.Timestamp:
    if "Q" in period:
        month = int(period[-1]) * 3
        return pd.Timestamp(year=int(period[:4]), month=month, day=1) + pd.offsets.MonthEnd(0)
    return pd.Timestamp(year=int(period[:4]), month=int(period[5:7]), day=1) + pd.offsets.MonthEnd(0)


def _evaluation(government, person, period, year, end, rng, hasil, perilaku, unit, org) -> dict:
    rated = end + pd.Timedelta(days=int(rng.integers(1, 10)), hours=int(rng.integers(8, 16)),
                               minutes=int(rng.integers(0, 60)))
    row = {
        "nip": person.nip, "periode": period, "skp_id": skp_id(government, person.nip, year, getattr(person, "x_skp", "")),
        "regime": government.regime, "rating_hasil_kerja": hasil, "rating_perilaku_kerja": perilaku,
        "nilai_skp": "", "nilai_perilaku": "", "predikat": MATRIX[(hasil, perilaku)],
        "penilai_nip": person.atasan_nip, "waktu_dinilai": f"{rated:%Y-%m-%dT%H:%M:%S}+07:00",
        "is_plt_plh": "false", "x_unit": unit, "x_org": org, "x_role": person.x_role,
    }
    if government.regime == "PP30_2019":
        row.update(_legacy_scores(rng, MATRIX[(hasil, perilaku)]))
        row["rating_hasil_kerja"] = row["rating_perilaku_kerja"] = ""
    return row


# PP 30/2019 bands (domain.md §1.9): SB 110-120 (+ new idea), B 90-120, C 70-<90, K 50-<70, SK <50
# (with 70/30 weights the combined value cannot exceed 0.7*120 + 0.3*100 = 114)
LEGACY_BANDS = {"SANGAT_BAIK": (110, 113.5), "BAIK": (90, 108), "BUTUH_PERBAIKAN": (70, 89), "KURANG": (50, 69),
                "SANGAT_KURANG": (30, 49)}


def _legacy_scores(rng, predikat: str) -> dict:
    """Numeric PP 30/2019 scores whose weighted value falls in the band of `predikat`."""
    low, high = LEGACY_BANDS[predikat]
    target = float(rng.uniform(low + 0.2, high))
    perilaku = float(np.clip(target + rng.normal(0, 4), 30, 100))
    skp = (target - PP30_WEIGHTS[1] * perilaku) / PP30_WEIGHTS[0]
    if skp > 120:  # not reachable with this perilaku: the SKP at its ceiling, perilaku makes up the rest
        skp = 119.5
        perilaku = (target - PP30_WEIGHTS[0] * skp) / PP30_WEIGHTS[1]
    label = {"BUTUH_PERBAIKAN": "CUKUP"}.get(predikat, predikat)
    return {"nilai_skp": f"{skp:.2f}", "nilai_perilaku": f"{perilaku:.2f}", "predikat": label}


RHK_TEMPLATES = [
    ("Terlaksananya pelayanan administrasi kependudukan", "Jumlah dokumen yang diterbitkan", "dokumen", 40, 200),
    ("Tersusunnya laporan kinerja unit", "Jumlah laporan yang disusun", "laporan", 1, 4),
    ("Meningkatnya kepuasan masyarakat", "Persentase pengaduan yang ditindaklanjuti", "persen", 80, 100),
    ("Terkelolanya arsip dan surat-menyurat", "Jumlah surat yang diproses", "surat", 20, 120),
    ("Terlaksananya pembinaan teknis", "Jumlah kegiatan pembinaan", "kegiatan", 1, 6),
]


# what an indicator counts for whom: each employee's indicators name his own share of the unit's work,
# so that no indicator text is held by most of a unit's staff by chance (rule INDIKATOR_DISALIN of
# seed aturan_mutu_skp finds the unit planted to copy one; demo.synth.mutu)
RHK_OBJEK = ("wilayah I", "wilayah II", "wilayah III", "wilayah IV", "layanan loket", "layanan daring",
             "bagian umum", "bagian teknis")


def rhk_lines(government: Government, roster: pd.DataFrame, month: str, seed: int) -> pd.DataFrame:
    """3-5 RHK lines per employee with the month's target and realisation (some not yet reported). The
    indicator names the employee's share of the unit's work: the k-th person of a unit (in roster
    order) takes the object k mod 8, so no text is held by more than an eighth of a unit (plus one)."""
    rng = rng_for(seed, government.kode, "rhk", int(roster["x_opd"].iloc[0]), month)
    year = month[:4]
    rows = []
    position = roster.groupby("unit_kode").cumcount()
    for person, k in zip(roster.itertuples(index=False), position):
        person_rng = rng_for(seed, "rhk-lines", person.nip)
        lines = 3 + int(person_rng.integers(0, 3))
        objek = RHK_OBJEK[int(k) % len(RHK_OBJEK)]
        for i in range(lines):
            uraian, indikator, satuan, low, high = RHK_TEMPLATES[int(person_rng.integers(0, len(RHK_TEMPLATES)))]
            indikator = f"{indikator} ({objek})"
            target = int(person_rng.integers(low, high + 1))
            achieved = rng.normal(1.0, 0.15)
            realisasi = "" if rng.random() < 0.03 else f"{max(0.0, target * achieved):.2f}"
            rows.append({
                "nip": person.nip, "skp_id": skp_id(government, person.nip, year, getattr(person, "x_skp", "")),
                "tahun": year,
                "periode": month, "rhk_kode": f"RHK-{i + 1}", "rhk_uraian": uraian,
                "jenis_rhk": "UTAMA" if i < 2 else "TAMBAHAN", "indikator": indikator, "target": str(target),
                "satuan": satuan, "realisasi": realisasi,
            })
    return pd.DataFrame(rows, columns=list(entity_def("rhk").columns))


def survey_population(unit: Unit, quarter: str, seed: int) -> int:
    rng = rng_for(seed, "skm-populasi", unit.kode, quarter)
    return int(rng.integers(150, 3000))


def reported_ikm(government: Government, unit: Unit, quarter: str, seed: int, weight: str = "0.11") -> tuple[str, str]:
    """The IKM konversi and mutu a survey application reports for a quarter from all its answers,
    with the weight as the regulation prints it (domain.md §2.4): sum of NRR x 0,11, x 25."""
    from decimal import ROUND_HALF_UP, Decimal

    year, q = int(quarter[:4]), int(quarter[-1])
    answers = pd.concat([survey_responses(government, unit, f"{year}-{m:02d}", seed)
                         for m in range(3 * q - 2, 3 * q + 1)], ignore_index=True)
    nrr = []
    for unsur in UNSUR:
        values = [Decimal(v) for v in answers[unsur] if v != ""]
        nrr.append(sum(values) / len(values))
    ikm = (sum(n * Decimal(weight) for n in nrr) * 25).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    mutu = "D" if ikm < Decimal("65.00") else "C" if ikm <= Decimal("76.60") else "B" if ikm <= Decimal("88.30") else "A"
    return f"{ikm:.2f}", mutu


def krejcie_morgan(population: int) -> int:
    """Minimum sample (Krejcie & Morgan 1970; domain.md §2.6), the formula rounded to the nearest integer."""
    chi2, p, d = 3.841, 0.5, 0.05
    return round(chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p)))


def survey_responses(government: Government, unit: Unit, month: str, seed: int) -> pd.DataFrame:
    """A month of SKM responses for a service unit: about a third of the quarter's minimum sample,
    more or less (some units fall short), with a unit-specific level of satisfaction."""
    quarter = f"{month[:4]}-Q{(int(month[5:7]) - 1) // 3 + 1}"
    population = survey_population(unit, quarter, seed)
    unit_rng = rng_for(seed, "skm-quality", unit.kode)
    # the unit's mean answer: IKM from about 72 to 95 (mutu C to A). No unit is D by chance: the one
    # rated Istimewa whose citizens give D is planted (demo.synth.mutu), so the manifest counts them all
    quality = float(unit_rng.uniform(2.9, 3.8))
    coverage = float(unit_rng.uniform(0.8, 1.4))
    rng = rng_for(seed, "skm", unit.kode, month)
    n = max(3, round(krejcie_morgan(population) * coverage / 3 + rng.integers(-3, 4)))
    start = pd.Timestamp(f"{month}-01")
    days = (start + pd.offsets.MonthEnd(0)).day
    answers = np.clip(np.rint(rng.normal(quality, 0.6, size=(n, len(UNSUR)))), 1, 4).astype(int)
    blank = rng.random(size=(n, len(UNSUR))) < 0.01  # an unanswered question now and then
    rows = []
    for i in range(n):
        row = {
            "responden_id": f"{unit.kode}-{month}-{i + 1:05d}", "instansi_kode": government.kode,
            "unit_layanan_kode": unit.kode, "jenis_layanan": JENIS_LAYANAN[unit.jenis_layanan or "SURAT"],
            "tanggal": f"{start + pd.Timedelta(days=int(rng.integers(0, days))):%Y-%m-%d}",
            "usia": str(int(rng.integers(17, 75))), "jenis_kelamin": "L" if rng.random() < 0.5 else "P",
            "pendidikan": PENDIDIKAN[int(rng.integers(0, len(PENDIDIKAN)))],
            "pekerjaan": PEKERJAAN[int(rng.integers(0, len(PEKERJAAN)))],
            "saran": "" if rng.random() < 0.7 else ("Pelayanan cepat, terima kasih" if rng.random() < 0.5
                                                     else "Antrian terlalu lama, mohon ditambah petugas"),
        }
        for j, unsur in enumerate(UNSUR):
            row[unsur] = "" if blank[i, j] else str(answers[i, j])
        rows.append(row)
    return pd.DataFrame(rows, columns=list(entity_def("skm_responden").columns))


# --------------------------------------------------------------------------- complaints, service times
# local UTC offsets of the governments' clocks (WANGGAR keeps Eastern Indonesian Time)
UTC_OFFSET = {"WANGGAR": "+09:00"}
KANAL_PENGADUAN = ("ONLINE", "FORUM", "TATAP_MUKA")
KATEGORI_PENGADUAN = ("Waktu pelayanan", "Persyaratan", "Biaya", "Perilaku petugas", "Sarana dan prasarana",
                      "Prosedur", "Lainnya")
URAIAN_PENGADUAN = (
    "Sudah {n} jam menunggu di loket, antrian tidak bergerak",
    "Petugas meminta biaya tambahan yang tidak tercantum di papan informasi",
    "Dokumen saya belum selesai padahal dijanjikan {n} hari",
    "Mohon jam pelayanan diperpanjang, kami bekerja sampai sore",
    "Ruang tunggu panas dan kursi kurang",
    "Persyaratan berubah-ubah, sudah {n} kali bolak-balik",
    "Terima kasih, tetapi informasi di situs tidak sama dengan di loket",
)
# demo: the complaint channel's share per government (WANGGAR's online system takes most of them)
KANAL_P = {"WANGGAR": (0.7, 0.2, 0.1)}
KANAL_P_LAIN = (0.3, 0.2, 0.5)
# demo: median hours to complete each kind of service (the standards themselves are the seed
# standar_waktu_layanan's); a unit is faster or slower than this by its own factor
WAKTU_LAYANAN_JAM = {"KTP": 18.0, "KK": 20.0, "AKTA": 30.0, "IZIN": 60.0, "KES": 1.5, "PAJAK": 3.0, "SURAT": 1.5}


def utc_offset(government: Government) -> str:
    return UTC_OFFSET.get(government.kode, "+07:00")


def _local(stamp: pd.Timestamp, offset: str) -> str:
    return f"{stamp:%Y-%m-%dT%H:%M:%S}{offset}"


def _export_time(month: str) -> pd.Timestamp:
    """When a month's export is taken: five days after the month ends, in the morning."""
    return pd.Timestamp(f"{month}-01") + pd.offsets.MonthEnd(0) + pd.Timedelta(days=5, hours=8)


def complaints(government: Government, unit: Unit, month: str, seed: int, at_least: int = 0) -> pd.DataFrame:
    """A month's complaints about a service unit as canonical `pengaduan` rows: WANGGAR's online
    system receives many, the others a few (some units none). Status and times as at the export,
    five days after the month: a complaint resolved later is still DIPROSES (or DITERIMA)."""
    unit_rng = rng_for(seed, "pengaduan-unit", unit.kode)
    rich = government.kode in KANAL_P
    rate = float(unit_rng.uniform(8, 20)) if rich else float(unit_rng.uniform(0.3, 3.5))
    respon_median = float(unit_rng.uniform(3, 36))   # hours to a first response
    selesai_median = float(unit_rng.uniform(2, 16))  # days to resolution
    rng = rng_for(seed, "pengaduan", unit.kode, month)
    n = max(at_least, int(rng.poisson(rate)))
    offset = utc_offset(government)
    start = pd.Timestamp(f"{month}-01")
    seconds = int(((start + pd.offsets.MonthEnd(0)) - start).total_seconds()) + 86400
    export = _export_time(month)
    rows = []
    for i in range(n):
        received = start + pd.Timedelta(seconds=int(rng.integers(0, seconds)))
        kanal = KANAL_PENGADUAN[int(rng.choice(3, p=KANAL_P.get(government.kode, KANAL_P_LAIN)))]
        respon = received + pd.Timedelta(hours=float(rng.lognormal(np.log(respon_median), 0.8)))
        selesai = respon + pd.Timedelta(days=float(rng.lognormal(np.log(selesai_median), 0.7)))
        ditolak = rng.random() < 0.04
        if ditolak and respon <= export:
            status, selesai = "DITOLAK", respon
        elif selesai <= export:
            status = "SELESAI"
        elif respon <= export:
            status, selesai = "DIPROSES", None
        else:
            status, respon, selesai = "DITERIMA", None, None
        uraian = URAIAN_PENGADUAN[int(rng.integers(0, len(URAIAN_PENGADUAN)))].format(n=int(rng.integers(2, 6)))
        rows.append({
            "pengaduan_id": f"ADU-{unit.kode}-{month}-{i + 1:04d}", "instansi_kode": government.kode,
            "unit_layanan_kode": unit.kode, "kanal": kanal,
            "kategori": KATEGORI_PENGADUAN[int(rng.integers(0, len(KATEGORI_PENGADUAN)))],
            "waktu_diterima": _local(received, offset),
            "waktu_respon_pertama": _local(respon, offset) if respon is not None else "",
            "waktu_selesai": _local(selesai, offset) if selesai is not None else "",
            "status": status, "uraian": uraian,
        })
    return pd.DataFrame(rows, columns=list(entity_def("pengaduan").columns))


def service_requests(government: Government, unit: Unit, month: str, seed: int) -> pd.DataFrame:
    """A month's service requests at a service unit as canonical `transaksi_layanan` rows: mostly
    the unit's own kind of service (KTP-el at a Dukcapil counter or a kelurahan), some others;
    completion times around the kind's usual time, by the unit's own pace; a request still open
    at the export has no completion time."""
    unit_rng = rng_for(seed, "layanan-unit", unit.kode)
    rate = float(unit_rng.uniform(30, 120))
    pace = float(unit_rng.uniform(0.5, 1.6))
    own = unit.jenis_layanan or "SURAT"
    kinds = list(WAKTU_LAYANAN_JAM)
    rng = rng_for(seed, "layanan", unit.kode, month)
    n = int(rng.poisson(rate))
    offset = utc_offset(government)
    start = pd.Timestamp(f"{month}-01")
    days = (start + pd.offsets.MonthEnd(0)).day
    export = _export_time(month)
    rows = []
    for i in range(n):
        kind = own if rng.random() < 0.75 else kinds[int(rng.integers(0, len(kinds)))]
        submitted = start + pd.Timedelta(days=int(rng.integers(0, days)), hours=float(rng.uniform(8, 15)))
        hours = float(rng.lognormal(np.log(WAKTU_LAYANAN_JAM[kind] * pace), 0.6))
        done = submitted + pd.Timedelta(hours=hours)
        rows.append({
            "transaksi_id": f"{unit.kode}-{month}-T{i + 1:05d}", "instansi_kode": government.kode,
            "unit_layanan_kode": unit.kode, "jenis_layanan": kind, "waktu_diajukan": _local(submitted, offset),
            "waktu_selesai": _local(done, offset) if done <= export else "",
        })
    return pd.DataFrame(rows, columns=list(entity_def("transaksi_layanan").columns))


# --------------------------------------------------------------------------- organisation indicators (IKU)
# (indikator, satuan, arah, target low, target high, decimals): the Perjanjian Kinerja of an OPD holds
# two indicators every OPD has and a few of its own (article 002: Dinas Pendidikan's graduation and
# participation rates)
IKU_UMUM = [
    ("Indeks kepuasan masyarakat atas layanan perangkat daerah", "indeks", "NAIK", 78, 88, 2),
    ("Persentase realisasi anggaran", "persen", "NAIK", 90, 98, 2),
]
IKU_KHUSUS = {
    "Pendidikan": [("Angka kelulusan", "persen", "NAIK", 92, 99, 2),
                   ("Angka partisipasi sekolah", "persen", "NAIK", 85, 95, 2),
                   ("Angka putus sekolah", "persen", "TURUN", 1, 3, 2)],
    "Kesehatan": [("Cakupan imunisasi dasar lengkap", "persen", "NAIK", 85, 95, 2),
                  ("Prevalensi stunting", "persen", "TURUN", 14, 22, 2)],
    "Pendapatan": [("Realisasi pendapatan asli daerah terhadap target", "persen", "NAIK", 95, 100, 2)],
}
IKU_LAIN = [("Jumlah rekomendasi hasil pemeriksaan yang belum ditindaklanjuti", "rekomendasi", "TURUN", 3, 10, 0),
            ("Persentase layanan yang diselesaikan tepat waktu", "persen", "NAIK", 85, 95, 2)]


def iku_of_opd(government: Government, index: int, quarter: str, seed: int, org: str) -> list[dict]:
    """An OPD's IKU for the year of `quarter`: targets fixed for the year, realisation up to the
    quarter's end (in Q1 some are not measured yet). A unit whose predikat for the quarter is
    Istimewa reaches every target it has measured; the others about half of theirs."""
    year, q = quarter[:4], int(quarter[-1])
    unit = f"{government.kode}.OPD{index + 1:03d}"
    name = opd_name(government, index)
    own = next((lines for key, lines in IKU_KHUSUS.items() if key in name), IKU_LAIN)
    rows = []
    for i, (indikator, satuan, arah, low, high, decimals) in enumerate(IKU_UMUM + own):
        year_rng = rng_for(seed, "iku-target", unit, year, i)
        target = round(float(year_rng.uniform(low, high)), decimals)
        if target <= 0:
            target = float(high)
        rng = rng_for(seed, "iku-realisasi", unit, quarter, i)
        ratio = float(rng.normal(1.0, 0.08))
        if org == "ISTIMEWA":
            ratio = 1.0 + abs(ratio - 1.0)
        measured = q > 1 or rng.random() > 0.2
        realisasi = target * ratio if arah == "NAIK" else target / ratio
        if satuan == "persen":
            realisasi = min(realisasi, 100.0)
        rows.append({
            "instansi_kode": government.kode, "unit_kode": unit, "periode": quarter, "iku_kode": f"IKU-{i + 1:02d}",
            "indikator": indikator, "satuan": satuan, "arah": arah, "target": _decimal(target, decimals),
            "realisasi": _decimal(max(0.0, realisasi), decimals) if measured else "",
        })
    return rows


def _decimal(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --------------------------------------------------------------------------- training (pelatihan)
# (name, JP): PP 17/2020 art. 203 distinguishes classical (classroom) from non-classical development;
# articles 002 and 003 name time management, effective communication, public service, public
# management and IT. One JP (jam pelajaran) is 45 minutes.
PELATIHAN_KLASIKAL = [("Pelatihan Pelayanan Publik Prima", 32), ("Pelatihan Manajemen Waktu", 24),
                      ("Pelatihan Komunikasi Efektif", 24), ("Pelatihan Manajemen Publik", 40),
                      ("Pelatihan Teknologi Informasi Perkantoran", 30)]
PELATIHAN_NONKLASIKAL = [("E-learning Nilai Dasar BerAKHLAK", 6), ("E-learning Literasi Digital", 4),
                         ("Coaching dan Mentoring Kinerja", 8), ("Webinar Pelayanan Publik", 3)]
COHORT_SHARE = 0.05      # of an OPD's staff sent to its classical training each month
ELEARNING_SHARE = 0.08   # of staff who finish a non-classical course in a month


def trainings(government: Government, roster: pd.DataFrame, month: str, seed: int) -> pd.DataFrame:
    """The trainings an OPD's staff completed in `month`: each month one classical course with a
    cohort of about 5 % of the OPD (at least one person, so no month's register is empty), and
    non-classical courses for about 8 % of staff. About half the staff reach 20 JP in a year."""
    columns = list(entity_def("pelatihan").columns)
    if roster.empty:
        return pd.DataFrame(columns=columns)
    index = int(roster["x_opd"].iloc[0])
    rng = rng_for(seed, government.kode, "pelatihan", index, month)
    start = pd.Timestamp(f"{month}-01")
    days = (start + pd.offsets.MonthEnd(0)).day
    nips = list(roster["nip"])
    rows = []
    name, jp = PELATIHAN_KLASIKAL[int(rng.integers(0, len(PELATIHAN_KLASIKAL)))]
    length = math.ceil(jp / 8)  # 8 JP a day
    first = int(rng.integers(0, days - length + 1))
    cohort = rng.choice(len(nips), size=max(1, round(len(nips) * COHORT_SHARE)), replace=False)
    for i in sorted(int(c) for c in cohort):
        rows.append({"nip": nips[i], "pelatihan_id": f"PLT-{government.kode}-{month.replace('-', '')}-{index + 1:03d}-K",
                     "nama_pelatihan": name, "jalur": "KLASIKAL",
                     "tanggal_mulai": f"{start + pd.Timedelta(days=first):%Y-%m-%d}",
                     "tanggal_selesai": f"{start + pd.Timedelta(days=first + length - 1):%Y-%m-%d}",
                     "jumlah_jp": str(jp), "periode": month})
    online = rng.random(len(nips)) < ELEARNING_SHARE
    for i in np.flatnonzero(online):
        course = int(rng.integers(0, len(PELATIHAN_NONKLASIKAL)))
        name, jp = PELATIHAN_NONKLASIKAL[course]
        day = start + pd.Timedelta(days=int(rng.integers(0, days)))
        rows.append({"nip": nips[i], "pelatihan_id": f"PLT-{government.kode}-{month.replace('-', '')}-{index + 1:03d}-N{course + 1}",
                     "nama_pelatihan": name, "jalur": "NONKLASIKAL", "tanggal_mulai": f"{day:%Y-%m-%d}",
                     "tanggal_selesai": f"{day:%Y-%m-%d}", "jumlah_jp": str(jp), "periode": month})
    return pd.DataFrame(rows, columns=columns)
