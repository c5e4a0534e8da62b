"""The package's metadata: a Frictionless Data Package and a CKAN package, both from the dbt
manifest (descriptions, column docs and the MS-Ind `meta` of each public model) and from
config/open_data.yml (publisher, license, Satu Data Indonesia metadata).

`datapackage.json` describes the CSV files as a Tabular Data Package of the Frictionless Data
Package specification v1 (profile `tabular-data-package`; a Table Schema per file, with the empty
string as the documented marker of a withheld or empty value, the key, bytes and hash);
`frictionless validate datapackage.json` checks the files against it (tests/e2e/test_open_data.py,
with the frictionless release pinned in pyproject.toml). Beside the specification's properties it
carries the deliveries the package was built from (`sumber`) and its revisions (`revisi`,
etl/publish/revision.py), and per resource its MS-Ind metadata.

`ckan.json` is a `package_create` body for a CKAN portal (data.go.id and most regional portals run
CKAN): name, title, notes, owner_org, license_id, tags, version, extras and one resource per file.
The statistical metadata of Peraturan BPS 5/2020 travel in it: MS-Keg (the consolidation as a
statistical activity: config/open_data.yml `ms_keg`) and each government's region (Kemendagri code
and level), data producer and person responsible (config/agencies.yml) in the package's extras;
MS-Ind (concept, definition, formula, unit, classification, level of estimation, ...: the dbt
model's `meta`) and MS-Var (per column: name, definition, data type, time reference, validation
rule: the dbt contract) on each table's resource. CKAN takes extras and resource fields as text, so
the lists are JSON strings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.settings import open_data_config
from etl.publish.revision import describe
from etl.publish.tables import Column, Manifest, PublicTable

FRICTIONLESS_TYPES = {"text": "string", "integer": "integer", "bigint": "integer", "boolean": "boolean",
                      "date": "date"}


def load_config(path: str | Path | None = None) -> dict:
    path = Path(path or open_data_config())
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class WrittenFile:
    table: PublicTable | None
    name: str       # file name in the package
    format: str     # CSV, Parquet, JSON, HTML
    rows: int | None
    bytes: int
    sha256: str


def _field(column: Column) -> dict:
    kind = column.data_type.lower()
    field = {"name": column.name, "type": "number" if kind.startswith("numeric") else FRICTIONLESS_TYPES[kind],
             "description": column.description}
    if field["type"] == "boolean":
        field |= {"trueValues": ["true"], "falseValues": ["false"]}
    if column.required:
        field["constraints"] = {"required": True}
    return field


def ms_ind(manifest: Manifest, table: PublicTable) -> dict:
    """MS-Ind (Peraturan BPS 5/2020) of a public table: its dbt model's `meta`, but the file name."""
    return {key: value for key, value in sorted(manifest.meta(table.model).items()) if key != "berkas"}


def ms_var(manifest: Manifest, table: PublicTable) -> list[dict]:
    """MS-Var (Peraturan BPS 5/2020) of each column of a public table, from its dbt contract."""
    period = {"bulan_laporan": "bulan laporan (YYYY-MM)", "bulan": "bulan (YYYY-MM)",
              "periode": "periode (YYYY-MM, YYYY-Qn, YYYY-Sn atau YYYY)"}.get(table.period_column, table.period_column)
    return [{"nama": c.name, "definisi": c.description, "tipe_data": c.data_type, "referensi_waktu": period,
             "aturan_validasi": "wajib terisi" if c.required else
             "boleh kosong: disembunyikan (sel kecil) atau tidak tersedia",
             "kunci": c.name in table.key}
            for c in manifest.columns(table.model)]


def ms_keg(period: str, config: dict) -> dict:
    """MS-Keg (Peraturan BPS 5/2020) of the consolidation: config/open_data.yml's `ms_keg`, with the year."""
    return {"tahun": period[:4], **{key: " ".join(str(value).split()) for key, value in (config.get("ms_keg") or {}).items()}}


def wilayah(agencies) -> list[dict]:
    """Each government of the agencies file as the portals know it: code, name, region, producer, responsible."""
    return [{"instansi_kode": a.kode, "instansi_nama": a.nama, "kode_wilayah": a.kode_wilayah,
             "tingkat_wilayah": a.tingkat_wilayah, "produsen_data": a.produsen_data,
             "penanggung_jawab": a.penanggung_jawab} for a in agencies]


def datapackage(period: str, config: dict, manifest: Manifest, files: list[WrittenFile], told: dict,
                sumber: tuple[list[dict], str] = ((), ""), revisi: list[dict] = ()) -> dict:
    resources = []
    for written in files:
        if written.format != "CSV":
            continue
        table = written.table
        meta = ms_ind(manifest, table)
        resources.append({
            "name": table.file.replace("_", "-"),
            "path": written.name,
            "profile": "tabular-data-resource",
            "title": meta.get("judul", table.file),
            "description": manifest.description(table.model),
            "ms_ind": meta,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": written.bytes,
            "hash": f"sha256:{written.sha256}",
            "schema": {
                "fields": [_field(c) for c in manifest.columns(table.model)],
                "missingValues": [""],
                "primaryKey": list(table.key),
            },
        })
    license_ = config["license"]
    return {
        "profile": "tabular-data-package",
        "name": f"{config['name']}-{period}",
        "title": f"{config['title']} — {period}",
        "description": " ".join(config["notes"].split()),
        "version": period,
        "licenses": [{"name": license_["id"], "path": license_["path"], "title": license_["title"]}],
        "contributors": [{"title": config["organization"]["title"], "role": "publisher"}],
        "keywords": list(config["tags"]),
        # how much the package tells: headline numbers published per level (etl/publish/utility.py)
        "utilitas": {level: told[level] for level in ("instansi", "unit")},
        "sumber": list(sumber[0]),
        "sumber_sebelumnya": sumber[1],
        "revisi": list(revisi),
        "resources": resources,
    }


def ckan_package(period: str, config: dict, manifest: Manifest, files: list[WrittenFile], told: dict,
                 agencies=(), revisi: list[dict] = ()) -> dict:
    base = config.get("base_url")
    resources = []
    for written in files:
        resource = {
            "name": written.name,
            "format": written.format,
            "url": f"{base.rstrip('/')}/{period}/{written.name}" if base else f"{period}/{written.name}",
            "size": written.bytes,
            "hash": f"sha256:{written.sha256}",
        }
        if written.table is not None:
            resource |= {"description": manifest.description(written.table.model), "rows": written.rows,
                         **{f"ms_ind_{key}": value for key, value in ms_ind(manifest, written.table).items()},
                         "ms_var": json.dumps(ms_var(manifest, written.table), ensure_ascii=False)}
        resources.append(resource)
    extras = {
        **{key: " ".join(str(value).split()) for key, value in config.get("satu_data", {}).items()},
        "periode_data": period,
        "tahun": period[:4],
        "judul_indikator": "; ".join(manifest.meta(t.model).get("judul", t.file)
                                     for t in dict.fromkeys(w.table for w in files if w.table)),
        "sel_kecil_disembunyikan": ("predikat: jumlah 1-4, baris yang seluruhnya satu predikat, dan sel pelengkap; "
                                    "kepatuhan, pelatihan, umpan balik, laporan kinerja dan nilai BerAKHLAK: kelompok "
                                    "kurang dari 10 orang; unit kecil digabung ke induknya"),
        **{f"utilitas_{level}": f"{told[level]['published']} dari {told[level]['total']} angka utama diterbitkan"
           for level in ("instansi", "unit")},
        **{f"ms_keg_{key}": value for key, value in ms_keg(period, config).items()},
        "wilayah": json.dumps(wilayah(agencies), ensure_ascii=False),
        "revisi": " ".join(describe(r) for r in revisi) or "belum ada revisi",
    }
    return {
        "name": f"{config['name']}-{period}",
        "title": f"{config['title']} — {period}",
        "notes": " ".join(config["notes"].split()),
        "owner_org": config["organization"]["name"],
        "license_id": config["license"]["ckan_id"],
        "maintainer": config.get("maintainer"),
        "maintainer_email": config.get("maintainer_email"),
        "version": period,
        "tags": [{"name": tag} for tag in config["tags"]],
        "extras": [{"key": key, "value": value} for key, value in extras.items()],
        "resources": resources,
    }
