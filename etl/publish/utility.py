"""How much a package tells: the share of its headline numbers that are published, not withheld.

Disclosure control trades detail for protection; this is the other side of the scale. A headline
number is a count the public tables exist for — employees per predikat and in total, the
headcount and each compliance and training measure, complaints per channel and in total, survey
respondents and the IKM, service requests — at the instansi level (a government's row) or the unit
level (a unit's, an OPD's, a service unit's). Read from the package's CSV files, as the public
reads them, so packages of any version compare. `kinerja publish` prints it; the package's
metadata carries it (datapackage.json, ckan.json); docs/open-data.md compares rule sets with it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

INSTANSI, UNIT = "instansi", "unit"

# file -> (level of its rows, or None when the level is in a column; columns of headline numbers;
#          columns whose value repeats on each row of a group, counted once per group)
HEADLINES: dict[str, tuple[str | None, tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "distribusi_predikat": (INSTANSI, ("jumlah_pegawai",),
                            {"jumlah_dinilai": ("instansi_kode", "periode", "regime")}),
    "distribusi_predikat_unit": (UNIT, ("jumlah_pegawai",),
                                 {"jumlah_dinilai_unit": ("instansi_kode", "unit_kode", "periode", "regime")}),
    "kepatuhan": (INSTANSI, ("jumlah_pegawai", "jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu"), {}),
    "kepatuhan_unit": (UNIT, ("jumlah_pegawai", "jumlah_punya_skp", "jumlah_dievaluasi", "jumlah_tepat_waktu"), {}),
    "pelatihan": (INSTANSI, ("jumlah_pegawai", "jumlah_terlatih", "jumlah_memenuhi_standar"), {}),
    "pelatihan_unit": (UNIT, ("jumlah_pegawai", "jumlah_terlatih", "jumlah_memenuhi_standar"), {}),
    "pengaduan_unit": (None, ("jumlah_pengaduan", "jumlah_online", "jumlah_forum", "jumlah_tatap_muka"), {}),
    "ikm_unit_layanan": (UNIT, ("jumlah_responden", "ikm"), {}),
    "waktu_layanan": (UNIT, ("jumlah_transaksi",), {}),
}


@dataclass
class Count:
    published: int = 0
    total: int = 0

    @property
    def share(self) -> float | None:
        return round(self.published / self.total, 4) if self.total else None

    def add(self, value: str) -> None:
        self.total += 1
        self.published += value != ""


def utility(folder: Path) -> dict:
    """Per level (instansi, unit) and per file: headline numbers published, in all, and the share;
    and the rows of the unit-level tables (fewer rows when small units are published within their
    parent: the same share over fewer, larger rows)."""
    levels = {INSTANSI: Count(), UNIT: Count()}
    files: dict[str, dict] = {}
    unit_rows = 0
    for name, (level, columns, per_group) in HEADLINES.items():
        path = Path(folder) / f"{name}.csv"
        if not path.exists():
            continue
        count = Count()
        seen: set = set()
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                row_level = level or (INSTANSI if row.get("unit_layanan_kode") == "*" else UNIT)
                values = [row[c] for c in columns if c in row]
                for column, group in per_group.items():
                    key = (column, *(row[g] for g in group))
                    if key not in seen:
                        seen.add(key)
                        values.append(row[column])
                for value in values:
                    count.add(value)
                    levels[row_level].add(value)
                unit_rows += row_level == UNIT and name in ("kepatuhan_unit", "pelatihan_unit")
        files[name] = {"published": count.published, "total": count.total, "share": count.share}
    return {
        "instansi": {"published": levels[INSTANSI].published, "total": levels[INSTANSI].total,
                     "share": levels[INSTANSI].share},
        "unit": {"published": levels[UNIT].published, "total": levels[UNIT].total, "share": levels[UNIT].share},
        "unit_rows": unit_rows,
        "files": files,
    }


def describe(figures: dict) -> str:
    """One line for the terminal."""
    def part(level: str) -> str:
        f = figures[level]
        return f"{level} {f['published']:,} of {f['total']:,}" + (f" ({f['share']:.1%})" if f["share"] is not None else "")
    return f"headline numbers published: {part('instansi')}, {part('unit')}"
