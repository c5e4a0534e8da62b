"""`kinerja docs`: dbt's docs built over the consolidated demo world and served on localhost. Read back
over HTTP, the catalog holds every model of the project with every column its YAML documents (as the
warehouse has them), and every exposure: the public tables' open-data files and the workbench's
dashboards, so the lineage runs from a source delivery to both."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest
import yaml

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(first_run, tmp_path_factory):
    from etl import catalog

    site = catalog.build(tmp_path_factory.mktemp("docs"))
    httpd = catalog.server(0, site)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        assert response.status == 200, url
        return response.read()


def test_the_catalog_is_served_with_every_model_column_and_exposure(served):
    from etl.settings import dbt_project_dir

    assert b"dbt" in _get(f"{served}/index.html").lower()
    manifest = json.loads(_get(f"{served}/manifest.json"))
    catalog = json.loads(_get(f"{served}/catalog.json"))
    models = {uid: n for uid, n in manifest["nodes"].items()
              if n["resource_type"] == "model" and n["package_name"] == "kinerja"}
    assert len(models) > 50
    missing = [n["name"] for uid, n in models.items() if uid not in catalog["nodes"]]
    assert not missing, f"models not in the catalog (not in the warehouse): {missing}"
    for uid, node in models.items():
        built = {name.lower() for name in catalog["nodes"][uid]["columns"]}
        documented = {name.lower() for name in node["columns"]}
        assert documented and documented <= built, (node["name"], sorted(documented - built))
        assert all(c["description"].strip() for c in node["columns"].values()), node["name"]
    declared = yaml.safe_load((dbt_project_dir() / "models" / "_exposures.yml").read_text(encoding="utf-8"))
    names = {e["name"] for e in declared["exposures"]}
    assert names and names == {e["name"] for e in manifest["exposures"].values()}
    # the lineage: a dashboard's exposure reaches back through the marts to a source delivery
    parents = {uid: set(n.get("depends_on", {}).get("nodes", [])) for uid, n in
               {**manifest["nodes"], **manifest["exposures"]}.items()}

    def sources_of(uid, seen=frozenset()):
        found = set()
        for parent in parents.get(uid, ()):
            if parent.startswith("source."):
                found.add(parent)
            elif parent not in seen:
                found |= sources_of(parent, seen | {uid})
        return found

    for uid, exposure in manifest["exposures"].items():
        assert sources_of(uid), exposure["name"]
    dashboards = [uid for uid, e in manifest["exposures"].items() if e["type"] == "dashboard"]
    assert len(dashboards) == 4
    # the performance dashboard from the deliveries in raw; the reconciliation's from the audit ledger
    reached = {manifest["exposures"][uid]["meta"]["superset_slug"]: {s.split(".", 2)[2] for s in sources_of(uid)}
               for uid in dashboards}
    assert "raw.evaluasi_periodik" in reached["kinerja-pegawai"], reached["kinerja-pegawai"]
    assert any(s.startswith("audit.") for s in reached["rekonsiliasi"]), reached["rekonsiliasi"]
