"""Publishing: a month's open-data package, from the `publik` schema only.

`publish(period)` writes open-data/<period>/:
- per public table a CSV (UTF-8, header, formula-looking text escaped) and a Parquet file;
- datapackage.json (Frictionless Tabular Data Package) and ckan.json (CKAN package_create body,
  with the Satu Data Indonesia metadata in its extras), both from the dbt manifest;
- index.html, the report in Indonesian with its charts (etl/publish/html.py), and pengaduan.html,
  its page for complaints and service times;
- SHA256SUMS over every file.
The same warehouse gives byte-identical files. The package is built in a staging folder,
scanned for personal data and unsuppressed small cells (etl/publish/privacy.py) and audited
for what a reader could derive about every withheld number from it and the earlier packages
still published (etl/publish/disclosure.py) — a finding of either refuses the publication — and
only then put where readers look, in one step: open-data/<period> is a symbolic link to the
package's folder under open-data/.versions/, swapped atomically, so a reader sees the old package
or the new one, never half of one. How much it tells — the share of headline numbers published —
goes into its metadata (etl/publish/utility.py).

One publication of a period at a time: the next waits for the lock on
open-data/.staging/<period>.lock (released by the operating system when its holder dies), and
whoever holds it removes the staging folders of that period that a killed publication left behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from etl import warehouse
from etl.config import PERIOD_RE, check_period, dbt_project_dir, load_agencies, open_data_dir
from etl.publish import disclosure, files, html, privacy, revision, utility
from etl.publish.metadata import WrittenFile, ckan_package, datapackage, load_config
from etl.publish.tables import TABLES, Manifest, read

VERSIONS = ".versions"
STAGING = ".staging"


class PublishError(RuntimeError):
    """The package could not be published; nothing changed where readers look."""


def _vars() -> dict:
    return yaml.safe_load((dbt_project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def min_cell_size() -> int:
    """The suppression threshold dbt used (dbt_project.yml vars.min_cell_size)."""
    return int(_vars()["min_cell_size"])


def protection() -> disclosure.Protection:
    """The disclosure settings dbt suppressed with, as the audit applies them (dbt_project.yml vars)."""
    found = _vars()
    return disclosure.Protection(int(found["audit_lebar_minimum"]), int(found["publik_min_kelompok"]),
                                 int(found["min_cell_size"]))


@dataclass
class Publication:
    """What publishing a month did: the files, how much they tell, and the audit's figures."""
    files: list[dict]
    utility: dict
    audit: disclosure.Result


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _frame(columns, rows) -> pd.DataFrame:
    """The report's view of a table: withheld values as missing, numbers as floats."""
    frame = pd.DataFrame.from_records(rows, columns=[c.name for c in columns])
    for column in frame.columns:
        if any(isinstance(v, Decimal) for v in frame[column]):
            frame[column] = frame[column].map(lambda v: None if v is None else float(v)).astype("Float64")
        elif str(frame[column].dtype) == "object" and any(isinstance(v, int) and not isinstance(v, bool)
                                                          for v in frame[column]):
            frame[column] = frame[column].astype("Int64")
    return frame


class PackageWriter:
    """A package's files written into its folder, each kept as what was written (table, name, format,
    rows, size, SHA-256), for its metadata and SHA256SUMS: a month's package and a year's
    (etl/publish/tahunan.py)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.written: list[WrittenFile] = []

    def put(self, name: str, data: bytes, fmt: str, table=None, rows=None) -> None:
        (self.folder / name).write_bytes(data)
        self.written.append(WrittenFile(table, name, fmt, rows, len(data), _sha256(data)))

    def tables(self, tables, period: str, manifest: Manifest) -> dict[str, pd.DataFrame]:
        """Each public table's rows of the period as CSV and Parquet; returns them as frames by file name."""
        frames: dict[str, pd.DataFrame] = {}
        for table in tables:
            columns = manifest.columns(table.model)
            rows = read(table, period, columns)
            self.put(f"{table.file}.csv", files.to_csv(columns, rows), "CSV", table, len(rows))
            self.put(f"{table.file}.parquet", files.to_parquet(columns, rows), "Parquet", table, len(rows))
            frames[table.file] = _frame(columns, rows)
        return frames

    def checksums(self) -> None:
        """SHA256SUMS over every file written."""
        sums = "".join(f"{w.sha256}  {w.name}\n" for w in sorted(self.written, key=lambda w: w.name))
        (self.folder / "SHA256SUMS").write_text(sums, encoding="utf-8")


def instansi_names(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every government's name as the package's pages show it: from any of its tables that carries
    one (a government may appear in only some tables in a month: complaints, but no evaluation),
    else from the agencies file, never the bare code while a name is known."""
    names = {agency.kode: agency.nama for agency in load_agencies() if agency.nama}
    for frame in frames.values():
        if {"instansi_kode", "instansi_nama"} <= set(frame.columns):
            names |= {kode: nama for kode, nama in zip(frame["instansi_kode"], frame["instansi_nama"])
                      if isinstance(nama, str) and nama and nama != kode}
    return names


def build_package(period: str, folder: Path, manifest: Manifest | None = None) -> list[WrittenFile]:
    """Write every file of the package into `folder`. Returns what was written, in order."""
    manifest = manifest or Manifest()
    config = load_config()
    package = PackageWriter(folder)
    written, put = package.written, package.put
    frames = package.tables(TABLES, period, manifest)

    told = utility.utility(folder)
    sumber, sumber_sebelumnya = revision.sources(period)
    revisi = revision.revisions(period, open_data_dir() / period, sumber, sumber_sebelumnya,
                                {w.name: w.sha256 for w in written if w.table is not None})
    put("datapackage.json", _json(datapackage(period, config, manifest, written, told,
                                              (sumber, sumber_sebelumnya), revisi)), "JSON")
    instansi = instansi_names(frames)
    page_meta = {
        "title": config["title"],
        "organisation": config["organization"]["title"],
        "license": config["license"]["id"],
        "min_cell_size": min_cell_size(),
        "instansi_nama": dict(sorted(instansi.items())),
    }
    put(html.PENGADUAN_PAGE, html.render_pengaduan(period, frames, page_meta).encode("utf-8"), "HTML")
    report = html.render_report(period, frames, page_meta | {
        "revisi": [revision.describe(r) for r in revisi],
        "files": [{"name": w.name, "rows": w.rows, "sha256": w.sha256,
                   "description": manifest.meta(w.table.model).get("judul", w.table.file) if w.table
                   else "Halaman pengaduan dan waktu layanan" if w.name == html.PENGADUAN_PAGE
                   else "Metadata Frictionless Data Package"} for w in written],
    })
    put("index.html", report.encode("utf-8"), "HTML")
    put("ckan.json", _json(ckan_package(period, config, manifest, written, told, load_agencies(), revisi)), "JSON")
    package.checksums()
    return written


def _swap_in(period: str, staged: Path) -> Path:
    """Put the staged package where readers look, atomically; drop the period's older packages."""
    root = open_data_dir()
    digest = _sha256((staged / "SHA256SUMS").read_bytes())[:12]
    version = root / VERSIONS / f"{period}-{digest}"
    version.parent.mkdir(parents=True, exist_ok=True)
    if version.exists():
        shutil.rmtree(staged)  # the same package is already there, byte for byte
    else:
        os.replace(staged, version)
    public = root / period
    if public.exists() and not public.is_symlink():
        os.replace(public, root / VERSIONS / f"{period}-sebelumnya")  # a package of an older layout
    link = root / f".{period}.link"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(Path(VERSIONS) / version.name, target_is_directory=True)
    os.replace(link, public)
    for old in (root / VERSIONS).glob(f"{period}-*"):
        if old != version:
            shutil.rmtree(old, ignore_errors=True)
    return public


def published_periods() -> list[str]:
    """The months whose package is where readers look: open-data/<YYYY-MM>/ with its SHA256SUMS."""
    return published(PERIOD_RE)


def published(pattern: re.Pattern) -> list[str]:
    """The packages where readers look whose folder name matches `pattern` (a month's, a year's): the
    folders of open-data/ with their SHA256SUMS."""
    root = open_data_dir()
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if pattern.match(p.name) and (p / "SHA256SUMS").exists())


def packages_to_publish(months: list[str]) -> list[str]:
    """The packages to write when the marts of `months` were updated: those months, and every later
    month already published, whose trend table shows the earlier months (a corrected October sent
    after November was published changes November's package too)."""
    months = sorted({check_publishable(m) for m in months})  # the marts must hold each (a DAG run refuses first)
    if not months:
        return []
    return sorted(set(months) | {m for m in published_periods() if m > months[0]})


@contextlib.contextmanager
def _only_publication(period: str) -> Iterator[Path]:
    """The staging root, while this process alone publishes the period; what an earlier
    publication of the period left there (it was killed before cleaning up) is removed first."""
    staging_root = open_data_dir() / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    with open(staging_root / f"{period}.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or the process dies
        for leftover in staging_root.glob(f"{period}-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield staging_root


def predecessors(period: str) -> dict[str, Path]:
    """The packages of the months before `period` a reader can still download (month -> folder)."""
    root = open_data_dir()
    return {month: (root / month).resolve() for month in published_periods() if month < period}


def publish(period: str) -> list[dict]:
    """Write open-data/<period>/ from the publik schema. Returns the files written."""
    return publish_with_report(period).files


# the marts a month's consolidation fills, and the column that names its month (or quarter: its last month)
CONSOLIDATION_MARTS = (("mart_kepatuhan", "periode"), ("mart_pelatihan_unit", "bulan"),
                       ("mart_pengaduan_unit", "periode"), ("mart_waktu_layanan", "bulan"))


def consolidated_months() -> list[str]:
    """The months the marts hold a consolidation of: those with rows in the marts a month's run fills
    (compliance, training, complaints, service times; a quarter counts for its last month). Read from
    the marts, not from the public tables, so that the check never waits behind, or holds up, the
    publication's own reads of them."""
    selects = " union ".join(f'select distinct "{column}"::text from marts."{model}"'
                             for model, column in CONSOLIDATION_MARTS)
    with warehouse.connect() as conn:
        present = {row[0] for row in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
        if not all(model in present for model, _ in CONSOLIDATION_MARTS):
            return []  # nothing built yet
        found = [row[0] for row in conn.execute(selects).fetchall()]
    months = set()
    for label in found:
        if label and PERIOD_RE.match(label):
            months.add(label)
        elif label and len(label) == 7 and label[4:6] == "-Q" and label[6] in "1234":
            months.add(f"{label[:4]}-{int(label[6]) * 3:02d}")
    return sorted(months)


def check_publishable(period: str) -> str:
    """PublishError unless the marts hold a consolidation of `period` (which is not in the future):
    a package is published only for what exists. Republishing a published month passes."""
    period = check_period(period)
    this_month = f"{dt.date.today():%Y-%m}"
    if period > this_month:
        raise PublishError(f"{period} is in the future (this month is {this_month}): nothing to publish")
    months = consolidated_months()
    if period not in months:
        latest = (f"the latest consolidated month is {months[-1]}" if months
                  else "no month is consolidated yet (kinerja run --period YYYY-MM)")
        raise PublishError(f"{period} has no consolidated month in the marts, so there is nothing to publish; {latest}")
    return period


def publish_with_report(period: str) -> Publication:
    """Write open-data/<period>/ from the publik schema; what was written, how much it tells, and
    what the disclosure audit solved. Refused (check_publishable) for a month the marts do not hold."""
    period = check_publishable(period)
    with _only_publication(period) as staging_root:
        return _publish(period, staging_root / f"{period}-{os.getpid()}")


def _publish(period: str, staged: Path) -> Publication:
    staged.mkdir()
    try:
        written = build_package(period, staged)
        findings = privacy.scan_folder(staged, min_cell_size(), min_kelompok=protection().min_kelompok)
        if findings:
            listed = "; ".join(str(f) for f in findings[:10])
            raise PublishError(f"the privacy scan refused open-data/{period}: {len(findings)} finding(s): {listed}")
        audit = audit_package(period, staged)
        public = _swap_in(period, staged)
    finally:
        if staged.exists():
            shutil.rmtree(staged)
    files_written = [{"table": w.table.model if w.table else None, "path": str(public / w.name), "format": w.format,
                      "rows": w.rows, "sha256": w.sha256} for w in written]
    return Publication(files_written, utility.utility(public), audit)


def audit_package(period: str, folder: Path) -> disclosure.Result:
    """The disclosure audit of a month's package with its predecessors; raises PublishError naming
    the withheld numbers a reader could narrow too far."""
    earlier = predecessors(period)
    result = disclosure.audit_folders(period, folder, earlier, protection())
    if result.findings:
        listed = "; ".join(str(f) for f in result.findings[:10])
        older = [f for f in result.findings if not f.where.startswith(f"{period}/")]
        hint = (" (a finding in an earlier month's package: republish the earlier months first, oldest first, "
                "with `kinerja publish --all`)") if older else ""
        raise PublishError(f"the disclosure audit refused open-data/{period}: {len(result.findings)} withheld "
                           f"number(s) a reader could narrow too far{hint}: {listed}")
    return result
