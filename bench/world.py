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
  employee and month: a yearly ~20 JP for about half of them). Organisation indicators (IKU) are
  quarterly and a few dozen rows per government: the benchmark month (October) has none due;
- supervisors' feedback at the demo world's rate (about one per RHK line), the seven BerAKHLAK values
  of each evaluation, and a performance report from about 93 % of the employees (issue 20).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ENTITIES = ("unit_kerja", "pegawai", "evaluasi_periodik", "rhk", "predikat_organisasi", "skm_responden", "pengaduan",
            "transaksi_layanan", "pelatihan", "umpan_balik", "perilaku_kerja", "laporan_kinerja")
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


@dataclass
class World:
    folder: Path                  # sources folder: <kode>/<period>/<entity>.csv
    period: str
    agencies: list[str]
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ENTITIES, 0))
    # the careers in the rows written: acting posts' evaluations, second SKPs' evaluations, people not active
    careers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("plt_plh", "dua_skp", "pensiun"), 0))

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def agencies_file(self, path: Path) -> Path:
        """An agencies file for the world: every government a canonical CSV source, no volume gates
        (there is no previous month to compare with)."""
        lines = ["gates:", "  min_share_of_previous: {}", "agencies:"]
        for kode in self.agencies:
            lines += [f"  - kode: {kode}", f"    nama: Instansi {kode}", "    sources:",
                      "      - kind: canonical_csv", f"        entities: [{', '.join(ENTITIES)}]",
                      "        options: {path: '{sources_dir}/{agency}/{period}'}"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def _read(folder: Path, entity: str) -> list[dict]:
    with open(folder / f"{entity}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rekey(value: str, kode: str) -> str:
    return kode + value[len(TEMPLATE):] if value.startswith(TEMPLATE) else value


def build(folder: Path, employees: int, period: str = "2026-10", per_instansi: int = 7000, seed: int = 11) -> World:
    """Write the month's deliveries under `folder`; returns what was written."""
    from demo import synth

    demo = folder / "_template"
    synth.generate(synth.Settings(demo, (period,), seed=seed, employees=3000), governments=(TEMPLATE,))
    source = demo / TEMPLATE / period
    template = {entity: _read(source, entity) for entity in ENTITIES if entity != "laporan_kinerja"}
    template["laporan_kinerja"] = [{"nip": "", "periode": period, "laporan_id": "", "waktu_disampaikan": "",
                                    "capaian": "", "kendala": ""}]
    staff = template["pegawai"]
    count = max(1, -(-employees // per_instansi))
    world = World(folder, period, [f"N{i + 1:04d}" for i in range(count)])
    next_nip = 0
    survey_due = 0.0
    due = dict.fromkeys(RATES, 0.0)
    position = dict.fromkeys(RATES, 0)
    for index, kode in enumerate(world.agencies):
        wanted = employees // count + (1 if index < employees % count else 0)
        out = folder / kode / period
        out.mkdir(parents=True, exist_ok=True)
        handles = {e: open(out / f"{e}.csv", "w", newline="", encoding="utf-8") for e in ENTITIES}
        writers = {e: csv.DictWriter(handles[e], fieldnames=list(template[e][0]), lineterminator="\n")
                   for e in ENTITIES}
        try:
            for writer in writers.values():
                writer.writeheader()
            for unit in template["unit_kerja"]:
                writers["unit_kerja"].writerow(unit | {"instansi_kode": kode, "unit_kode": _rekey(unit["unit_kode"], kode),
                                                       "induk_unit_kode": _rekey(unit["induk_unit_kode"], kode)})
                world.rows["unit_kerja"] += 1
            for row in template["predikat_organisasi"]:
                writers["predikat_organisasi"].writerow(row | {"instansi_kode": kode,
                                                               "unit_kode": _rekey(row["unit_kode"], kode)})
                world.rows["predikat_organisasi"] += 1
            written = copy = 0
            done_before = dict(world.rows)  # every government delivers at least one complaint
            while written < wanted:
                mapping = {p["nip"]: nip(next_nip + j, p["nip"]) for j, p in enumerate(staff)}
                taken = {p["nip"] for p in staff[:wanted - written]}
                next_nip += len(staff)
                suffix = f"-{copy}"
                for p in staff[:wanted - written]:
                    world.careers["pensiun"] += p["aktif"] == "false"
                    writers["pegawai"].writerow(p | {"nip": mapping[p["nip"]], "unit_kode": _rekey(p["unit_kode"], kode),
                                                     "atasan_nip": mapping.get(p["atasan_nip"], p["atasan_nip"])})
                rated: dict[tuple[str, str], str] = {}
                for e in template["evaluasi_periodik"]:
                    if e["nip"] in taken:
                        if e["is_plt_plh"] == "true":
                            world.careers["plt_plh"] += 1
                        elif rated.setdefault((e["nip"], e["periode"]), e["skp_id"]) != e["skp_id"]:
                            world.careers["dua_skp"] += 1  # another SKP (a duplicated row is a planted defect)
                        writers["evaluasi_periodik"].writerow(e | {
                            "nip": mapping[e["nip"]], "penilai_nip": mapping.get(e["penilai_nip"], e["penilai_nip"]),
                            "skp_id": e["skp_id"] + suffix})
                        world.rows["evaluasi_periodik"] += 1
                first_line = {}
                for line in template["rhk"]:
                    if line["nip"] in taken:
                        keyed = line | {"nip": mapping[line["nip"]], "skp_id": line["skp_id"] + suffix}
                        writers["rhk"].writerow(keyed)
                        first_line.setdefault(line["nip"], keyed)
                        world.rows["rhk"] += 1
                for course in template["pelatihan"]:
                    if course["nip"] in taken:
                        writers["pelatihan"].writerow(course | {"nip": mapping[course["nip"]]})
                        world.rows["pelatihan"] += 1
                first_feedback = {}
                for given in template["umpan_balik"]:
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
                for value in template["perilaku_kerja"]:
                    if value["nip"] in taken:
                        writers["perilaku_kerja"].writerow(value | {"nip": mapping[value["nip"]],
                                                                    "skp_id": value["skp_id"] + suffix})
                        world.rows["perilaku_kerja"] += 1
                for j, p in enumerate(staff[:wanted - written]):
                    if (next_nip + j) % 100 < LAPORAN_RATE * 100:
                        filed = dt.date.fromisoformat(f"{period}-01") + dt.timedelta(days=31 + j % 9)
                        writers["laporan_kinerja"].writerow({
                            "nip": mapping[p["nip"]], "periode": period, "laporan_id": f"LK-{mapping[p['nip']]}",
                            "waktu_disampaikan": f"{filed:%Y-%m}-{1 + j % 9:02d}T15:00:00+07:00",
                            "capaian": f"Menyelesaikan {3 + j % 30} dokumen layanan bulan ini.",
                            "kendala": "" if j % 3 else "Jaringan aplikasi sering terputus."})
                        world.rows["laporan_kinerja"] += 1
                for keyed in first_line.values():  # the fifth line: an additional RHK
                    writers["rhk"].writerow(keyed | {"rhk_kode": "RHK-T", "jenis_rhk": "TAMBAHAN"})
                    world.rows["rhk"] += 1
                n = len(taken)
                world.rows["pegawai"] += n
                written += n
                survey_due += n * SURVEY_RATE
                for response in template["skm_responden"]:
                    if survey_due < 1:
                        break
                    writers["skm_responden"].writerow(response | {
                        "responden_id": f"{kode}{response['responden_id'][len(TEMPLATE):]}{suffix}",
                        "instansi_kode": kode, "unit_layanan_kode": _rekey(response["unit_layanan_kode"], kode)})
                    world.rows["skm_responden"] += 1
                    survey_due -= 1
                for entity, rate in RATES.items():
                    due[entity] += n * rate
                    rows = template[entity]
                    column = ID_COLUMN[entity]
                    while due[entity] >= 1 or (entity == "pengaduan" and world.rows[entity] == done_before[entity]
                                               and written >= wanted):
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
    shutil.rmtree(demo)
    return world
