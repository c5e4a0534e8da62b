"""The demo world's supervisor feedback, BerAKHLAK values and performance reports (issue 20 items 1, 2, 5).

- umpan_balik: the rater (the evaluation's penilai: the employee's atasan, the external rater for the
  head of government) gives feedback on about nine RHK lines in ten in the month, most before the
  month ends, some up to ten days after; now and then a second one on the same line, and on about
  one employee in seven a feedback on one BerAKHLAK value. Every rated employee gets at least one
  feedback on his first line, except from the planted **silent rater**: in each government's first
  OPD the head of its first bidang rates his staff and never gives feedback (manifest finding
  `penilai_tanpa_umpan_balik`, one per government and month).
- perilaku_kerja: per PermenPANRB 6/2022 evaluation the seven values, each with the leader's
  expectation and a rating near the overall perilaku rating (one value in five a step off).
- laporan_kinerja: per active employee and month, a report of achievements and challenges filed
  within `LAPORAN_BATAS_HARI` days after the month (most), later (some) or not at all (a few);
  the manifest counts the reports on time and late per government and month.

Free text (the feedback, the expectations, the reports) is written on purpose so that the privacy scan
has something to catch if it ever reached publik: the feedback names its recipient.
"""

from __future__ import annotations

import pandas as pd

from etl.canonical import BERAKHLAK, entity as entity_def
from demo.synth.world import Government, external_rater_nip, period_end, rng_for, utc_offset

FEEDBACK_RATE = 0.88        # RHK lines with a feedback in the month
SECOND_RATE = 0.08          # ... with a second one
LATE_RATE = 0.12            # feedback given after the month's end (1-10 days)
PERILAKU_RATE = 0.15        # employees with a feedback on one BerAKHLAK value
VALUE_OFF_RATE = 0.2        # a value rated a step away from the overall perilaku rating
LAPORAN_BATAS_HARI = 5      # = seed aturan_laporan_kinerja (the demo governments' rule)
LAPORAN_LATE_RATE = 0.08
LAPORAN_MISSING_RATE = 0.07

_NOTES = ("Realisasi {rhk} sudah sesuai target, pertahankan, Sdr. {nama}.",
          "Sdr. {nama}, realisasi {rhk} masih di bawah target: mohon percepat dan laporkan kendalanya.",
          "Bukti dukung {rhk} belum lengkap, Sdr. {nama} agar melengkapi minggu ini.",
          "Sdr. {nama} sudah baik untuk {rhk}; koordinasikan dengan bidang lain.")
_EKSPEKTASI = {
    "BERORIENTASI_PELAYANAN": "Melayani pemohon dengan ramah dan tuntas pada hari yang sama",
    "AKUNTABEL": "Menyampaikan laporan pertanggungjawaban tepat waktu dan lengkap",
    "KOMPETEN": "Mengikuti pengembangan kompetensi dan berbagi pengetahuan di unit",
    "HARMONIS": "Menjaga suasana kerja yang saling menghargai",
    "LOYAL": "Menjaga kerahasiaan dokumen dan nama baik instansi",
    "ADAPTIF": "Menyesuaikan cara kerja dengan aplikasi layanan yang baru",
    "KOLABORATIF": "Aktif dalam tim kerja lintas bidang",
}
_STEP = {"DIATAS": ("SESUAI",), "SESUAI": ("DIATAS", "DIBAWAH"), "DIBAWAH": ("SESUAI",)}


def silent_rater(roster: pd.DataFrame) -> str | None:
    """The planted rater who rates and never gives feedback: the head of the first bidang (by code) of
    the OPD in `roster`, if it is the government's first OPD."""
    if roster.empty or int(roster["x_opd"].iloc[0]) != 0:
        return None
    heads = roster[(roster["x_role"] == "head_unit") & roster["unit_kode"].str.contains(".B", regex=False)]
    return None if heads.empty else heads.sort_values("unit_kode")["nip"].iloc[0]


def rater_of(government: Government, roster: pd.DataFrame, seed: int, total: int) -> pd.Series:
    """Each employee's rater, as world.evaluations names him (the head of government's is external)."""
    rater = roster.set_index("nip")["atasan_nip"].copy()
    heads = roster.loc[roster["x_role"] == "head_government", "nip"]
    rater.loc[list(heads)] = external_rater_nip(government, seed, total)
    return rater


def feedback(government: Government, roster: pd.DataFrame, lines: pd.DataFrame, month: str, seed: int,
             total: int) -> tuple[pd.DataFrame, str | None]:
    """The month's feedback on one OPD's RHK lines (clean lines, as world.rhk_lines makes them), and the
    silent rater of the OPD if it has one."""
    columns = list(entity_def("umpan_balik").columns)
    if lines.empty:
        return pd.DataFrame(columns=columns), None
    rng = rng_for(seed, government.kode, "umpan-balik", int(roster["x_opd"].iloc[0]), month)
    rater = rater_of(government, roster, seed, total)
    names = roster.set_index("nip")["nama"]
    silent = silent_rater(roster)
    start = pd.Timestamp(f"{month}-01")
    end = period_end(month)
    days = (end - start).days + 1
    offset = utc_offset(government)
    rows: list[dict] = []

    def add(nip, skp_id, aspek, rhk, value, giver, n, about):
        late = rng.random() < LATE_RATE
        when = (end + pd.Timedelta(days=int(rng.integers(1, 11)))) if late else \
            (start + pd.Timedelta(days=int(rng.integers(0, days))))
        when += pd.Timedelta(hours=int(rng.integers(8, 17)), minutes=int(rng.integers(0, 60)))
        note = _NOTES[int(rng.integers(0, len(_NOTES)))].format(rhk=about, nama=names.get(nip, ""))
        rows.append({"umpan_balik_id": f"UB-{government.kode}-{month.replace('-', '')}-{nip}-{aspek[0]}{n}",
                     "nip": nip, "skp_id": skp_id, "periode": month, "aspek": aspek, "rhk_kode": rhk,
                     "perilaku_kode": value, "pemberi_nip": giver,
                     "waktu_diberikan": f"{when:%Y-%m-%dT%H:%M:%S}{offset}", "umpan_balik": note})

    for (nip, skp_id), own in lines.groupby(["nip", "skp_id"], sort=False):
        giver = rater.get(nip, "")
        if not giver or giver == silent:
            continue
        for n, rhk in enumerate(own["rhk_kode"]):
            if n == 0 or rng.random() < FEEDBACK_RATE:
                add(nip, skp_id, "RHK", rhk, "", giver, f"{n + 1}a", rhk)
                if rng.random() < SECOND_RATE:
                    add(nip, skp_id, "RHK", rhk, "", giver, f"{n + 1}b", rhk)
        if rng.random() < PERILAKU_RATE:
            value = BERAKHLAK[int(rng.integers(0, len(BERAKHLAK)))]
            add(nip, skp_id, "PERILAKU", "", value, giver, "1", value.replace("_", " ").lower())
    return pd.DataFrame(rows, columns=columns), silent


def perilaku(evaluations: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The seven BerAKHLAK values of each PermenPANRB 6/2022 evaluation: the leader's expectation and
    the value's rating, near the overall perilaku rating."""
    columns = list(entity_def("perilaku_kerja").columns)
    rows = []
    for ev in evaluations.itertuples(index=False):
        if ev.regime != "PERMEN6_2022" or not ev.rating_perilaku_kerja:
            continue
        rng = rng_for(seed, "berakhlak", ev.nip, ev.periode)
        for value in BERAKHLAK:
            rating = ev.rating_perilaku_kerja
            if rng.random() < VALUE_OFF_RATE:
                steps = _STEP[rating]
                rating = steps[int(rng.integers(0, len(steps)))]
            rows.append({"nip": ev.nip, "skp_id": ev.skp_id, "periode": ev.periode, "perilaku_kode": value,
                         "ekspektasi": _EKSPEKTASI[value], "rating": rating})
    return pd.DataFrame(rows, columns=columns)


def reports(government: Government, roster: pd.DataFrame, month: str, seed: int) -> tuple[pd.DataFrame, int, int]:
    """The month's performance reports of one OPD's active staff; with the counts filed on time and late."""
    columns = list(entity_def("laporan_kinerja").columns)
    rng = rng_for(seed, government.kode, "laporan-kinerja", int(roster["x_opd"].iloc[0]) if len(roster) else 0, month)
    end = period_end(month)
    offset = utc_offset(government)
    rows, on_time, late = [], 0, 0
    for person in roster[roster["aktif"] == "true"].itertuples(index=False):
        roll = rng.random()
        if roll < LAPORAN_MISSING_RATE:
            continue
        if roll < LAPORAN_MISSING_RATE + LAPORAN_LATE_RATE:
            day, late = int(rng.integers(LAPORAN_BATAS_HARI + 1, 21)), late + 1
        else:
            day, on_time = int(rng.integers(0, LAPORAN_BATAS_HARI + 1)), on_time + 1
        # local time: on time when filed on or before the month's last day + LAPORAN_BATAS_HARI
        when = end + pd.Timedelta(days=day, hours=int(rng.integers(8, 17)), minutes=int(rng.integers(0, 60)))
        rows.append({"nip": person.nip, "periode": month,
                     "laporan_id": f"LK-{government.kode}-{month.replace('-', '')}-{person.nip[-9:]}",
                     "waktu_disampaikan": f"{when:%Y-%m-%dT%H:%M:%S}{offset}",
                     "capaian": f"{person.nama} menyelesaikan {int(rng.integers(3, 40))} dokumen layanan bulan ini.",
                     "kendala": "" if rng.random() < 0.3 else "Jaringan aplikasi sering terputus di kantor distrik."})
    return pd.DataFrame(rows, columns=columns), on_time, late
