"""The demo world: deterministic source data for the five governments (contracts.md §1), with a manifest.

Same seed, same bytes. Each government's deliveries are written the way its source system
holds them (demo/synth/writers/). Findings and defects are planted on purpose at a small rate
(demo/synth/plant.py) and `manifest.json` says exactly how many of each were planted, per agency,
period and entity, defects under the sentence of the rule that must catch them.

Generation streams OPD by OPD: memory grows with the largest OPD, not with --employees.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.canonical import ENTITIES, entity as entity_def
from etl.config import ConfigError, quarter_of
from demo.synth import annual, careers, feedback, mutu, plant, world
from demo.synth.world import GOVERNMENTS, Government

# the demo world's source systems (contracts.md §1): government -> writer module -> entities
# (complaints come from WANGGAR's online complaint system as a JSON export, and more thinly from the
# others' complaint desks as canonical CSV; every government's service counters export their requests)
DEMO_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "KEPAHIANG": {"ekinerja_xlsx": ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi"),
                  "skm_forms": ("skm_responden",),
                  "canonical_csv": ("skm_populasi", "pengaduan", "transaksi_layanan", "pelatihan")},
    "PAUH": {"canonical_csv": ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi",
                               "skm_responden", "skm_populasi", "pengaduan", "transaksi_layanan", "pelatihan")},
    "LAMPUNG": {"siasn_api": ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi",
                              "skm_responden", "skm_populasi", "iku", "pelatihan"),
                "canonical_csv": ("pengaduan", "transaksi_layanan")},
    "JAMBI": {"app_db": ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi",
                         "skm_responden"),
              "canonical_csv": ("skm_populasi", "pengaduan", "transaksi_layanan", "pelatihan")},
    "WANGGAR": {"legacy_csv": ("unit_kerja", "pegawai", "evaluasi_periodik"),
                "canonical_csv": ("skm_responden", "skm_populasi", "transaksi_layanan", "pelatihan"),
                "pengaduan_json": ("pengaduan",)},
}
# sources whose RHK target is a number field (a JSON number): a target in words cannot be delivered
NUMERIC_TARGETS = {"siasn_api"}
# feedback, BerAKHLAK values and performance reports (demo/synth/feedback.py), added to the sources above
FEEDBACK_SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "KEPAHIANG": {"ekinerja_xlsx": ("perilaku_kerja", "umpan_balik")},
    "PAUH": {"canonical_csv": ("umpan_balik", "perilaku_kerja")},
    "LAMPUNG": {"siasn_api": ("umpan_balik",)},
    "JAMBI": {"app_db": ("umpan_balik", "perilaku_kerja")},
    "WANGGAR": {"canonical_csv": ("laporan_kinerja",)},
}
for _kode, _kinds in FEEDBACK_SOURCES.items():
    for _kind, _entities in _kinds.items():
        DEMO_SOURCES[_kode][_kind] = DEMO_SOURCES[_kode].get(_kind, ()) + _entities
# hand-kept spreadsheets spell labels as people print them (valid spellings, normalised on read)
LABEL_DRIFT = {"PAUH"}
# survey applications that report their own IKM per service unit and quarter, computed the way the
# regulation prints the weight (0,11 instead of 1/9: domain.md §2.4), so up to a point low
REPORTS_IKM = {"LAMPUNG"}


@dataclass(frozen=True)
class Settings:
    out: Path
    months: tuple[str, ...]
    seed: int = 2026
    employees: int = 1000  # across the five governments


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


def writer(kind: str):
    return importlib.import_module(f"demo.synth.writers.{kind}")


def writer_options(kind: str, kode: str, entity: str) -> dict:
    """Settings a writer shares with its connector: an application database is written where the
    agencies file says the connector reads it (url_env, url or database of that source)."""
    if kind != "app_db":
        return {}
    from etl.config import load_agencies
    from etl.sources.app_db import url_for

    for agency in load_agencies():
        if agency.kode == kode and entity in agency.entities and agency.source_for(entity).kind == kind:
            return {"url": url_for(agency, agency.source_for(entity), entity, admin=True)}
    return {}


class World:
    """One government's deliveries for one month, entity by entity, as streams of canonical chunks."""

    def __init__(self, government: Government, settings: Settings, tally: plant.Tally,
                 ledger: careers.Ledger | None = None):
        self.g = government
        self.s = settings
        self.tally = tally
        self.ledger = ledger
        self.opds = range(world.opd_count(government, settings.employees))
        # units planted at the curve's limit (world.KURVA_BATAS): Baik, no careers, defects or findings
        self.planted = world.planted_curve_units(government, settings.employees)
        # what it delivers through which kind of source; a government outside the demo world (a test's
        # new one) delivers every entity as a canonical CSV drop
        self.sources = DEMO_SOURCES.get(government.kode) or {"canonical_csv": tuple(ENTITIES)}

    def _roster(self, index: int, month: str) -> pd.DataFrame:
        """The OPD's roster of the month, careers included (demo.synth.careers)."""
        people = world.people_of_opd(self.g, index, self.s.seed, self.s.employees)
        moved = world.as_of(people, self.g, month, self.s.seed, self.s.employees)
        return careers.roster(moved, self.g, month, self.s.seed, self.s.employees)

    def _active(self, index: int, month: str) -> pd.DataFrame:
        roster = self._roster(index, month)
        return roster[roster["aktif"] == "true"]

    def _org(self, index: int, period: str) -> str:
        """An OPD's own predikat in the period (set by the level above); a planted unit's is Baik."""
        return world.opd_predikat(self.g, index, period, self.s.seed, self.s.employees)

    def _counted(self, entity: str, period: str, chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        columns = list(entity_def(entity).columns)
        for chunk in chunks:
            self.tally.rows(self.g.kode, period, entity, len(chunk))
            yield chunk[columns]

    def unit_kerja(self, period: str) -> Iterator[pd.DataFrame]:
        for units in world.all_units(self.g, self.s.seed, self.s.employees):
            yield pd.DataFrame([{"instansi_kode": self.g.kode, "unit_kode": u.kode, "unit_nama": u.nama,
                                 "induk_unit_kode": u.induk or "", "is_unit_layanan": "true" if u.layanan else "false"}
                                for u in units])

    def pegawai(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-pegawai", period)
        outsider = world.external_rater_nip(self.g, self.s.seed, self.s.employees)
        copying = "rhk" in [e for entities in self.sources.values() for e in entities]
        for index in self.opds:
            roster = self._roster(index, period)
            if self.ledger is not None:
                careers.record_roster(self.ledger, self.g, index, period, self.s.seed, self.s.employees)
            if index in self.planted:  # a unit planted at the curve's limit stays clean
                yield roster
                continue
            spared = mutu.copying_unit(roster) if copying else None
            copying = copying and spared is None  # only the delivery's first such unit is planted (World.rhk)
            yield plant.pegawai_defects(roster, rng, self.tally, self.g.kode, period, outsider, spared)

    def evaluasi_periodik(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-evaluasi", period)
        month = _last_month(period)
        baik = [i for i in self.opds if i not in self.planted and self._org(i, period) == "BAIK"]
        breaker = baik[int(rng.integers(0, len(baik)))] if baik and len(self.opds) > 1 else None
        drift = self.g.kode in LABEL_DRIFT
        for index in self.opds:
            roster = self._roster(index, month)
            if index in self.planted:
                name, baik_n, bp_n = self.planted[index]
                frame = world.evaluations(self.g, roster, period, self.s.seed, self.s.employees, org="BAIK",
                                          quotas={"BAIK": baik_n, "BUTUH_PERBAIKAN": bp_n})
                frame = careers.plant_curve_limit(self.g, index, frame, period, self.s.seed, self.s.employees,
                                                  self.ledger)
                if name == "unit_lewat":
                    self.tally.finding(self.g.kode, period, "evaluasi_periodik", "unit_melanggar_kurva")
            else:
                frame = world.evaluations(self.g, roster, period, self.s.seed, self.s.employees,
                                          org=self._org(index, period))
                frame = careers.evaluation_rows(self.g, frame, roster, period, self.s.seed, self.s.employees,
                                                self.ledger)
                frame = plant.evaluation_findings(frame, rng, self.tally, self.g.kode, period, index == 0,
                                                  index == breaker)
                frame = plant.evaluation_defects(frame, rng, self.tally, self.g.kode, period)
            if drift:
                frame = plant.label_drift(frame, rng)
                self.tally.finding(self.g.kode, period, "evaluasi_periodik", "label_drift_dinormalisasi", 0)
            yield frame

    def rhk(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-rhk", period)
        quality_rng = world.rng_for(self.s.seed, self.g.kode, "plant-rhk-mutu", period)
        state: dict = {}
        text_targets = not any("rhk" in entities for kind, entities in self.sources.items()
                               if kind in NUMERIC_TARGETS)
        for index in self.opds:
            roster = self._active(index, period)
            lines = world.rhk_lines(self.g, roster, period, self.s.seed)
            lines = plant.rhk_defects(lines, rng, self.tally, self.g.kode, period)
            yield mutu.rhk_findings(lines, roster, quality_rng, self.tally, self.g.kode, period, state, text_targets)

    def predikat_organisasi(self, period: str) -> Iterator[pd.DataFrame]:
        yield pd.DataFrame([{"instansi_kode": self.g.kode, "unit_kode": f"{self.g.kode}.OPD{i + 1:03d}",
                             "periode": period, "predikat_organisasi": self._org(i, period)}
                            for i in self.opds])

    def _service_units(self) -> Iterator[world.Unit]:
        for units in world.all_units(self.g, self.s.seed, self.s.employees):
            yield from (u for u in units if u.layanan)

    def skm_responden(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-skm", period)
        # an application database with a foreign key to its service units cannot hold an unknown one
        unknown_units = "skm_responden" not in self.sources.get("app_db", ())
        rated = any("predikat_organisasi" in entities for entities in self.sources.values())
        planted = mutu.istimewa_d_unit(self.g, period, self.s.months, self.s.seed, self.s.employees) if rated else None
        for unit in self._service_units():
            answers = world.survey_responses(self.g, unit, period, self.s.seed)
            if unit.kode == planted:
                answers = mutu.citizens_give_d(answers, rng, self.tally, self.g.kode, period, self.s.months)
            yield plant.skm_defects(answers, rng, self.tally, self.g.kode, period, world.UNSUR, unknown_units)

    def skm_populasi(self, period: str) -> Iterator[pd.DataFrame]:
        rows = []
        for unit in self._service_units():
            row = {"instansi_kode": self.g.kode, "unit_layanan_kode": unit.kode, "periode": period,
                   "populasi": str(world.survey_population(unit, period, self.s.seed)),
                   "ikm_dilaporkan": "", "mutu_dilaporkan": ""}
            if self.g.kode in REPORTS_IKM:
                row["ikm_dilaporkan"], row["mutu_dilaporkan"] = world.reported_ikm(self.g, unit, period, self.s.seed)
            rows.append(row)
        yield pd.DataFrame(rows)

    def pengaduan(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-pengaduan", period)
        units = list(self._service_units())
        frames = [world.complaints(self.g, unit, period, self.s.seed) for unit in units]
        if units and not any(len(f) for f in frames):  # every month shows in the demo's report (an empty register would load as 0 rows)
            frames[0] = world.complaints(self.g, units[0], period, self.s.seed, at_least=1)
        frame = pd.concat(frames, ignore_index=True)
        yield plant.pengaduan_defects(frame, rng, self.tally, self.g.kode, period)

    def transaksi_layanan(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-transaksi", period)
        for unit in self._service_units():
            requests = world.service_requests(self.g, unit, period, self.s.seed)
            yield plant.transaksi_defects(requests, rng, self.tally, self.g.kode, period)

    def iku(self, period: str) -> Iterator[pd.DataFrame]:
        """The OPDs' IKU for the year of the quarter, realisation so far; the unit's predikat of the
        same evaluation period (the quarter, or its last month for a monthly government) decides
        whether it reached its targets (world.iku_of_opd)."""
        label = period if self.g.periodicity == "quarterly" else _last_month(period)
        org = {f"{self.g.kode}.OPD{i + 1:03d}": self._org(i, label) for i in self.opds}
        rows = [row for i in self.opds
                for row in world.iku_of_opd(self.g, i, period, self.s.seed, org[f"{self.g.kode}.OPD{i + 1:03d}"])]
        frame = pd.DataFrame(rows, columns=list(entity_def("iku").columns))
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-iku", period)
        frame = plant.iku_findings(frame, rng, self.tally, self.g.kode, period, org)
        yield plant.iku_defects(frame, rng, self.tally, self.g.kode, period)

    def pelatihan(self, period: str) -> Iterator[pd.DataFrame]:
        rng = world.rng_for(self.s.seed, self.g.kode, "plant-pelatihan", period)
        for index in self.opds:
            courses = world.trainings(self.g, self._active(index, period), period, self.s.seed)
            yield plant.pelatihan_defects(courses, rng, self.tally, self.g.kode, period)

    def umpan_balik(self, period: str) -> Iterator[pd.DataFrame]:
        """Raters' feedback on the month's RHK lines (demo/synth/feedback.py), one planted silent rater."""
        for index in self.opds:
            roster = self._roster(index, period)
            lines = world.rhk_lines(self.g, roster, period, self.s.seed)
            frame, silent = feedback.feedback(self.g, roster, lines, period, self.s.seed, self.s.employees)
            if silent:
                self.tally.finding(self.g.kode, period, "umpan_balik", "penilai_tanpa_umpan_balik")
            yield frame

    def perilaku_kerja(self, period: str) -> Iterator[pd.DataFrame]:
        """The seven BerAKHLAK values of each evaluation of the period (clean evaluations)."""
        month = _last_month(period)
        for index in self.opds:
            evaluations = world.evaluations(self.g, self._roster(index, month), period, self.s.seed, self.s.employees)
            yield feedback.perilaku(evaluations, self.s.seed)

    def laporan_kinerja(self, period: str) -> Iterator[pd.DataFrame]:
        """Employees' own performance reports of the month, counted on time and late in the manifest."""
        for index in self.opds:
            frame, on_time, late = feedback.reports(self.g, self._roster(index, period), period, self.s.seed)
            self.tally.finding(self.g.kode, period, "laporan_kinerja", "laporan_tepat_waktu", on_time)
            self.tally.finding(self.g.kode, period, "laporan_kinerja", "laporan_terlambat", late)
            yield frame

    def deliveries(self, month: str) -> Iterator[tuple[str, str, str, Callable[[], Iterator[pd.DataFrame]]]]:
        """(writer kind, entity, period label, chunk stream) for everything due in `month`."""
        quarter_end = int(month[5:7]) % 3 == 0
        for kind, entities in self.sources.items():
            for entity in entities:
                cadence = entity_def(entity).cadence
                quarterly = cadence == "quarterly" or (cadence == "evaluation" and self.g.periodicity == "quarterly")
                if quarterly and not quarter_end:
                    continue
                period = quarter_of(month) if quarterly else month
                stream = getattr(self, entity)
                yield kind, entity, period, (lambda s=stream, e=entity, p=period: self._counted(e, p, s(p)))


def _last_month(period: str) -> str:
    if "Q" in period:
        return f"{period[:4]}-{int(period[-1]) * 3:02d}"
    return period


def generate(settings: Settings, progress=None, governments: tuple[str, ...] | None = None) -> dict:
    """Write the demo world under settings.out and return its manifest."""
    out = Path(settings.out)
    tally = plant.Tally()
    ledger = careers.Ledger()
    chosen = [g for g in GOVERNMENTS if governments is None or g.kode in governments]
    tahunan = {}
    for government in chosen:
        source = World(government, settings, tally, ledger)
        for month in settings.months:
            for kind, entity, period, chunks in source.deliveries(month):
                writer(kind).write(out, government.kode, entity, period, chunks(),
                                   **writer_options(kind, government.kode, entity))
            if progress:
                progress(f"{government.kode} {month}")
        # the annual evaluations of each year the months touch, by the government's own source (demo.synth.annual)
        kind = annual.ANNUAL_SOURCES[government.kode]
        replay = World(government, settings, plant.Tally())  # the periodic evaluations again, as delivered
        tahunan[government.kode] = annual.write_years(
            government, settings.months, settings.seed, settings.employees,
            lambda entity, year, chunks, kind=kind, kode=government.kode: writer(kind).write(
                out, kode, entity, year, chunks, **writer_options(kind, kode, entity)),
            replay.evaluasi_periodik)
    manifest = {
        "seed": settings.seed, "employees": settings.employees, "months": list(settings.months),
        "sources": {g.kode: {k: list(v) for k, v in DEMO_SOURCES[g.kode].items()} for g in chosen},
        "agencies": tally.to_dict(),
        **ledger.to_dict(),
        # per government and year: the annual evaluations' hand counts (demo.synth.annual)
        "tahunan": tahunan,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
