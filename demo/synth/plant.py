"""What the demo world plants on purpose, and the manifest that counts it.

Findings are things an auditor must see in the marts; the rows stay valid and load. Defects are
what real deliveries carry (domain.md §8); each planted defect breaks exactly one rule of the
entity's suite in expectations/, named here by that rule's sentence, so that quarantine counts
per rule can be checked against the manifest.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from demo.synth.world import MATRIX, PAIRS_FOR, period_end

# rules of expectations/*.json that planted defects break (one each)
RULE = {
    "nip": "nip must be exactly 18 digits (not a number in scientific notation)",
    "hasil_set": "rating_hasil_kerja must be Di Atas, Sesuai or Di Bawah Ekspektasi",
    "perilaku_required": "rating_perilaku_kerja is required under PERMEN6_2022",
    "nilai_skp_required": "nilai_skp is required under PP30_2019",
    "nilai_skp_range": "nilai_skp must be a number from 0 to 120",
    "unique_evaluasi": "nip + periode + skp_id must be unique within a delivery",
    "jenis_rhk": "jenis_rhk must be UTAMA or TAMBAHAN",
    "skm_answer": "{unsur} must be an answer from 1 to 4",
    "unit_unknown": "unit_kode must be a unit of the delivered unit_kerja",
    "atasan_unknown": "atasan_nip must be an employee of the same delivery",
    "skm_unit_unknown": "unit_layanan_kode must be a service unit of the delivered unit_kerja",
    "kanal": "kanal must be ONLINE, FORUM or TATAP_MUKA",
    "selesai_required": "waktu_selesai is required when status is SELESAI",
    "diajukan_iso": "waktu_diajukan must be an ISO 8601 timestamp with its UTC offset",
    "jenis_layanan": "jenis_layanan must be a service code: capital letters, digits and _, at most 32",
    "iku_realisasi": "realisasi, when reported, must be a number of 0 or more (decimal point)",
    "iku_arah": "arah must be NAIK (higher is better) or TURUN (lower is better)",
    "pelatihan_jp": "jumlah_jp must be a number of jam pelajaran greater than 0 and below 1000 (decimal point)",
    "pelatihan_tanggal": "tanggal_selesai must be a date YYYY-MM-DD",
}

DEFECT_RATE = 0.01
FINDING_RATE = 0.01
# how far after the end of the period a rating is late (the mart's default threshold is 30 days)
LATE_DAYS = (40, 75)
EARLY_DAYS = (2, 10)


class Tally:
    """Counts per agency, period and entity: rows, quarantined rows, defects by rule, findings."""

    def __init__(self) -> None:
        self.data: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: {
            "rows": 0, "rows_quarantined": 0, "defects": Counter(), "findings": Counter()})))

    def rows(self, agency: str, period: str, entity: str, n: int) -> None:
        self.data[agency][period][entity]["rows"] += n

    def defect(self, agency: str, period: str, entity: str, rule: str, rows: int = 1) -> None:
        cell = self.data[agency][period][entity]
        cell["defects"][rule] += rows
        cell["rows_quarantined"] += rows

    def finding(self, agency: str, period: str, entity: str, name: str, n: int = 1) -> None:
        self.data[agency][period][entity]["findings"][name] += n

    def to_dict(self) -> dict:
        return {
            agency: {
                period: {
                    entity: {"rows": c["rows"], "rows_quarantined": c["rows_quarantined"],
                             "defects": dict(sorted(c["defects"].items())),
                             "findings": dict(sorted(c["findings"].items()))}
                    for entity, c in sorted(entities.items())
                }
                for period, entities in sorted(periods.items())
            }
            for agency, periods in sorted(self.data.items())
        }


def _count(rng: np.random.Generator, n: int, rate: float) -> int:
    """A deterministic count near n*rate (at least 1 for any block of 20 rows or more, sometimes)."""
    expected = n * rate
    return int(expected) + (1 if rng.random() < expected - int(expected) else 0)


def _pick(rng: np.random.Generator, free: list[int], k: int) -> list[int]:
    k = min(k, len(free))
    chosen = sorted(int(i) for i in rng.choice(free, size=k, replace=False)) if k else []
    for i in chosen:
        free.remove(i)
    return chosen


def _free_staff(frame: pd.DataFrame) -> pd.Series:
    """Staff rows a defect or finding may be planted in: not those of a career event (demo.synth.careers
    marks them x_karier), whose second rows must stay as the manifest counts them."""
    staff = frame["x_role"] == "staff"
    return staff & ~frame["x_karier"].astype(bool) if "x_karier" in frame else staff


def evaluation_findings(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str,
                        first_block: bool, curve_breaker: bool) -> pd.DataFrame:
    """Plant what auditors look for. Modifies and returns the frame."""
    frame = frame.copy()
    free = list(frame.index[_free_staff(frame)])
    new_regime = frame["regime"].iloc[0] == "PERMEN6_2022"
    end = period_end(period)
    if curve_breaker and new_regime:
        # a unit that breaks its curve: every member rated Baik (none Butuh Perbaikan or Kurang, which a
        # Baik unit must have), and one lenient rater among them whose own staff are all Sangat Baik
        heads = set(frame.loc[frame["x_role"] == "head_unit", "nip"])
        rated = frame.loc[(frame["x_role"] == "staff") & frame["penilai_nip"].isin(heads), "penilai_nip"]
        counts = rated.value_counts()
        lenient = sorted(counts.index, key=lambda nip: (-counts[nip], nip))[:1]  # the head who rates the most staff
        for i in list(frame.index[frame["x_role"].isin(["staff", "head_unit"])]):
            if lenient and frame.at[i, "penilai_nip"] == lenient[0] and frame.at[i, "x_role"] == "staff":
                frame.loc[i, ["rating_hasil_kerja", "rating_perilaku_kerja", "predikat"]] = \
                    ["DIATAS", "DIATAS", "SANGAT_BAIK"]
            else:
                frame.loc[i, ["rating_hasil_kerja", "rating_perilaku_kerja", "predikat"]] = \
                    ["SESUAI", "SESUAI", "BAIK"]
        tally.finding(agency, period, "evaluasi_periodik", "unit_melanggar_kurva")
        if lenient:
            tally.finding(agency, period, "evaluasi_periodik", "penilai_lunak")
        free = []  # keep the planted unit otherwise clean
    if new_regime:
        for i in _pick(rng, free, _count(rng, len(frame), FINDING_RATE)):
            right = frame.at[i, "predikat"]
            frame.at[i, "predikat"] = "BAIK" if right != "BAIK" else "SANGAT_BAIK"
            tally.finding(agency, period, "evaluasi_periodik", "predikat_tidak_sesuai_matriks")
    for i in _pick(rng, free, _count(rng, len(frame), FINDING_RATE)):
        rated = end + pd.Timedelta(days=int(rng.integers(*LATE_DAYS)), hours=10)
        frame.at[i, "waktu_dinilai"] = f"{rated:%Y-%m-%dT%H:%M:%S}+07:00"
        tally.finding(agency, period, "evaluasi_periodik", "dinilai_terlambat")
    for i in _pick(rng, free, _count(rng, len(frame), FINDING_RATE / 2)):
        rated = end - pd.Timedelta(days=int(rng.integers(*EARLY_DAYS)), hours=-9)
        frame.at[i, "waktu_dinilai"] = f"{rated:%Y-%m-%dT%H:%M:%S}+07:00"
        tally.finding(agency, period, "evaluasi_periodik", "dinilai_sebelum_periode_berakhir")
    if first_block:
        for i in _pick(rng, free, 1):
            frame.at[i, "penilai_nip"] = frame.at[i, "nip"]
            tally.finding(agency, period, "evaluasi_periodik", "menilai_diri_sendiri")
    frame.attrs["free"] = free
    return frame


def evaluation_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str,
                       period: str) -> pd.DataFrame:
    """Plant defects that real exports have; each breaks one rule. Returns the frame (rows may be added)."""
    free = list(frame.attrs.get("free", frame.index))
    frame = frame.copy()
    new_regime = frame["regime"].iloc[0] == "PERMEN6_2022"
    n = len(frame)

    def plant(rule: str, k: int, column: str, value) -> None:
        for i in _pick(rng, free, k):
            frame.at[i, column] = value(frame.at[i, column]) if callable(value) else value
            tally.defect(agency, period, "evaluasi_periodik", RULE[rule])

    plant("nip", _count(rng, n, DEFECT_RATE), "nip", lambda nip: f"{float(nip):.5E}")  # Excel's 1.97411E+17
    if new_regime:
        plant("hasil_set", _count(rng, n, DEFECT_RATE / 2), "rating_hasil_kerja", "Luar Biasa")
        plant("perilaku_required", _count(rng, n, DEFECT_RATE / 2), "rating_perilaku_kerja", "")
    else:
        plant("nilai_skp_required", _count(rng, n, DEFECT_RATE / 2), "nilai_skp", "")
        plant("nilai_skp_range", _count(rng, n, DEFECT_RATE / 2), "nilai_skp", "135.00")
    duplicated = _pick(rng, free, _count(rng, n, DEFECT_RATE / 2))
    if duplicated:
        tally.defect(agency, period, "evaluasi_periodik", RULE["unique_evaluasi"], 2 * len(duplicated))
        frame = pd.concat([frame, frame.loc[duplicated]], ignore_index=True)
    return frame


# valid printed spellings that normalise: label drift that must NOT be quarantined
PRINTED = {
    "DIATAS": ["Di Atas Ekspektasi", "DI ATAS EKSPEKTASI", "Diatas Ekspektasi", "diatas"],
    "SESUAI": ["Sesuai Ekspektasi", "SESUAI EKSPEKTASI", "sesuai"],
    "DIBAWAH": ["Di Bawah Ekspektasi", "DI BAWAH EKSPEKTASI", "Dibawah Ekspektasi"],
    "SANGAT_BAIK": ["Sangat Baik"], "BAIK": ["Baik"], "BUTUH_PERBAIKAN": ["Butuh Perbaikan", "Cukup"],
    "KURANG": ["Kurang/Misconduct", "Kurang (Misconduct)", "Kurang"], "SANGAT_KURANG": ["Sangat Kurang"],
    "CUKUP": ["Cukup"],
}


def label_drift(frame: pd.DataFrame, rng: np.random.Generator, rate: float = 0.1) -> pd.DataFrame:
    """Spell labels as real applications print them (only for canonical CSV drops kept by hand)."""
    frame = frame.copy()
    for column in ("rating_hasil_kerja", "rating_perilaku_kerja", "predikat"):
        mask = rng.random(len(frame)) < rate
        frame.loc[mask, column] = [
            PRINTED[v][int(rng.integers(0, len(PRINTED[v])))] if v in PRINTED else v
            for v in frame.loc[mask, column]
        ]
    return frame


def rhk_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str):
    for i in _pick(rng, list(frame.index), _count(rng, len(frame), DEFECT_RATE / 4)):
        frame.at[i, "jenis_rhk"] = "POKOK"
        tally.defect(agency, period, "rhk", RULE["jenis_rhk"])
    return frame


def pegawai_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str,
                    outsider_nip: str, spared_unit: str | None = None) -> pd.DataFrame:
    """Rosters out of step with the rest of the delivery (domain.md §8): an employee in a unit the
    unit list does not have, and a supervisor who is not on the roster (moved away, not updated).
    The people of `spared_unit` (a unit planted for another finding) are left alone."""
    frame = frame.copy()
    free = list(frame.index[_free_staff(frame) & (frame["unit_kode"] != spared_unit)])
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE / 4)):
        frame.at[i, "unit_kode"] = f"{frame.at[i, 'unit_kode']}.LAMA"  # a unit dissolved last year
        tally.defect(agency, period, "pegawai", RULE["unit_unknown"])
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE / 4)):
        frame.at[i, "atasan_nip"] = outsider_nip
        tally.defect(agency, period, "pegawai", RULE["atasan_unknown"])
    return frame


def skm_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str,
                unsur: list[str], unknown_units: bool = True):
    free = list(frame.index)
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE / 2)):
        column = unsur[int(rng.integers(0, len(unsur)))]
        frame.at[i, column] = "5"
        tally.defect(agency, period, "skm_responden", RULE["skm_answer"].format(unsur=column))
    if unknown_units:  # a service point the unit list does not know (an application with a foreign key cannot)
        for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE / 4)):
            frame.at[i, "unit_layanan_kode"] = f"{frame.at[i, 'unit_layanan_kode']}-KELILING"
            tally.defect(agency, period, "skm_responden", RULE["skm_unit_unknown"])
    return frame


def pengaduan_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str):
    """Complaints as real exports have them: a channel the format does not know (SMS), a complaint
    marked resolved without its resolution time, a service point the unit list does not know."""
    free = list(frame.index)
    n = len(frame)
    for i in _pick(rng, free, _count(rng, n, DEFECT_RATE * 2)):
        frame.at[i, "kanal"] = "SMS"
        tally.defect(agency, period, "pengaduan", RULE["kanal"])
    resolved = [i for i in free if frame.at[i, "status"] == "SELESAI"]
    for i in _pick(rng, resolved, _count(rng, n, DEFECT_RATE * 2)):
        free.remove(i)
        frame.at[i, "waktu_selesai"] = ""
        tally.defect(agency, period, "pengaduan", RULE["selesai_required"])
    for i in _pick(rng, free, _count(rng, n, DEFECT_RATE)):
        frame.at[i, "unit_layanan_kode"] = f"{frame.at[i, 'unit_layanan_kode']}-KELILING"
        tally.defect(agency, period, "pengaduan", RULE["skm_unit_unknown"])
    return frame


def transaksi_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str):
    """Service requests as queue systems export them now and then: a date typed the local way, a
    service code in lower case."""
    free = list(frame.index)
    n = len(frame)
    for i in _pick(rng, free, _count(rng, n, DEFECT_RATE / 2)):
        stamp = pd.Timestamp(frame.at[i, "waktu_diajukan"][:19])
        frame.at[i, "waktu_diajukan"] = f"{stamp:%d/%m/%Y %H:%M}"
        tally.defect(agency, period, "transaksi_layanan", RULE["diajukan_iso"])
    for i in _pick(rng, free, _count(rng, n, DEFECT_RATE / 2)):
        frame.at[i, "jenis_layanan"] = frame.at[i, "jenis_layanan"].lower() + "-el"
        tally.defect(agency, period, "transaksi_layanan", RULE["jenis_layanan"])
    return frame


__all__ = ["MATRIX", "PAIRS_FOR", "RULE", "Tally", "evaluation_defects", "evaluation_findings", "label_drift",
           "pegawai_defects", "pengaduan_defects", "rhk_defects", "skm_defects", "transaksi_defects",
           "iku_findings", "iku_defects", "pelatihan_defects"]


def iku_findings(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str,
                 org: dict[str, str]) -> pd.DataFrame:
    """A unit rated Istimewa whose indicators were all missed (domain.md §1.4: the unit's predikat
    rests on its Perjanjian Kinerja, so auditors look at it): one per delivery, where a unit is
    rated Istimewa. The mart must flag exactly these."""
    frame = frame.copy()
    istimewa = sorted(u for u in frame["unit_kode"].unique() if org.get(u) == "ISTIMEWA")
    if not istimewa:
        return frame
    unit = istimewa[int(rng.integers(0, len(istimewa)))]
    for i in frame.index[frame["unit_kode"] == unit]:
        target = float(frame.at[i, "target"])
        missed = target * 0.8 if frame.at[i, "arah"] == "NAIK" else target * 1.25
        frame.at[i, "realisasi"] = f"{missed:.2f}".rstrip("0").rstrip(".")
    tally.finding(agency, period, "iku", "unit_istimewa_iku_tidak_tercapai")
    return frame


def iku_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str):
    """A realisation typed with a decimal comma, a direction spelled as no form prints it."""
    frame = frame.copy()
    free = list(frame.index)
    for i in _pick(rng, [j for j in free if frame.at[j, "realisasi"] != ""], _count(rng, len(frame), DEFECT_RATE * 3)):
        frame.at[i, "realisasi"] = frame.at[i, "realisasi"].replace(".", ",") if "." in frame.at[i, "realisasi"] \
            else frame.at[i, "realisasi"] + ",5"
        free.remove(i)
        tally.defect(agency, period, "iku", RULE["iku_realisasi"])
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE * 3)):
        frame.at[i, "arah"] = "MENINGKAT"
        tally.defect(agency, period, "iku", RULE["iku_arah"])
    return frame


def pelatihan_defects(frame: pd.DataFrame, rng: np.random.Generator, tally: Tally, agency: str, period: str):
    """A course recorded with 0 JP, a completion date typed the Indonesian way (dd/mm/yyyy)."""
    frame = frame.copy()
    free = list(frame.index)
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE * 2)):
        frame.at[i, "jumlah_jp"] = "0"
        tally.defect(agency, period, "pelatihan", RULE["pelatihan_jp"])
    for i in _pick(rng, free, _count(rng, len(frame), DEFECT_RATE * 2)):
        y, m, d = frame.at[i, "tanggal_selesai"].split("-")
        frame.at[i, "tanggal_selesai"] = f"{d}/{m}/{y}"
        tally.defect(agency, period, "pelatihan", RULE["pelatihan_tanggal"])
    return frame
