"""A national-shaped month for the benchmarks: many governments, each a canonical CSV delivery.

Built by re-keying copies of a demo-world government (PAUH, canonical CSV), so values, spreads
and planted defects are the demo world's, every key stays unique across the nation, and the
files are written row by row (memory does not grow with the number of employees):
- governments of about `per_instansi` employees (a Pemda's size; Indonesia has ~600 instansi
  for ~4.5 million ASN), named N0001, N0002, …;
- per employee a roster row, an evaluation and about five RHK lines (one line is added to the
  template's ~4); the demo world's careers come with the copies at its rates (demo/synth/careers.py):
  acting posts (PLT/PLH) with an evaluation of their own, second SKPs after a mutasi or a promotion,
  people who retired in the month (not active), new CPNS and PPPK, and the units planted at the
  distribution curve's limit; `World.careers` counts what was written;
- survey responses at the national rate (~1 million a month for 4.5 million ASN: 0.22 each),
  and each unit's organisation predikat;
- complaints (0.01 per employee and month, at least one per government) and service requests
  (0.5 per employee and month), the demo world's own rows re-keyed;
- the month's training register at the demo world's rate (about 0.13 completed courses per
  employee and month: a yearly ~20 JP for about half of them);
- in a quarter's last month (03, 06, 09, 12) what is delivered only then, for the quarter (YYYY-Qn):
  each service unit's survey population and each OPD's organisation indicators (IKU), once per
  government (a few dozen rows each); October, the default month, has none;
- supervisors' feedback at the demo world's rate (about one per RHK line), the seven BerAKHLAK values
  of each evaluation, and a performance report from about 93 % of the employees (issue 20).

`Year` is the annual benchmark's world: the template generated once for a year's twelve months, so
that a person keeps his NIP all year and his annual evaluation (one per employee of the template's
year, careers included, the demo world's planted annual cases in every copy) meets his periodic ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

ENTITIES = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi", "skm_responden", "pengaduan",
            "transaksi_layanan", "pelatihan", "umpan_balik", "perilaku_kerja", "laporan_kinerja")
# delivered only in a quarter's last month (period YYYY-Qn, whatever the government's cycle): the service
# units' survey populations (PAUH's own delivery) and the OPDs' organisation indicators (IKU; LAMPUNG's in
# the demo world, the same generator run for PAUH's OPDs here), once per government like the unit predikat
QUARTERLY = ("skm_populasi", "iku")
# what the annual marts read (etl.tahunan.build_year's models and their ancestors: fct_evaluasi_tahunan,
# mart_tahunan_periodik over fct_evaluasi_kinerja, the unit tree, the unit predikat): the months of a
# year the annual benchmark loads before the annual deliveries
ANNUAL_UPSTREAM = ("unit_kerja", "pegawai", "evaluasi_periodik", "predikat_organisasi")
ANNUAL = "evaluasi_tahunan"

# issue 20: performance reports are WANGGAR's in the demo world, not the template's: one per employee,
# filed by LAPORAN_RATE of them (the demo's on-time and late reports together)
LAPORAN_RATE = 0.93
TEMPLATE = "PAUH"
SURVEY_RATE = 0.22  # responses per employee and month
# per employee and month: complaints (a few thousand a month nationally in the demo's proportions) and
# service requests (KTP-el, family cards, permits, health visits at the units the staff serve in)
RATES = {"pengaduan": 0.01, "transaksi_layanan": 0.5}
ID_COLUMN = {"pengaduan": "pengaduan_id", "transaksi_layanan": "transaksi_id"}


def nip(i: int, template: str) -> str:
    """The i-th NIP of the benchmark world: a valid date, start month and gender, unique by i."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 1998)
    gender = "1" if (i // 999) % 2 == 0 else "2"
    start = template[8:14] if template[8:14].isdigit() else "200001"
    return f"{birth:%Y%m%d}{start}{gender}{1 + i % 999:03d}"


def quarter_of(month: str) -> str | None:
    """The quarter a quarter's last month closes (YYYY-Qn), else None."""
    number = int(month[5:7])
    return f"{month[:4]}-Q{number // 3}" if number % 3 == 0 else None


@dataclass
class World:
    folder: Path                  # sources folder: <kode>/<period>/<entity>.csv (a quarterly entity: <kode>/YYYY-Qn/)
    period: str                   # the month (YYYY-MM), or the year (YYYY) of the annual deliveries
    agencies: list[str]
    entities: tuple[str, ...] = ENTITIES
    rows: dict[str, int] = field(default_factory=dict)
    # the careers in the rows written: acting posts' evaluations, second SKPs' evaluations, people not active
    careers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("plt_plh", "dua_skp", "pensiun"), 0))

    def __post_init__(self):
        self.rows = {entity: self.rows.get(entity, 0) for entity in self.entities}

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def due(self, entity: str) -> str:
        """The period label a delivery of the entity carries: the quarter for a quarterly one."""
        return quarter_of(self.period) if entity in QUARTERLY else self.period

    def path(self, kode: str, entity: str) -> Path:
        return self.folder / kode / self.due(entity) / f"{entity}.csv"

    def agencies_file(self, path: Path, entities: tuple[str, ...] | None = None) -> Path:
        """An agencies file for the world: every government a canonical CSV source of the world's
        entities (or `entities`), no volume gates (there is no previous month to compare with)."""
        lines = ["gates:", "  min_share_of_previous: {}", "agencies:"]
        for kode in self.agencies:
            lines += [f"  - kode: {kode}", f"    nama: Instansi {kode}", "    sources:",
                      "      - kind: canonical_csv", f"        entities: [{', '.join(entities or self.entities)}]",
                      "        options: {path: '{sources_dir}/{agency}/{period}'}"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def _read(folder: Path, entity: str) -> list[dict]:
    with open(folder / f"{entity}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rekey(value: str, kode: str) -> str:
    return kode + value[len(TEMPLATE):] if value.startswith(TEMPLATE) else value


def template(folder: Path, months: tuple[str, ...], seed: int = 11) -> Path:
    """The demo world's PAUH for `months` (its careers and, for a year, its annual evaluations), with
    PAUH's OPDs' IKU in each quarter's last month (LAMPUNG's generator: PAUH delivers none)."""
    from demo import synth
    from demo.synth import plant, world as demo_world

    settings = synth.Settings(folder, months, seed=seed, employees=3000)
    synth.generate(settings, governments=(TEMPLATE,))
    source = synth.World(next(g for g in demo_world.GOVERNMENTS if g.kode == TEMPLATE), settings, plant.Tally())
    for quarter in filter(None, map(quarter_of, months)):
        synth.writer("canonical_csv").write(folder, TEMPLATE, "iku", quarter,
                                            source._counted("iku", quarter, source.iku(quarter)))
    return folder / TEMPLATE


def history_roster(made: Path, months: list[str]) -> list[str]:
    """The template's NIPs over `months`, in the order they are re-keyed (build's `roster`): whoever is
    in any month's roster keeps one place, so the same person keeps his NIP every month."""
    roster: dict[str, None] = {}
    for month in months:
        roster.update(dict.fromkeys(p["nip"] for p in _read(made / month, "pegawai")))
    return list(roster)


def build(folder: Path, employees: int, period: str = "2026-10", per_instansi: int = 7000, seed: int = 11,
          entities: tuple[str, ...] | None = None, made: Path | None = None,
          roster: list[str] | None = None) -> World:
    """Write the month's deliveries under `folder`; returns what was written. A quarter's last month
    carries the quarterly entities too. `entities` restricts the month to some (the annual
    benchmark's months); `made` is a template already generated (template()) for the month, kept;
    `roster` the template NIPs in the order they are re-keyed (the annual benchmark's year roster:
    the same person keeps his NIP every month), by default the month's own."""
    if entities is None:
        entities = ENTITIES + (QUARTERLY if quarter_of(period) else ())
    own = made is None
    made = template(folder / "_template", (period,), seed) if own else made
    source = made / period
    wanted_entities = set(entities)
    template_rows = {entity: _read(source, entity) for entity in ENTITIES if entity != "laporan_kinerja"
                     and (entity in wanted_entities or entity == "pegawai")}
    for entity in QUARTERLY:
        if entity in wanted_entities:
            template_rows[entity] = _read(made / quarter_of(period), entity)
    template_rows["laporan_kinerja"] = [{"nip": "", "periode": period, "laporan_id": "", "waktu_disampaikan": "",
                                         "capaian": "", "kendala": ""}]
    staff = template_rows["pegawai"]
    order = {n: i for i, n in enumerate(roster or [p["nip"] for p in staff])}
    for p in staff:  # someone the year's roster missed (it is built from every month, so nobody)
        order.setdefault(p["nip"], len(order))
    size = len(order)
    count = max(1, -(-employees // per_instansi))
    world = World(folder, period, [f"N{i + 1:04d}" for i in range(count)], tuple(entities))
    survey_due = 0.0
    due = dict.fromkeys(RATES, 0.0)
    position = dict.fromkeys(RATES, 0)
    base = 0  # NIPs given so far: copy after copy, the nation's employees
    for index, kode in enumerate(world.agencies):
        wanted = employees // count + (1 if index < employees % count else 0)
        handles = {}
        for e in world.entities:
            world.path(kode, e).parent.mkdir(parents=True, exist_ok=True)
            handles[e] = open(world.path(kode, e), "w", newline="", encoding="utf-8")
        writers = {e: csv.DictWriter(handles[e], fieldnames=list(template_rows[e][0]), lineterminator="\n")
                   for e in world.entities}
        try:
            for writer in writers.values():
                writer.writeheader()
            if "unit_kerja" in writers:
                for unit in template_rows["unit_kerja"]:
                    writers["unit_kerja"].writerow(unit | {"instansi_kode": kode,
                                                           "unit_kode": _rekey(unit["unit_kode"], kode),
                                                           "induk_unit_kode": _rekey(unit["induk_unit_kode"], kode)})
                    world.rows["unit_kerja"] += 1
            for entity, column in (("predikat_organisasi", "unit_kode"), ("iku", "unit_kode"),
                                   ("skm_populasi", "unit_layanan_kode")):
                for row in template_rows[entity] if entity in writers else ():
                    writers[entity].writerow(row | {"instansi_kode": kode, column: _rekey(row[column], kode)})
                    world.rows[entity] += 1
            copy = 0
            done_before = dict(world.rows)  # every government delivers at least one complaint
            while copy * size < wanted:
                limit = min(size, wanted - copy * size)
                mapping = {n: nip(base + i, n) for n, i in order.items()}
                taken = {p["nip"] for p in staff if order[p["nip"]] < limit}
                base += size
                suffix = f"-{copy}"
                _copy(world, writers, template_rows, kode, period, taken, mapping, suffix, base)
                n = len(taken)
                survey_due += n * SURVEY_RATE
                if "skm_responden" in writers:
                    for response in template_rows["skm_responden"]:
                        if survey_due < 1:
                            break
                        writers["skm_responden"].writerow(response | {
                            "responden_id": f"{kode}{response['responden_id'][len(TEMPLATE):]}{suffix}",
                            "instansi_kode": kode, "unit_layanan_kode": _rekey(response["unit_layanan_kode"], kode)})
                        world.rows["skm_responden"] += 1
                        survey_due -= 1
                last = (copy + 1) * size >= wanted
                for entity, rate in RATES.items():
                    if entity not in writers:
                        continue
                    due[entity] += n * rate
                    rows = template_rows[entity]
                    column = ID_COLUMN[entity]
                    while due[entity] >= 1 or (entity == "pengaduan" and world.rows[entity] == done_before[entity]
                                               and last):
                        row = rows[position[entity] % len(rows)]
                        lap = position[entity] // len(rows)
                        position[entity] += 1
                        writers[entity].writerow(row | {
                            column: f"{row[column].replace(TEMPLATE, kode, 1)}{suffix}-{lap}",
                            "instansi_kode": kode, "unit_layanan_kode": _rekey(row["unit_layanan_kode"], kode)})
                        world.rows[entity] += 1
                        due[entity] = max(0.0, due[entity] - 1)
                copy += 1
        finally:
            for handle in handles.values():
                handle.close()
    if own:
        shutil.rmtree(made.parent)
    return world


def _copy(world: World, writers: dict, template_rows: dict, kode: str, period: str, taken: set[str],
          mapping: dict[str, str], suffix: str, base: int) -> None:
    """One re-keyed copy of the template's people: their roster rows, evaluations, RHK lines, trainings,
    feedback, BerAKHLAK values and reports (those of the world's entities)."""
    staff = template_rows["pegawai"]
    if "pegawai" in writers:
        for p in staff:
            if p["nip"] in taken:
                world.careers["pensiun"] += p["aktif"] == "false"
                writers["pegawai"].writerow(p | {"nip": mapping[p["nip"]], "unit_kode": _rekey(p["unit_kode"], kode),
                                                 "atasan_nip": mapping.get(p["atasan_nip"], p["atasan_nip"])})
                world.rows["pegawai"] += 1
    if "evaluasi_periodik" in writers:
        rated: dict[tuple[str, str], str] = {}
        for e in template_rows["evaluasi_periodik"]:
            if e["nip"] in taken:
                if e["is_plt_plh"] == "true":
                    world.careers["plt_plh"] += 1
                elif rated.setdefault((e["nip"], e["periode"]), e["skp_id"]) != e["skp_id"]:
                    world.careers["dua_skp"] += 1  # another SKP (a duplicated row is a planted defect)
                writers["evaluasi_periodik"].writerow(e | {
                    "nip": mapping[e["nip"]], "penilai_nip": mapping.get(e["penilai_nip"], e["penilai_nip"]),
                    "skp_id": e["skp_id"] + suffix})
                world.rows["evaluasi_periodik"] += 1
    if "rhk" in writers:
        first_line = {}
        for line in template_rows["rhk"]:
            if line["nip"] in taken:
                keyed = line | {"nip": mapping[line["nip"]], "skp_id": line["skp_id"] + suffix}
                writers["rhk"].writerow(keyed)
                first_line.setdefault(line["nip"], keyed)
                world.rows["rhk"] += 1
        for keyed in first_line.values():  # the fifth line: an additional RHK
            writers["rhk"].writerow(keyed | {"rhk_kode": "RHK-T", "jenis_rhk": "TAMBAHAN"})
            world.rows["rhk"] += 1
    if "pelatihan" in writers:
        for course in template_rows["pelatihan"]:
            if course["nip"] in taken:
                writers["pelatihan"].writerow(course | {"nip": mapping[course["nip"]]})
                world.rows["pelatihan"] += 1
    if "umpan_balik" in writers:
        first_feedback = {}
        for given in template_rows["umpan_balik"]:
            if given["nip"] in taken:
                keyed = given | {
                    "umpan_balik_id": f"{kode}-{given['umpan_balik_id']}{suffix}", "nip": mapping[given["nip"]],
                    "skp_id": given["skp_id"] + suffix,
                    "pemberi_nip": mapping.get(given["pemberi_nip"], given["pemberi_nip"])}
                writers["umpan_balik"].writerow(keyed)
                if given["aspek"] == "RHK":
                    first_feedback.setdefault(given["nip"], keyed)
                world.rows["umpan_balik"] += 1
        for keyed in first_feedback.values():  # feedback on the fifth line too
            writers["umpan_balik"].writerow(keyed | {"umpan_balik_id": keyed["umpan_balik_id"] + "-T",
                                                     "rhk_kode": "RHK-T"})
            world.rows["umpan_balik"] += 1
    if "perilaku_kerja" in writers:
        for value in template_rows["perilaku_kerja"]:
            if value["nip"] in taken:
                writers["perilaku_kerja"].writerow(value | {"nip": mapping[value["nip"]],
                                                            "skp_id": value["skp_id"] + suffix})
                world.rows["perilaku_kerja"] += 1
    if "laporan_kinerja" in writers:
        for j, p in enumerate(p for p in staff if p["nip"] in taken):
            if (base + j) % 100 < LAPORAN_RATE * 100:
                filed = dt.date.fromisoformat(f"{period}-01") + dt.timedelta(days=31 + j % 9)
                writers["laporan_kinerja"].writerow({
                    "nip": mapping[p["nip"]], "periode": period, "laporan_id": f"LK-{mapping[p['nip']]}",
                    "waktu_disampaikan": f"{filed:%Y-%m}-{1 + j % 9:02d}T15:00:00+07:00",
                    "capaian": f"Menyelesaikan {3 + j % 30} dokumen layanan bulan ini.",
                    "kendala": "" if j % 3 else "Jaringan aplikasi sering terputus."})
                world.rows["laporan_kinerja"] += 1


class Year:
    """A national-shaped year for the annual benchmark: the demo world's PAUH generated once for the
    twelve months (careers and annual evaluations consistent over the year), re-keyed into
    `employees` people of `per_instansi` per government who keep their NIP all year. `month(m)` writes
    a month of what the annual marts read (ANNUAL_UPSTREAM; removed again by the caller once loaded,
    so the disk holds one month at a time), `annual()` the year's annual evaluations: one per
    employee of the template's year (careers included), the same people as the months'."""

    def __init__(self, folder: Path, employees: int, year: str, per_instansi: int = 7000, seed: int = 11):
        self.folder, self.employees, self.year, self.per_instansi = folder, employees, year, per_instansi
        self.months = tuple(f"{year}-{m:02d}" for m in range(1, 13))
        started = time.perf_counter()
        self.made = template(folder / "_template", self.months, seed)
        self.template_seconds = time.perf_counter() - started
        roster = dict.fromkeys(history_roster(self.made, list(self.months)))
        roster.update(dict.fromkeys(e["nip"] for e in _read(self.made / year, ANNUAL)))
        self.roster = list(roster)
        self.agencies = [f"N{i + 1:04d}" for i in range(max(1, -(-employees // per_instansi)))]

    def month(self, month: str) -> World:
        return build(self.folder, self.employees, month, self.per_instansi, entities=ANNUAL_UPSTREAM,
                     made=self.made, roster=self.roster)

    def agencies_file(self, path: Path) -> Path:
        return World(self.folder, self.year, self.agencies).agencies_file(path, ANNUAL_UPSTREAM + (ANNUAL,))

    def annual(self) -> World:
        """The year's annual evaluations of every government, re-keyed as the months' people."""
        rows = _read(self.made / self.year, ANNUAL)
        order = {n: i for i, n in enumerate(self.roster)}
        size = len(order)
        world = World(self.folder, self.year, self.agencies, (ANNUAL,))
        count, base = len(self.agencies), 0
        for index, kode in enumerate(self.agencies):
            wanted = self.employees // count + (1 if index < self.employees % count else 0)
            path = world.path(kode, ANNUAL)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "w", newline="", encoding="utf-8") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
                writer.writeheader()
                copy = 0
                while copy * size < wanted:
                    limit = min(size, wanted - copy * size)
                    for row in rows:
                        if order[row["nip"]] < limit:
                            writer.writerow(row | {
                                "nip": nip(base + order[row["nip"]], row["nip"]),
                                "skp_id": f"{row['skp_id']}-{copy}", "unit_kode": _rekey(row["unit_kode"], kode),
                                "penilai_nip": (nip(base + order[row["penilai_nip"]], row["penilai_nip"])
                                                if row["penilai_nip"] in order else row["penilai_nip"])})
                            world.rows[ANNUAL] += 1
                    base += size
                    copy += 1
        return world

    def remove(self) -> None:
        shutil.rmtree(self.made.parent, ignore_errors=True)
