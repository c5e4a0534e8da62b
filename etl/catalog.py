"""The catalog: dbt's own documentation site over the warehouse (`kinerja docs`, docs/workbench.md).

`dbt docs generate` writes the manifest (every model, column, test, source, seed and exposure, with
the lineage from a source delivery to the open-data files and the workbench's dashboards) and the
catalog (what the warehouse holds: each relation's columns and types, read as the owner after a
run). The three files of the site are copied to `<KINERJA_HOME>/docs/` and served from there on
localhost, so nothing else of dbt's target folder (compiled SQL, run results) is served.
"""

from __future__ import annotations

import functools
import json
import shutil
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from etl import transform
from etl.config import dbt_target_dir
from etl.settings import home

SITE_FILES = ("index.html", "manifest.json", "catalog.json")
DEFAULT_PORT = 8081


class CatalogError(RuntimeError):
    """The catalog could not be built."""


def folder() -> Path:
    return home() / "docs"


def build(site: Path | None = None) -> Path:
    """dbt's docs generated over the warehouse as it is now, copied into `site` (default folder());
    returns it."""
    transform.dbt("docs", "generate")
    target = dbt_target_dir()
    missing = [name for name in SITE_FILES if not (target / name).exists()]
    if missing:
        raise CatalogError(f"dbt docs generate wrote no {', '.join(missing)} in {target}")
    site = site or folder()
    site.mkdir(parents=True, exist_ok=True)
    for name in SITE_FILES:
        shutil.copyfile(target / name, site / f".{name}.tmp")
        (site / f".{name}.tmp").replace(site / name)
    return site


def contents(site: Path | None = None) -> dict[str, int]:
    """How many models, columns (documented ones found in the warehouse) and exposures the site's
    files hold."""
    site = site or folder()
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    return {"models": len(models), "in_warehouse": sum(1 for n in models if n["unique_id"] in catalog["nodes"]),
            "columns": sum(len(n["columns"]) for n in models), "exposures": len(manifest.get("exposures", {}))}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def server(port: int = DEFAULT_PORT, site: Path | None = None) -> ThreadingHTTPServer:
    """An HTTP server of the site's folder on 127.0.0.1:port (serve_forever() it)."""
    handler = functools.partial(_Quiet, directory=str(site or folder()))
    return ThreadingHTTPServer(("127.0.0.1", port), handler)
