"""The package's metadata: a Frictionless Data Package and a CKAN package, both from the dbt
manifest (descriptions, column docs and the MS-Ind `meta` of each public model) and from
config/open_data.yml (publisher, license, Satu Data Indonesia metadata).

`datapackage.json` describes the CSV files (Tabular Data Package: a Table Schema per file,
with the empty string as the documented marker of a withheld or empty value, the key, bytes
and hash); `frictionless validate datapackage.json` checks files against it. `ckan.json` is a
`package_create` body for a CKAN portal (data.go.id and most regional portals run CKAN):
name, title, notes, owner_org, license_id, tags, version, extras and one resource per file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from etl.settings import open_data_config
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


def datapackage(period: str, config: dict, manifest: Manifest, files: list[WrittenFile], told: dict) -> dict:
    resources = []
    for written in files:
        if written.format != "CSV":
            continue
        table = written.table
        meta = manifest.meta(table.model)
        resources.append({
            "name": table.file.replace("_", "-"),
            "path": written.name,
            "profile": "tabular-data-resource",
            "title": meta.get("judul", table.file),
            "description": manifest.description(table.model),
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
        "resources": resources,
    }


def ckan_package(period: str, config: dict, manifest: Manifest, files: list[WrittenFile], told: dict) -> dict:
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
            meta = manifest.meta(written.table.model)
            resource |= {"description": manifest.description(written.table.model), "rows": written.rows,
                         **{f"ms_ind_{key}": value for key, value in sorted(meta.items()) if key != "berkas"}}
        resources.append(resource)
    extras = {
        **{key: " ".join(str(value).split()) for key, value in config.get("satu_data", {}).items()},
        "periode_data": period,
        "tahun": period[:4],
        "judul_indikator": "; ".join(manifest.meta(t.model).get("judul", t.file)
                                     for t in dict.fromkeys(w.table for w in files if w.table)),
        "sel_kecil_disembunyikan": ("predikat: jumlah 1-4, baris yang seluruhnya satu predikat, dan sel pelengkap; "
                                    "kepatuhan dan pelatihan: kelompok kurang dari 10 orang; unit kecil digabung ke induknya"),
        **{f"utilitas_{level}": f"{told[level]['published']} dari {told[level]['total']} angka utama diterbitkan"
           for level in ("instansi", "unit")},
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
