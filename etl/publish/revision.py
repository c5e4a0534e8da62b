"""Revision notes: what changed when a month's package is published again.

A package records the deliveries it was built from: `sumber`, per government and entity the batch in
force for the month (and, in a quarter's last month, its quarter), and `sumber_sebelumnya`, one SHA-256
over the batches in force for every earlier period (the trend and the year to date show them). Only
batch ids, which follow from a delivery's content: two warehouses that received the same deliveries
record the same sources. Republishing a month compares the new package with the one readers have now:
when one of its deliveries was replaced (a government's corrected re-delivery) or added, an earlier
month's delivery was replaced, or the data files changed for another reason (the rules of publication
or the models), a revision is added — what changed, when it was published, and why — and the earlier
revisions are kept. Republishing what is already published adds nothing, so the same warehouse gives
the same bytes. The revisions stand in datapackage.json, in ckan.json's extras and in the report's
footer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from etl import warehouse
from etl.transform import period_labels

DATA_SUFFIXES = (".csv", ".parquet")

REASONS = {
    "diganti": "kiriman ulang instansi menggantikan kiriman sebelumnya",
    "baru": "kiriman baru untuk periode ini",
    "sebelumnya": "kiriman ulang untuk periode sebelumnya mengubah tren atau angka tahun berjalan",
    "aturan": "aturan penerbitan, penyembunyian sel atau model berubah; kiriman sama",
}


def _end_month(label: str) -> str:
    """The month a period label ends in: YYYY-MM itself, YYYY-Qn its last month, YYYY-Sn and YYYY theirs."""
    if len(label) == 7 and label[5:].isdigit():
        return label
    if "-Q" in label:
        return f"{label[:4]}-{int(label[-1]) * 3:02d}"
    if "-S" in label:
        return f"{label[:4]}-{int(label[-1]) * 6:02d}"
    return f"{label[:4]}-12"


def _in_force() -> list[tuple[str, str, str, str]]:
    """(instansi, entity, periode, batch_id) of every delivery in force."""
    with warehouse.connect() as conn:
        return conn.execute("""select instansi_kode, entity, periode, batch_id from audit.batch
                               where is_current and status = 'loaded' order by 1, 2, 3""").fetchall()


def sources(period: str) -> tuple[list[dict], str]:
    """The deliveries behind a month's package: the month's own (one per government, entity and
    period label), and one digest over those of every earlier period."""
    own, earlier = [], []
    labels = set(period_labels(period))
    for agency, entity, periode, batch in _in_force():
        if periode in labels:
            own.append({"instansi_kode": agency, "entity": entity, "periode": periode, "batch_id": batch})
        elif _end_month(periode) < period:
            earlier.append(f"{agency}/{entity}/{periode}/{batch}")
    return own, hashlib.sha256("\n".join(earlier).encode()).hexdigest()


def _redelivered_before(period: str, noted: set[tuple]) -> list[dict]:
    """Earlier periods' deliveries that a re-delivery replaced, not named by an earlier revision."""
    with warehouse.connect() as conn:
        rows = conn.execute("""select instansi_kode, entity, periode from audit.batch where status = 'loaded'
                               group by 1, 2, 3 having count(*) > 1 order by 1, 2, 3""").fetchall()
    return [{"instansi_kode": a, "entity": e, "periode": p} for a, e, p in rows
            if _end_month(p) < period and (a, e, p) not in noted]


def _data_sums(folder: Path) -> dict[str, str]:
    sums = folder / "SHA256SUMS"
    if not sums.exists():
        return {}
    pairs = (line.split("  ", 1) for line in sums.read_text(encoding="utf-8").splitlines() if "  " in line)
    return {name: digest for digest, name in pairs if name.endswith(DATA_SUFFIXES)}


def _previous(folder: Path) -> dict | None:
    """The datapackage.json of the package readers have now, None when there is none (or it has no
    record of its sources: a package of an earlier layout)."""
    document = folder / "datapackage.json"
    if not document.exists():
        return None
    package = json.loads(document.read_text(encoding="utf-8"))
    return package if "sumber" in package and "sumber_sebelumnya" in package else None


def revisions(period: str, previous_folder: Path, own: list[dict], earlier: str, data_sums: dict[str, str],
              clock=lambda: dt.datetime.now(dt.timezone.utc), redelivered=None) -> list[dict]:
    """The package's revisions: the earlier package's, plus one when this package differs from it.
    `redelivered(period, noted)` lists earlier periods' replaced deliveries (default: from the ledger)."""
    package = _previous(previous_folder)
    if package is None:
        return []
    kept = package.get("revisi") or []
    key = lambda s: (s["instansi_kode"], s["entity"], s["periode"])  # noqa: E731
    was = {key(s): s for s in package["sumber"]}
    replaced = [{"instansi_kode": s["instansi_kode"], "entity": s["entity"], "periode": s["periode"],
                 "batch_sebelumnya": was[key(s)]["batch_id"], "batch_baru": s["batch_id"]}
                for s in own if key(s) in was and was[key(s)]["batch_id"] != s["batch_id"]]
    added = [{"instansi_kode": s["instansi_kode"], "entity": s["entity"], "periode": s["periode"],
              "batch_baru": s["batch_id"]} for s in own if key(s) not in was]
    earlier_changed = package["sumber_sebelumnya"] != earlier
    old_sums = _data_sums(previous_folder)
    changed = sorted(name for name in data_sums.keys() | old_sums.keys() if data_sums.get(name) != old_sums.get(name))
    if not (replaced or added or earlier_changed or changed):
        return kept
    before = []
    if earlier_changed:
        noted = {key(r) for revision in kept for r in revision.get("kiriman_sebelumnya_diganti", [])}
        before = (redelivered or _redelivered_before)(period, noted)
    reason = ("diganti" if replaced else "baru" if added else "sebelumnya" if earlier_changed else "aturan")
    return [*kept, {
        "nomor": len(kept) + 1,
        "diterbitkan": clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "alasan": REASONS[reason],
        "kiriman_diganti": replaced,
        "kiriman_baru": added,
        "kiriman_sebelumnya_diganti": before,
        "berkas_berubah": changed,
    }]


def describe(revision: dict) -> str:
    """One line of a revision, in Indonesian, for the report's footer and ckan.json."""
    parts = [f"Revisi {revision['nomor']} ({revision['diterbitkan'][:10]}): {revision['alasan']}"]
    if revision["kiriman_diganti"]:
        parts.append("diganti: " + ", ".join(f"{r['instansi_kode']} {r['entity']} {r['periode']}"
                                             for r in revision["kiriman_diganti"]))
    if revision["kiriman_baru"]:
        parts.append("baru: " + ", ".join(f"{r['instansi_kode']} {r['entity']} {r['periode']}"
                                          for r in revision["kiriman_baru"]))
    if revision.get("kiriman_sebelumnya_diganti"):
        parts.append("periode sebelumnya: " + ", ".join(f"{r['instansi_kode']} {r['entity']} {r['periode']}"
                                                        for r in revision["kiriman_sebelumnya_diganti"]))
    if revision["berkas_berubah"]:
        parts.append(f"{len(revision['berkas_berubah'])} berkas data berubah")
    return "; ".join(parts) + "."
