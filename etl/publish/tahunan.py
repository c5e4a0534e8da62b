"""The open-data package of a year: open-data/<YYYY>/, the annual predikat distributions.

What it holds: the annual tables of the `publik` schema (pub_distribusi_predikat_tahunan per
instansi, pub_distribusi_predikat_unit_tahunan per published unit; their suppression is the monthly
tables', macro sel_predikat_dinilai), each as CSV and Parquet, a `datapackage.json` whose fields
come from the dbt contracts, and `SHA256SUMS`. Before it is swapped in where readers look (the
monthly packages' atomic swap), the privacy scan must find nothing in it and the disclosure audit
must find no withheld number a reader could narrow too far from it and the earlier years' packages
(the audit reads the annual tables as the predikat two-way tables they are).
"""

from __future__ import annotations

import os
import re
import shutil

from etl import warehouse
from etl.config import open_data_dir
from etl.publish import (
    STAGING, PackageWriter, Publication, PublishError, _json, _only_publication, _swap_in, disclosure, min_cell_size,
    privacy, protection, published, utility,
)
from etl.publish.metadata import WrittenFile, _field, load_config
from etl.publish.tables import Manifest, PublicTable

YEAR_RE = re.compile(r"^[0-9]{4}$", re.ASCII)

TABLES = (
    PublicTable("pub_distribusi_predikat_tahunan", "distribusi_predikat_tahunan",
                ("instansi_kode", "periode", "regime", "urutan"), "periode"),
    PublicTable("pub_distribusi_predikat_unit_tahunan", "distribusi_predikat_unit_tahunan",
                ("instansi_kode", "unit_kode", "periode", "regime", "urutan"), "periode"),
)

__all__ = ["STAGING", "TABLES", "consolidated_years", "publish_year", "published_years"]


def consolidated_years() -> list[str]:
    """The years the marts hold annual evaluations of (fct_evaluasi_tahunan)."""
    with warehouse.connect() as conn:
        if not conn.execute("select to_regclass('marts.fct_evaluasi_tahunan') is not null").fetchone()[0]:
            return []
        return [r[0] for r in conn.execute("select distinct tahun from marts.fct_evaluasi_tahunan order by 1")]


def published_years() -> list[str]:
    """The years whose package is where readers look: open-data/<YYYY>/ with its SHA256SUMS."""
    return published(YEAR_RE)


def _datapackage(year: str, manifest: Manifest, written: list[WrittenFile]) -> dict:
    config = load_config()
    resources = []
    for w in written:
        if w.table is None:
            continue
        resources.append({
            "name": w.name.replace(".", "-"), "path": w.name, "format": w.format.lower(),
            "title": manifest.meta(w.table.model).get("judul", w.table.file),
            "description": manifest.description(w.table.model), "hash": f"sha256:{w.sha256}",
            "schema": {"fields": [_field(c) for c in manifest.columns(w.table.model)],
                       "missingValues": [""]} if w.format == "CSV" else None,
        })
    return {
        "name": f"kinerja-asn-tahunan-{year}", "title": f"{config['title']}: evaluasi kinerja tahunan {year}",
        "licenses": [{"name": config["license"]["id"]}],
        "description": (f"Distribusi predikat kinerja tahunan pegawai ASN tahun {year}: jumlah orang, bukan baris "
                        f"evaluasi; sel kecil (di bawah {min_cell_size()}) dan pelengkapnya disembunyikan (kosong)."),
        "resources": [{k: v for k, v in r.items() if v is not None} for r in resources],
    }


def build_year_package(year: str, folder, manifest: Manifest | None = None) -> list[WrittenFile]:
    manifest = manifest or Manifest()
    package = PackageWriter(folder)
    package.tables(TABLES, year, manifest)
    package.put("datapackage.json", _json(_datapackage(year, manifest, package.written)), "JSON")
    package.checksums()
    return package.written


def publish_year(year: str) -> Publication:
    """Write open-data/<year>/ from the publik schema, after the privacy scan and the disclosure audit
    (with the earlier years' packages); refused (PublishError) for a year the marts do not hold."""
    if not YEAR_RE.match(year or ""):
        raise PublishError(f"the year must be YYYY, not {year!r}")
    if year not in consolidated_years():
        raise PublishError(f"{year} has no annual evaluations in the marts, so there is nothing to publish "
                           "(kinerja run --year YYYY)")
    with _only_publication(year) as staging_root:
        staged = staging_root / f"{year}-{os.getpid()}"
        staged.mkdir()
        try:
            written = build_year_package(year, staged)
            findings = privacy.scan_folder(staged, min_cell_size(), min_kelompok=protection().min_kelompok)
            if findings:
                listed = "; ".join(str(f) for f in findings[:10])
                raise PublishError(f"the privacy scan refused open-data/{year}: {len(findings)} finding(s): {listed}")
            earlier = {y: (open_data_dir() / y).resolve() for y in published_years() if y < year}
            audit = disclosure.audit_folders(year, staged, earlier, protection())
            if audit.findings:
                listed = "; ".join(str(f) for f in audit.findings[:10])
                raise PublishError(f"the disclosure audit refused open-data/{year}: {len(audit.findings)} withheld "
                                   f"number(s) a reader could narrow too far: {listed}")
            public = _swap_in(year, staged)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    files_written = [{"table": w.table.model if w.table else None, "path": str(public / w.name), "format": w.format,
                      "rows": w.rows, "sha256": w.sha256} for w in written]
    return Publication(files_written, utility.utility(public), audit)
