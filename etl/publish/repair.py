"""When the disclosure audit still finds something after dbt's suppression: hold more, until it
does not.

dbt's rules (docs/open-data.md) protect every line of every table, rows withheld whole with a
partner, zeros every reader knows set aside; they are heuristics over a linear system, and an
unusual government can still leave a number a reader narrows too far through a combination of
lines. After dbt builds a month, `repair(period)` writes the month's public tables as the package
would hold them, audits them with the packages published before (etl/publish/disclosure.py), and
turns each finding into a hold on the group it lies in — every unit's row of that table, regime
or measure for the instansi and period (tingkat 1), then the government's row too (tingkat 2) —
in `intermediate.tahan_tambahan`, which the public cells read as primary suppression; dbt rebuilds
the month's public layer and the audit runs again, at most `MAX_ROUNDS` times. Holds are
decided anew at every build of a month (`clear`): the same warehouse gives the same holds.

What it cannot mend it leaves, and publishing refuses the package with the audit's findings.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from etl import warehouse
from etl.publish import disclosure, files, predecessors, protection
from etl.publish.tables import TABLES, Manifest, read

MAX_ROUNDS = 3
# the public layer the holds change, rebuilt for the month after new holds
REBUILD = ("sel_predikat+", "sel_kepatuhan+", "sel_pelatihan+",
           "sel_pengaduan+", "pub_ikm_unit_layanan+")
AUDITED_FILES = {"distribusi_predikat", "distribusi_predikat_unit", "kepatuhan", "kepatuhan_unit", "pelatihan",
                 "pelatihan_unit", "pengaduan_unit", "ikm_unit_layanan", "tren_bulanan", "waktu_layanan"}


@dataclass(frozen=True)
class Hold:
    instansi_kode: str
    periode: str
    tabel: str          # predikat | kepatuhan | pelatihan | pengaduan | ikm
    grup: str           # regime, measure, or ''
    tingkat: int        # 1: every unit's row; 2: the government's row too
    baris: str | None   # ikm: the service unit
    alasan: str


def _exists(conn) -> bool:
    return conn.execute("select to_regclass('intermediate.tahan_tambahan') is not null").fetchone()[0]


def clear(labels: list[str] | None) -> None:
    """Forget the holds of the periods a build recomputes (all of them when `labels` is None)."""
    with warehouse.connect(autocommit=True) as conn:
        if not _exists(conn):
            return
        if labels is None:
            conn.execute("delete from intermediate.tahan_tambahan")
        else:
            conn.execute("delete from intermediate.tahan_tambahan where periode = any(%s)", (labels,))


def existing() -> set[tuple]:
    with warehouse.connect() as conn:
        if not _exists(conn):
            return set()
        return {tuple(r) for r in conn.execute(
            "select instansi_kode, periode, tabel, grup, tingkat, baris from intermediate.tahan_tambahan")}


def write_audited_tables(period: str, folder: Path, manifest: Manifest | None = None) -> None:
    """The month's public tables as its package would hold them, the CSV files the audit reads."""
    manifest = manifest or Manifest()
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        if table.file in AUDITED_FILES:
            columns = manifest.columns(table.model)
            (folder / f"{table.file}.csv").write_bytes(files.to_csv(columns, read(table, period, columns)))


def holds_for(findings: list[disclosure.Finding], month: str, regimes: dict[tuple, set[str]],
              held: set[tuple]) -> list[Hold]:
    """A hold for each finding's group: level 1 (the unit rows) first, level 2 when level 1 is
    already held. `regimes`: (instansi, periode) -> the regimes of its predikat table (the
    evaluated count of the compliance table is the predikat table's totals: held there)."""
    out: dict[tuple, Hold] = {}
    labels = {month} | ({f"{month[:4]}-Q{int(month[5:7]) // 3}"} if int(month[5:7]) % 3 == 0 else set())

    def add(instansi, periode, tabel, grup, level, baris, why):
        if periode not in labels:
            return  # a number of an earlier month only: nothing of this month's to hold for it
        if (instansi, periode, tabel, grup, 1, baris) in held or level == 2:
            level = 2
        key = (instansi, periode, tabel, grup, level, baris)
        if key not in held:
            out.setdefault(key, Hold(instansi, periode, tabel, grup, level, baris, why))

    for finding in findings:
        key = finding.key
        if key is None:
            continue
        kind, why = key[0], str(finding)
        if kind == "P":
            _, instansi, periode, regime, baris, _ = key
            add(instansi, periode, "predikat", regime, 1 if baris != "*" else 2, None, why)
        elif kind in ("K", "KH"):
            instansi, periode = key[1], key[2]
            ukuran = key[3] if kind == "K" else "punya_skp"
            baris = key[4] if kind == "K" else key[3]
            level = 1 if baris != "*" else 2
            if ukuran == "dievaluasi":
                for regime in regimes.get((instansi, periode), ()):
                    add(instansi, periode, "predikat", regime, level, None, why)
            else:
                add(instansi, periode, "kepatuhan", ukuran, level, None, why)
        elif kind in ("L", "LH"):
            instansi, bulan = key[1], key[2]
            ukuran = key[3] if kind == "L" else "terlatih"
            baris = key[4] if kind == "L" else key[3]
            add(instansi, bulan, "pelatihan", ukuran, 1 if baris != "*" else 2, None, why)
        elif kind in ("A", "AR"):
            instansi, periode, baris = key[1], key[2], key[3]
            add(instansi, periode, "pengaduan", "", 1 if baris != "*" else 2, None, why)
        elif kind == "I":  # a survey period: hold the service unit's periods that end in this month
            _, instansi, unit, _ = key
            add(instansi, month, "ikm", "", 1, unit, why)
    return list(out.values())


def insert(holds: list[Hold]) -> None:
    with warehouse.connect(autocommit=True) as conn:
        with conn.cursor().copy("copy intermediate.tahan_tambahan (instansi_kode, periode, tabel, grup, tingkat, "
                                "baris, alasan) from stdin") as copy:
            for h in holds:
                copy.write_row((h.instansi_kode, h.periode, h.tabel, h.grup, h.tingkat, h.baris, h.alasan))


def _regimes() -> dict[tuple, set[str]]:
    found: dict[tuple, set[str]] = {}
    with warehouse.connect() as conn:
        for instansi, periode, regime in conn.execute(
                "select distinct instansi_kode, periode, regime from intermediate.sel_predikat"):
            found.setdefault((instansi, periode), set()).add(regime)
    return found


def repair(period: str, rebuild) -> list[Hold]:
    """Audit the month's public tables and hold what the audit finds, rebuilding the month's public
    layer with `rebuild(select)` after each round. Returns the holds made (empty: nothing to mend)."""
    made: list[Hold] = []
    manifest = Manifest()
    for _ in range(MAX_ROUNDS):
        with tempfile.TemporaryDirectory(prefix="kinerja-audit-") as tmp:
            folder = Path(tmp) / period
            write_audited_tables(period, folder, manifest)
            result = disclosure.audit_folders(period, folder, predecessors(period), protection())
        if not result.findings:
            break
        new = holds_for(result.findings, period, _regimes(), existing())
        if not new:
            break  # nothing more to hold: publishing refuses with the findings
        insert(new)
        made += new
        rebuild(REBUILD)
    return made
