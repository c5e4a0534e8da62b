"""The demo world: deterministic source data for the configured governments, with a manifest.

Same seed, same bytes. Each government's deliveries are written the way its source system
delivers them (at this stage: canonical CSV drops). Defects and audit findings are planted on
purpose at a small rate, and `manifest.json` says exactly how many of each were planted, per
agency, entity and period, under the name of the rule that must catch them.
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from etl.canonical import entity as entity_def
from etl.config import ConfigError

MATRIX = {  # PermenPANRB 6/2022 (domain.md §1.3): (hasil, perilaku) -> predikat
    ("DIATAS", "DIATAS"): "SANGAT_BAIK", ("DIATAS", "SESUAI"): "BAIK", ("DIATAS", "DIBAWAH"): "KURANG",
    ("SESUAI", "DIATAS"): "BAIK", ("SESUAI", "SESUAI"): "BAIK", ("SESUAI", "DIBAWAH"): "KURANG",
    ("DIBAWAH", "DIATAS"): "BUTUH_PERBAIKAN", ("DIBAWAH", "SESUAI"): "BUTUH_PERBAIKAN",
    ("DIBAWAH", "DIBAWAH"): "SANGAT_KURANG",
}
RATINGS = ["DIATAS", "SESUAI", "DIBAWAH"]
# how labels are printed by real applications (domain.md §1.2): valid spellings that normalise
PRINTED = {
    "DIATAS": ["Di Atas Ekspektasi", "DI ATAS EKSPEKTASI", "Diatas Ekspektasi", "diatas"],
    "SESUAI": ["Sesuai Ekspektasi", "SESUAI EKSPEKTASI", "sesuai"],
    "DIBAWAH": ["Di Bawah Ekspektasi", "DI BAWAH EKSPEKTASI", "Dibawah Ekspektasi"],
    "SANGAT_BAIK": ["Sangat Baik"], "BAIK": ["Baik"], "BUTUH_PERBAIKAN": ["Butuh Perbaikan", "Cukup"],
    "KURANG": ["Kurang/Misconduct", "Kurang (Misconduct)", "Kurang"], "SANGAT_KURANG": ["Sangat Kurang"],
}

# rules of expectations/evaluasi_periodik.json that planted defects must break (one each)
RULE_NIP_FORMAT = "nip must be exactly 18 digits (not a number in scientific notation)"
RULE_HASIL_SET = "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi"
RULE_PERILAKU_REQUIRED = "rating_perilaku_kerja is required under PERMEN6_2022"
RULE_UNIQUE = "nip + periode + skp_id must be unique within a delivery"

PAUH_UNITS = [
    ("PAUH", "Kecamatan Pauh", None, False),
    ("PAUH.SEKRE", "Sekretariat Kecamatan", "PAUH", False),
    ("PAUH.PEM", "Seksi Pemerintahan", "PAUH", False),
    ("PAUH.PELAYANAN", "Seksi Pelayanan Umum dan Kependudukan", "PAUH", True),
    ("PAUH.TRANTIB", "Seksi Ketenteraman dan Ketertiban Umum", "PAUH", False),
    ("PAUH.KESSOS", "Seksi Kesejahteraan Sosial", "PAUH", False),
] + [
    (f"PAUH.KEL{i:02d}", f"Kelurahan {name}", "PAUH", True)
    for i, name in enumerate(
        ["Binuang Kampung Dalam", "Cupak Tangah", "Kapalo Koto", "Koto Luar", "Lambung Bukit",
         "Limau Manis", "Limau Manis Selatan", "Piai Tangah", "Pisang"], start=1)
]

GIVEN = ["Andi", "Budi", "Citra", "Dewi", "Eka", "Fajar", "Gita", "Hendra", "Indah", "Joko", "Kartika", "Lestari",
         "Maya", "Nanda", "Oktavia", "Putri", "Rahmat", "Sari", "Taufik", "Utami", "Vivi", "Wahyu", "Yusuf", "Zainal",
         "Rina", "Syafril", "Yuliani", "Afrizal", "Nofri", "Desmawati"]
FAMILY = ["Saputra", "Wulandari", "Hidayat", "Rahmawati", "Putra", "Sari", "Nasution", "Siregar", "Chaniago",
          "Piliang", "Tanjung", "Koto", "Sikumbang", "Jambak", "Caniago", "Melayu", "Guci", "Pane", "Harahap"]
GOLONGAN = ["II/a", "II/b", "II/c", "II/d", "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b"]


@dataclass(frozen=True)
class Settings:
    out: Path
    months: tuple[str, ...]
    seed: int = 2026
    employees: int = 120


def parse_months(text: str) -> tuple[str, ...]:
    """'2026-01..2026-10' or '2026-03' or '2026-01,2026-02' -> the months in order."""
    months: list[str] = []
    for part in text.split(","):
        part = part.strip()
        match = re.fullmatch(r"(\d{4})-(\d{2})(?:\.\.(\d{4})-(\d{2}))?", part)
        if not match:
            raise ConfigError(f"months '{part}' is not YYYY-MM or YYYY-MM..YYYY-MM")
        y, m = int(match[1]), int(match[2])
        y2, m2 = (int(match[3]), int(match[4])) if match[3] else (y, m)
        if not (1 <= m <= 12 and 1 <= m2 <= 12) or (y2, m2) < (y, m):
            raise ConfigError(f"months '{part}' is not a valid range")
        while (y, m) <= (y2, m2):
            months.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return tuple(dict.fromkeys(months))


def _rng(seed: int, *parts: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32("|".join(parts).encode())])


def _nip(rng: np.random.Generator, status: str, taken: set[str]) -> str:
    birth = pd.Timestamp("1966-01-01") + pd.Timedelta(days=int(rng.integers(0, 365 * 34)))
    gender = str(int(rng.integers(1, 3)))
    if status == "PPPK":
        middle = f"{int(rng.integers(2021, 2025))}21"  # appointment year + code 21 (domain.md §3.2)
    else:
        start_year = min(2024, birth.year + int(rng.integers(20, 32)))
        middle = f"{start_year}{int(rng.integers(1, 13)):02d}"
    stem = f"{birth:%Y%m%d}{middle}{gender}"
    urut = 1
    while f"{stem}{urut:03d}" in taken:  # the sequence number only grows on a collision
        urut += 1
    nip = f"{stem}{urut:03d}"
    taken.add(nip)
    return nip


def pauh_roster(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Units and employees of Kecamatan Pauh (stable over the months of the demo world)."""
    rng = _rng(settings.seed, "PAUH", "roster")
    units = pd.DataFrame(
        [
            {"instansi_kode": "PAUH", "unit_kode": k, "unit_nama": n, "induk_unit_kode": p or "",
             "is_unit_layanan": "true" if s else "false"}
            for k, n, p, s in PAUH_UNITS
        ]
    )
    taken: set[str] = set()
    people = []
    n = max(settings.employees, len(PAUH_UNITS) + 1)
    camat = None
    heads: dict[str, str] = {}
    for i in range(n):
        if i < len(PAUH_UNITS):
            unit = PAUH_UNITS[i][0]
            kategori = "ADMINISTRATOR" if unit == "PAUH" else "PENGAWAS"
            jabatan = "Camat" if unit == "PAUH" else ("Sekretaris Camat" if unit == "PAUH.SEKRE" else
                      ("Lurah" if ".KEL" in unit else "Kepala Seksi"))
            status = "PNS"
        else:
            unit = PAUH_UNITS[int(rng.integers(1, len(PAUH_UNITS)))][0]
            kategori = "FUNGSIONAL" if rng.random() < 0.25 else "PELAKSANA"
            jabatan = "Pranata Komputer" if kategori == "FUNGSIONAL" else "Pengadministrasi Perkantoran"
            status = "PPPK" if rng.random() < 0.2 else ("CPNS" if rng.random() < 0.05 else "PNS")
        nip = _nip(rng, status, taken)
        if i < len(PAUH_UNITS):
            heads[unit] = nip
            if unit == "PAUH":
                camat = nip
        atasan = "" if unit == "PAUH" and i == 0 else (camat if i < len(PAUH_UNITS) else heads[unit])
        golongan = ("I" if status == "PPPK" else "") and f"{['V', 'VII', 'IX'][int(rng.integers(0, 3))]}"
        people.append(
            {
                "nip": nip,
                "nama": f"{GIVEN[int(rng.integers(0, len(GIVEN)))]} {FAMILY[int(rng.integers(0, len(FAMILY)))]}",
                "status_kepegawaian": status,
                "jenis_kelamin": "L" if nip[14] == "1" else "P",
                "golongan": golongan if status == "PPPK" else GOLONGAN[min(len(GOLONGAN) - 1, int(rng.integers(0, 8)) + (3 if i < len(PAUH_UNITS) else 0))],
                "jabatan_nama": jabatan,
                "jabatan_kategori": kategori,
                "unit_kode": unit,
                "atasan_nip": atasan,
                "aktif": "true",
            }
        )
    return units, pd.DataFrame(people)


# the camat is rated by the Sekretaris Daerah of Kota Padang, outside the kecamatan
SEKDA_NIP = "196805121994031002"


def pauh_evaluations(settings: Settings, people: pd.DataFrame, period: str) -> tuple[pd.DataFrame, dict]:
    """One month's evaluations, with planted findings and defects. Returns rows and manifest."""
    rng = _rng(settings.seed, "PAUH", "evaluasi_periodik", period)
    year, month = int(period[:4]), int(period[5:])
    end = pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)
    rows = []
    for person in people.itertuples(index=False):
        hasil = RATINGS[int(rng.choice(3, p=[0.2, 0.7, 0.1]))]
        perilaku = RATINGS[int(rng.choice(3, p=[0.22, 0.73, 0.05]))]
        rated = end + pd.Timedelta(days=int(rng.integers(1, 10)), hours=int(rng.integers(8, 16)))
        rows.append(
            {
                "nip": person.nip, "periode": period, "skp_id": f"SKP-PAUH-{year}-{person.nip[-9:]}",
                "regime": "PERMEN6_2022", "rating_hasil_kerja": hasil, "rating_perilaku_kerja": perilaku,
                "nilai_skp": "", "nilai_perilaku": "", "predikat": MATRIX[(hasil, perilaku)],
                "penilai_nip": person.atasan_nip or SEKDA_NIP,
                "waktu_dinilai": f"{rated:%Y-%m-%dT%H:%M:%S}+07:00", "is_plt_plh": "false",
            }
        )
    frame = pd.DataFrame(rows)
    n = len(frame)
    planted = {"defects": {}, "findings": {}}
    used: set[int] = set()

    def pick(count: int) -> list[int]:
        free = [i for i in range(n) if i not in used]
        chosen = sorted(int(i) for i in rng.choice(free, size=min(count, len(free)), replace=False))
        used.update(chosen)
        return chosen

    rate = max(1, round(n * 0.02))
    # findings an auditor must see (not quarantined): predikat that disagrees with the matrix
    mismatched = pick(rate)
    for i in mismatched:
        right = frame.at[i, "predikat"]
        frame.at[i, "predikat"] = "BAIK" if right != "BAIK" else "SANGAT_BAIK"
    planted["findings"]["predikat_tidak_sesuai_matriks"] = len(mismatched)
    # defects real exports have, each breaking exactly one rule
    for i in pick(1):
        frame.at[i, "nip"] = f"{float(frame.at[i, 'nip']):.5E}".replace("E+", "E+")  # Excel's 1.99001E+17
    planted["defects"][RULE_NIP_FORMAT] = 1
    for i in pick(1):
        frame.at[i, "rating_hasil_kerja"] = "Luar Biasa"
    planted["defects"][RULE_HASIL_SET] = 1
    for i in pick(1):
        frame.at[i, "rating_perilaku_kerja"] = ""
    planted["defects"][RULE_PERILAKU_REQUIRED] = 1
    duplicated = pick(1)
    # label drift: valid spellings from real applications, which must normalise (not quarantine)
    drift = pick(max(1, round(n * 0.1)))
    for i in drift:
        for column in ("rating_hasil_kerja", "rating_perilaku_kerja", "predikat"):
            options = PRINTED[frame.at[i, column]]
            frame.at[i, column] = options[int(rng.integers(0, len(options)))]
    planted["findings"]["label_drift_dinormalisasi"] = len(drift)
    frame = pd.concat([frame, frame.iloc[duplicated]], ignore_index=True)  # the same row delivered twice
    planted["defects"][RULE_UNIQUE] = 2 * len(duplicated)
    planted["rows"] = len(frame)
    planted["rows_quarantined"] = sum(planted["defects"].values())
    return frame[list(entity_def("evaluasi_periodik").columns)], planted


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    frame.to_csv(tmp, index=False, lineterminator="\n")
    os.replace(tmp, path)


def generate(settings: Settings, progress=None) -> dict:
    """Write the demo world under settings.out and return its manifest."""
    out = Path(settings.out)
    units, people = pauh_roster(settings)
    manifest: dict = {"seed": settings.seed, "employees": settings.employees, "months": list(settings.months),
                      "agencies": {"PAUH": {}}}
    for period in settings.months:
        folder = out / "PAUH" / period
        _write_csv(units, folder / "unit_kerja.csv")
        _write_csv(people, folder / "pegawai.csv")
        evaluations, planted = pauh_evaluations(settings, people, period)
        _write_csv(evaluations, folder / "evaluasi_periodik.csv")
        manifest["agencies"]["PAUH"][period] = {
            "unit_kerja": {"rows": len(units), "rows_quarantined": 0, "defects": {}, "findings": {}},
            "pegawai": {"rows": len(people), "rows_quarantined": 0, "defects": {}, "findings": {}},
            "evaluasi_periodik": planted,
        }
        if progress:
            progress(period)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
