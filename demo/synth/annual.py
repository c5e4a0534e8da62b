"""The demo world's annual evaluations (evaluasi kinerja tahunan, domain.md §1.6), consistent with the
year's periodic ones, and their hand counts for `manifest.json` (key `tahunan`).

For each government and each year the demo months touch, one annual evaluation per employee on the
roster of the year's last demo month (the unit he ended the year in), written by the government's
own source system (ANNUAL_SOURCES: the e-Kinerja export's annual sheet, canonical CSV, the SIASN
`rw-skp22` resource, the application database's `penilaian_tahunan`, the legacy PP 30/2019 export)
into the year's folder (`<out>/<AGENCY>/<YYYY>/`, the API's `rw-skp22/<YYYY>.jsonl`).

How the year's predikat follow the periodic ones: each OPD gets its own annual predikat (set by the
level above, world.org_predikat for the year), the curve's quotas of that predikat
(world.curve_quotas) are dealt to its staff in the order of their periodic record (the mean of the
year's periodic predikat as delivered — planted findings included, rows a rule quarantines left out:
delivered_record —, best first), and the OPD's head gets the pair of the unit's achievement
(world.HEAD_PAIR), as in the periodic evaluations. Two cases are planted in every government:

- `sangat_baik_setelah_butuh_perbaikan`: the staff member with the weakest periodic record among
  those of OPDs whose curve allows a Sangat Baik is rated Sangat Baik for the year (his annual
  rating swapped with one who had it, so the unit's annual curve stays as dealt);
- `fungsional_sebagian_tahun`: a functional employee whose SKP in the post began on 1 April
  (9 months of the year: the partial-year angka kredit of domain.md §1.8).

The manifest holds, per government and year, the rows, each OPD's annual predikat and its people per
predikat (the annual curve by hand), the number of employees whose annual predikat is two or more
steps above the predikat most frequent in their year's periodic evaluations (the finding), and each
functional employee's months, predikat and jenjang (the angka kredit by hand).
"""

from __future__ import annotations

import csv
from collections import Counter
import re
from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from etl.canonical import entity as entity_def, normalise_label
from etl.config import dbt_project_dir, quarter_of
from demo.synth import world
from demo.synth.world import Government

ENTITY = "evaluasi_tahunan"
# government -> the writer of its annual evaluations (its performance source's kind)
ANNUAL_SOURCES: dict[str, str] = {
    "KEPAHIANG": "ekinerja_xlsx", "PAUH": "canonical_csv", "LAMPUNG": "siasn_api", "JAMBI": "app_db",
    "WANGGAR": "legacy_csv",
}
RANK = {"SANGAT_BAIK": 5, "BAIK": 4, "BUTUH_PERBAIKAN": 3, "KURANG": 2, "SANGAT_KURANG": 1}
PLANTED_MONTHS = 9
NIP = re.compile(r"[0-9]{18}")  # the partial-year functional employee's months in the post (April to December)


def _jenjang_seed() -> list[dict]:
    """The jenjang of functional posts and their pattern in a post's name (dbt seed
    koefisien_angka_kredit: one copy of the rule)."""
    with open(dbt_project_dir() / "seeds" / "koefisien_angka_kredit.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def jenjang_of(golongan: str) -> str:
    """The demo's jenjang of a functional employee by his golongan (PNS III/a-b Ahli Pertama, III/c-d
    Ahli Muda, IV Ahli Madya; PPPK V-VII Terampil, IX Ahli Pertama, X and above Ahli Muda)."""
    if golongan.startswith("IV/"):
        return "Ahli Madya"
    if golongan in ("III/c", "III/d"):
        return "Ahli Muda"
    if golongan.startswith("III/"):
        return "Ahli Pertama"
    if golongan.startswith("II/"):
        return "Terampil"
    return {"V": "Terampil", "VII": "Terampil", "IX": "Ahli Pertama"}.get(golongan, "Ahli Muda")


def years_of(months: tuple[str, ...]) -> list[str]:
    return sorted({m[:4] for m in months})


def _periods(government: Government, months: list[str]) -> list[str]:
    if government.periodicity == "quarterly":
        return [quarter_of(m) for m in months if int(m[5:7]) % 3 == 0]
    return list(months)


def _band_pp30(skp: float, perilaku: float, reported: str | None) -> str:
    """PP 30/2019's predikat of a legacy score as the warehouse gives it (70/30, the demo's weighting):
    the band, or a reported Sangat Baik where the score allows it (domain.md §1.9)."""
    value = world.PP30_WEIGHTS[0] * skp + world.PP30_WEIGHTS[1] * perilaku
    if value >= 110 and reported == "SANGAT_BAIK":
        return "SANGAT_BAIK"
    return "BAIK" if value >= 90 else "BUTUH_PERBAIKAN" if value >= 70 else "KURANG" if value >= 50 else "SANGAT_KURANG"


def delivered_record(frames: Iterable[pd.DataFrame]) -> dict[str, list[str]]:
    """nip -> the predikat the warehouse gives his periodic evaluations of the year as delivered (planted
    findings included), one per period (the definitive post first); rows a rule quarantines (a NIP or a
    rater's NIP Excel mangled, a rating or score missing or out of its set, a duplicated key) left out."""
    frame = pd.concat(list(frames), ignore_index=True).fillna("").astype(str)
    frame = frame[~frame.duplicated(["nip", "periode", "skp_id"], keep=False)]
    frame = frame[frame["nip"].str.fullmatch(NIP) & frame["penilai_nip"].str.fullmatch(NIP)]
    best: dict[tuple[str, str], tuple[bool, str]] = {}
    for row in frame.itertuples(index=False):
        if row.regime == "PERMEN6_2022":
            pair = (normalise_label("rating", row.rating_hasil_kerja), normalise_label("rating", row.rating_perilaku_kerja))
            predikat = world.MATRIX.get(pair)
        else:
            try:
                skp, perilaku = float(row.nilai_skp), float(row.nilai_perilaku)
            except ValueError:
                continue
            predikat = (_band_pp30(skp, perilaku, normalise_label("predikat_pegawai", row.predikat))
                        if 0 <= skp <= 120 and 0 <= perilaku <= 100 else None)
        if predikat is None:
            continue
        key = (row.nip, row.periode)
        acting = row.is_plt_plh == "true"
        if key not in best or (best[key][0] and not acting):
            best[key] = (acting, predikat)
    record: dict[str, list[str]] = {}
    for (nip, period), (_, predikat) in sorted(best.items(), key=lambda item: item[0][1]):
        record.setdefault(nip, []).append(predikat)
    return record


def most_frequent(predikat: list[str]) -> str | None:
    """The predikat most frequent in a year's periodic evaluations, a tie to the better one."""
    if not predikat:
        return None
    counts = Counter(predikat)
    return max(counts, key=lambda p: (counts[p], RANK[p]))


def is_finding(annual: str, periodic: list[str]) -> bool:
    """The annual predikat two or more steps above the year's most frequent periodic one."""
    mode = most_frequent(periodic)
    return mode is not None and RANK[annual] - RANK[mode] >= 2


class Year:
    """One government's annual evaluations of one year."""

    def __init__(self, government: Government, year: str, months: list[str], seed: int, total: int,
                 record: dict[str, list[str]]):
        self.g, self.year, self.months, self.seed, self.total = government, year, months, seed, total
        self.periods = _periods(government, months)
        self.last = months[-1]
        self.record = record

    def _opd(self, index: int) -> list[dict]:
        people = world.people_of_opd(self.g, index, self.seed, self.total)
        record = self.record
        roster = world.as_of(people, self.g, self.last, self.seed, self.total)
        opd = f"{self.g.kode}.OPD{index + 1:03d}"
        org = world.org_predikat(opd, self.year, self.seed)
        rng = world.rng_for(self.seed, self.g.kode, "tahunan", index, self.year)
        group = roster[roster["x_role"] != "head_government"]
        quotas = world.curve_quotas(org, len(group))
        head_pair = world.HEAD_PAIR[org]
        quotas[world.MATRIX[head_pair]] -= 1
        dealt = sorted((p for p, k in quotas.items() for _ in range(k)), key=lambda p: -RANK[p])
        def score(nip):
            return sum(RANK[p] for p in record.get(nip, [])) / max(1, len(record.get(nip, [])))
        staff = sorted((p for p in group.itertuples(index=False) if p.x_role != "head_opd"),
                       key=lambda p: (-score(p.nip), p.nip))
        rows = []
        for person, predikat in zip(staff, dealt):
            rows.append(self._row(person, predikat, None, opd, org, rng))
        for person in group[group["x_role"] == "head_opd"].itertuples(index=False):
            rows.append(self._row(person, world.MATRIX[head_pair], head_pair, opd, org, rng))
        for person in roster[roster["x_role"] == "head_government"].itertuples(index=False):
            person = person._replace(atasan_nip=world.external_rater_nip(self.g, self.seed, self.total))
            rows.append(self._row(person, "BAIK", ("SESUAI", "SESUAI"), self.g.kode, "", rng))
        return rows

    def _row(self, person, predikat: str, pair, unit: str, org: str, rng) -> dict:
        pair = pair or world.PAIRS_FOR[predikat][0]
        jabatan = person.jabatan_nama
        if person.jabatan_kategori == "FUNGSIONAL":
            jabatan = f"{jabatan} {jenjang_of(person.golongan)}"
        # rated a few days after the year's last demo month (January after the year, once it is over)
        rated = world.period_end(self.last) + pd.Timedelta(days=int(rng.integers(1, 5)), hours=int(rng.integers(8, 16)),
                                                           minutes=int(rng.integers(0, 60)))
        row = {
            "nip": person.nip, "tahun": self.year, "skp_id": f"SKP-{self.g.kode}-{self.year}-{person.nip[-9:]}",
            "unit_kode": person.unit_kode, "jabatan_nama": jabatan, "jabatan_kategori": person.jabatan_kategori,
            "periode_awal": f"{self.year}-01-01", "periode_akhir": f"{self.year}-12-31", "regime": self.g.regime,
            "rating_hasil_kerja": pair[0], "rating_perilaku_kerja": pair[1], "nilai_skp": "", "nilai_perilaku": "",
            "predikat": predikat, "predikat_organisasi": org or "", "penilai_nip": person.atasan_nip,
            "waktu_dinilai": f"{rated:%Y-%m-%dT%H:%M:%S}+07:00", "is_plt_plh": "false",
            "kuadran_nilai": "", "x_opd_unit": unit, "x_role": person.x_role, "x_golongan": person.golongan,
        }
        if self.g.regime == "PP30_2019":
            row.update(world._legacy_scores(rng, predikat))
            row["rating_hasil_kerja"] = row["rating_perilaku_kerja"] = row["predikat_organisasi"] = ""
        return row

    def generate(self) -> tuple[pd.DataFrame, dict]:
        records = self.record
        frame = pd.concat([pd.DataFrame(self._opd(index)) for index in range(world.opd_count(self.g, self.total))],
                          ignore_index=True)
        planted = self._plant(frame, records)
        return frame, self._tally(frame, records, planted)

    def _plant(self, frame: pd.DataFrame, records: dict[str, list[str]]) -> dict:
        planted = {}
        staff = frame[frame["x_role"] == "staff"]
        # an annual Sangat Baik after a year of Butuh Perbaikan: the weakest periodic record among staff
        # of OPDs with a Sangat Baik to give, swapped with one who had it (the unit's curve unchanged)
        with_sb = set(staff.loc[staff["predikat"] == "SANGAT_BAIK", "x_opd_unit"])
        candidates = staff[staff["x_opd_unit"].isin(with_sb) & (staff["predikat"] != "SANGAT_BAIK")]
        if len(candidates):
            def weakness(nip):
                periodic = records.get(nip, [])
                return (RANK.get(most_frequent(periodic) or "BAIK"), sum(RANK[p] for p in periodic), nip)
            nip = min(candidates["nip"], key=weakness)
            i = frame.index[frame["nip"] == nip][0]
            unit = frame.at[i, "x_opd_unit"]
            j = frame.index[(frame["x_opd_unit"] == unit) & (frame["predikat"] == "SANGAT_BAIK")
                            & (frame["x_role"] == "staff")][0]
            swapped = ["rating_hasil_kerja", "rating_perilaku_kerja", "nilai_skp", "nilai_perilaku", "predikat"]
            frame.loc[[i, j], swapped] = frame.loc[[j, i], swapped].to_numpy()
            planted["sangat_baik_setelah_butuh_perbaikan"] = {
                "nip": nip, "periodik": dict(Counter(records.get(nip, []))),
                "temuan": is_finding("SANGAT_BAIK", records.get(nip, []))}
        # a functional employee who served part of the year in his post
        fungsional = frame[(frame["jabatan_kategori"] == "FUNGSIONAL") & (frame["x_role"] == "staff")
                           & (frame["nip"] != planted.get("sangat_baik_setelah_butuh_perbaikan", {}).get("nip"))]
        if len(fungsional):
            i = fungsional.index[0]
            frame.at[i, "periode_awal"] = f"{self.year}-{13 - PLANTED_MONTHS:02d}-01"
            planted["fungsional_sebagian_tahun"] = {"nip": frame.at[i, "nip"], "bulan": PLANTED_MONTHS}
        return planted

    def _tally(self, frame: pd.DataFrame, records: dict[str, list[str]], planted: dict) -> dict:
        units = {}
        judged = frame[frame["x_opd_unit"] != self.g.kode]
        for unit, rows in judged.groupby("x_opd_unit", sort=True):
            units[unit] = {"predikat_organisasi": world.org_predikat(unit, self.year, self.seed),
                           "pegawai": int(len(rows)),
                           "predikat": {p: int((rows["predikat"] == p).sum()) for p in RANK}}
        fungsional = {}
        for row in frame[frame["jabatan_kategori"] == "FUNGSIONAL"].itertuples(index=False):
            first, last = int(row.periode_awal[5:7]), int(row.periode_akhir[5:7])
            fungsional[row.nip] = {"predikat": _canonical_predikat(row.predikat), "bulan": last - first + 1,
                                   "jenjang": jenjang_of(row.x_golongan)}
        findings = sum(is_finding(_canonical_predikat(p), records.get(n, []))
                       for n, p in zip(frame["nip"], frame["predikat"]))
        return {"rows": int(len(frame)), "unit": units, "tahunan_jauh_di_atas_periodik": int(findings),
                "planted": planted, "fungsional": fungsional,
                "predikat": {p: int((frame["predikat"].map(_canonical_predikat) == p).sum()) for p in RANK}}


def _canonical_predikat(label: str) -> str:
    return {"CUKUP": "BUTUH_PERBAIKAN"}.get(label, label)


def write_years(government: Government, months: tuple[str, ...], seed: int, total: int, write,
                periodic: Callable[[str], Iterator[pd.DataFrame]]) -> dict:
    """Write the government's annual evaluations of each year `months` touch with `write(entity, year,
    chunks)`; `periodic(period)` gives the periodic evaluations of a period as they were delivered (the
    demo world's own stream, planted findings and defects included). Returns the manifest's hand
    counts per year."""
    tallies = {}
    for year in years_of(months):
        in_year = [m for m in months if m.startswith(year)]
        record = delivered_record(frame for period in _periods(government, in_year) for frame in periodic(period))
        frame, tally = Year(government, year, in_year, seed, total, record).generate()
        write(ENTITY, year, iter([frame[list(entity_def(ENTITY).columns)]]))
        tallies[year] = tally
    return tallies
