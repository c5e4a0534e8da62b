"""The catalog's lineage reaches past dbt (dbt_project/models/_exposures.yml): every public table is an
exposure (an open-data file, or the publik role's table), and every dashboard kept in
workbench/dashboards/ is one, depending on exactly the marts its charts read. Read from the manifest
of `dbt parse` and from the dashboards' own files (Superset's export format)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "workbench" / "dashboards"


def bundle_dashboards() -> dict[str, set[str]]:
    """slug -> the tables its charts read, from the export files."""
    charts = {c["uuid"]: c for c in map(lambda p: yaml.safe_load(p.read_text(encoding="utf-8")),
                                          (BUNDLE / "charts").glob("*.yaml"))}
    datasets = {d["uuid"]: d for d in map(lambda p: yaml.safe_load(p.read_text(encoding="utf-8")),
                                            (BUNDLE / "datasets").rglob("*.yaml"))}
    found = {}
    for path in (BUNDLE / "dashboards").glob("*.yaml"):
        dashboard = yaml.safe_load(path.read_text(encoding="utf-8"))
        uuids = [item["meta"]["uuid"] for item in dashboard["position"].values()
                 if isinstance(item, dict) and item.get("type") == "CHART"]
        found[dashboard["slug"]] = {datasets[charts[u]["dataset_uuid"]]["table_name"] for u in uuids}
    return found


@pytest.fixture(scope="module")
def manifest(warehouse_url):
    from etl import transform
    from etl.config import dbt_target_dir

    transform.dbt("parse")
    return json.loads((dbt_target_dir() / "manifest.json").read_text())


def _reads(exposure: dict) -> set[str]:
    return {uid.split(".")[-1] for uid in exposure["depends_on"]["nodes"]}


def test_every_public_table_is_an_exposure(manifest):
    public = {n["name"] for n in manifest["nodes"].values()
              if n["resource_type"] == "model" and n["name"].startswith("pub_")}
    exposed = set().union(*(_reads(e) for e in manifest["exposures"].values()))
    assert public and not public - exposed, f"public tables no exposure reads: {sorted(public - exposed)}"


def test_every_open_data_file_is_an_exposure_of_its_table(manifest):
    from etl.publish import tahunan
    from etl.publish.tables import TABLES

    files = {e["meta"].get("open_data_file"): _reads(e) for e in manifest["exposures"].values()}
    for table in (*TABLES, *tahunan.TABLES):  # the month's package and the year's
        assert files.get(table.file) == {table.model}, table.file


def test_every_dashboard_is_an_exposure_reading_what_its_charts_read(manifest):
    dashboards = bundle_dashboards()
    exposed = {e["meta"].get("superset_slug"): e for e in manifest["exposures"].values()
               if e["type"] == "dashboard"}
    assert set(exposed) == set(dashboards)
    for slug, tables in dashboards.items():
        assert _reads(exposed[slug]) == tables, slug
        assert exposed[slug]["url"].endswith(f"/superset/dashboard/{slug}/")
        # a chart reads a mart, never raw or staging
        assert all(t.startswith(("fct_", "mart_", "dim_")) for t in tables), tables
