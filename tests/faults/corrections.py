"""A small world for re-deliveries and hostile text: PAUH alone (a canonical CSV drop) for October
and November, whose names and free text carry SQL- and formula-injection strings, and whose October
evaluations are delivered again, corrected, after November has loaded.

`koreksi` lives it as it happens: October, November, then the corrected October. `bersih` is the
clean run it must equal: the corrected October, then November.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

OCTOBER, NOVEMBER = "2026-10", "2026-11"
MONTHS = (OCTOBER, NOVEMBER)

# unit names: those of the government and its OPDs are in every month's public files (the predikat
# distribution per unit), those of service units in the IKM tables of the quarters, semesters and year
HOSTILE_UNITS = {
    "PAUH": "Kecamatan <script>alert('x')</script>",
    "PAUH.OPD001": '=HYPERLINK("http://127.0.0.1/","Sekretariat Kecamatan")',
    "PAUH.OPD002": "+SUM(1+1)*cmd|' /C calc'!A0",
    "PAUH.OPD003": "-2+3+cmd|' /C notepad'!'A1'",
    "PAUH.OPD004": "@SUM(1,1) Seksi'); DROP TABLE raw.unit_kerja; --",
    "PAUH.OPD001.L1": "Kelurahan'; SELECT pg_sleep(30); --",
    "PAUH.OPD002.L1": "Robert\"); DELETE FROM audit.batch WHERE ('1'='1",
    "PAUH.OPD003.L1": "$$; DROP SCHEMA marts CASCADE; $$ {{ 7 * 7 }} %s %(x)s \\x00",
    "PAUH.OPD004.L1": "<img src=x onerror=alert(1)>&amp;",
}
IN_MONTHLY_FILES = ("PAUH", "PAUH.OPD001", "PAUH.OPD002", "PAUH.OPD003", "PAUH.OPD004")
# employees' names (never published): the first is also in a row that is quarantined
HOSTILE_NAMES = ["Robert'); DROP TABLE raw.pegawai;--", "=cmd|' /C calc'!A0",
                 "O'Brien\\'; TRUNCATE audit.quarantine; --", "Siti <img src=x onerror=alert(1)>"]
QUARANTINED_GENDER = "'; DROP TABLE audit.quarantine; --"
# RHK lines and survey suggestions (free text)
HOSTILE_TEXT = ['=HYPERLINK("http://127.0.0.1/","klik")', "'; DROP TABLE marts.fct_rhk_capaian; --",
                "<script>alert(1)</script>", "-1+1 @A1 \"quoted\"\nsecond line, with a comma"]
CORRECTED_RATING = "Di Bawah Ekspektasi"  # the agency corrects a few ratings to this (PAUH's spelling)


@dataclass
class World:
    sources: Path
    agencies: Path
    hostile_nips: list[str] = field(default_factory=list)
    quarantined_nip: str = ""

    def file(self, month: str, entity: str) -> Path:
        return self.sources / "PAUH" / month / f"{entity}.csv"

    def rows(self, month: str, entity: str) -> tuple[list[str], list[list[str]]]:
        with open(self.file(month, entity), encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        return table[0], table[1:]

    def write(self, month: str, entity: str, header: list[str], rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        self.file(month, entity).write_text(buffer.getvalue(), encoding="utf-8")


def make_world(root: Path) -> World:
    from demo import synth

    sources = root / "sources"
    synth.generate(synth.Settings(sources, MONTHS, seed=5, employees=2000), governments=("PAUH",))
    agencies = root / "agencies.yml"
    agencies.write_text(yaml.safe_dump({"agencies": [{
        "kode": "PAUH", "nama": "Kecamatan Pauh", "periodicity": "monthly",
        "sources": [{"kind": "canonical_csv", "entities": ["unit_kerja", "pegawai", "evaluasi_periodik", "rhk",
                                                          "predikat_organisasi", "skm_responden", "pelatihan"],
                     "options": {"path": "{sources_dir}/{agency}/{period}"}}],
    }]}, sort_keys=False), encoding="utf-8")
    world = World(sources, agencies)
    for month in MONTHS:  # the same hostile text in both months: the agency's system holds it
        header, rows = world.rows(month, "unit_kerja")
        code, name = header.index("unit_kode"), header.index("unit_nama")
        for row in rows:
            row[name] = HOSTILE_UNITS.get(row[code], row[name])
        world.write(month, "unit_kerja", header, rows)

        header, rows = world.rows(month, "pegawai")
        nip, nama, gender = header.index("nip"), header.index("nama"), header.index("jenis_kelamin")
        staff = [row for row in rows if row[header.index("atasan_nip")]][4:4 + len(HOSTILE_NAMES)]
        for row, hostile in zip(staff, HOSTILE_NAMES):
            row[nama] = hostile
        staff[0][gender] = QUARANTINED_GENDER
        world.hostile_nips = [row[nip] for row in staff]
        world.quarantined_nip = staff[0][nip]
        world.write(month, "pegawai", header, rows)

        for entity, column in (("rhk", "rhk_uraian"), ("skm_responden", "saran"), ("pelatihan", "nama_pelatihan")):
            header, rows = world.rows(month, entity)
            at = header.index(column)
            # rows the suite loads (a planted defect would quarantine the hostile text with its row)
            valid = [row for row in rows[3:] if entity != "pelatihan"
                     or (row[header.index("jumlah_jp")] != "0" and "/" not in row[header.index("tanggal_selesai")])]
            for row, hostile in zip(valid, HOSTILE_TEXT):
                row[at] = hostile
            world.write(month, entity, header, rows)
    return world


def correct_october(world: World, loaded_nips: list[str], quarantined_row: int) -> tuple[list[str], int]:
    """The agency's corrected October evaluations: five loaded ratings of hasil kerja corrected to
    Di Bawah Ekspektasi, and a row that was quarantined withdrawn. Returns the NIPs corrected and
    the row withdrawn (as numbered in the first delivery: header = 1)."""
    header, rows = world.rows(OCTOBER, "evaluasi_periodik")
    nip, rating = header.index("nip"), header.index("rating_hasil_kerja")
    corrected = []
    good = ("SESUAI", "SESUAIEKSPEKTASI", "DIATAS", "DIATASEKSPEKTASI")
    # employees with one evaluation in the month: with a second SKP or an acting post (the demo world's
    # careers) one row may be loaded and another quarantined, and correcting that one would load it
    rows_of = Counter(row[nip] for row in rows)
    for row in rows:
        if row[nip] in loaded_nips and rows_of[row[nip]] == 1 and row[nip] not in world.hostile_nips \
                and len(corrected) < 5 and row[rating].replace(" ", "").upper() in good:
            row[rating] = CORRECTED_RATING
            corrected.append(row[nip])
    del rows[quarantined_row - 2]
    world.write(OCTOBER, "evaluasi_periodik", header, rows)
    return corrected, quarantined_row
