"""The workbench's files, without Superset: each government's copy of the dashboards reads its own
views and nothing of the auditors' (workbench/setup_superset.py), and a connection logs in as the
person's own workbench login in the connection's reader role, or not at all
(workbench/superset_config.py). Superset itself is driven in tests/e2e/test_workbench.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "workbench"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def setup_superset():
    return _load("workbench_setup_superset", FOLDER / "setup_superset.py")


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    monkeypatch.setenv("SUPERSET_SECRET_KEY", "not-a-real-key")
    (tmp_path / "pgpass").write_text("*:*:*:budi:generated\n*:*:*:operator_pauh:other\n")
    yield _load("workbench_superset_config", FOLDER / "superset_config.py")
    sys.modules.pop("workbench_superset_config", None)


def _uuids(config) -> set[str]:
    found = set()

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key in ("uuid", "dataset_uuid", "database_uuid", "datasetUuid"):
                    found.add(str(item))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(config)
    return found


def test_a_governments_copy_reads_its_own_views_under_identifiers_of_its_own(setup_superset):
    bundle = setup_superset.read_bundle(FOLDER / "dashboards")
    uri = "postgresql+psycopg2://instansi_pauh@warehouse/kinerja"
    copy = setup_superset.for_role(bundle, "instansi_pauh", uri)
    original = set().union(*(_uuids(c) for c in bundle.values()))
    copied = set().union(*(_uuids(c) for c in copy.values()))
    assert original and not original & copied  # nothing points back at the auditors' objects
    databases = [c for n, c in copy.items() if n.startswith("databases/")]
    assert [d["sqlalchemy_uri"] for d in databases] == [uri]
    datasets = {c["uuid"]: c for n, c in copy.items() if n.startswith("datasets/")}
    charts = {c["uuid"]: c for n, c in copy.items() if n.startswith("charts/")}
    for dataset in datasets.values():
        assert dataset["database_uuid"] == databases[0]["uuid"] and dataset["schema"] == "instansi_pauh"
        table = dataset["table_name"].removesuffix("__instansi_pauh")
        assert dataset["sql"] == f"select * from instansi_pauh.{table}"
    assert all(chart["dataset_uuid"] in datasets for chart in charts.values())
    for name, dashboard in copy.items():
        if name.startswith("dashboards/"):
            assert dashboard["slug"].endswith("-pauh")
            positions = [i["meta"]["uuid"] for i in dashboard["position"].values()
                         if isinstance(i, dict) and i.get("type") == "CHART"]
            assert positions and all(uuid in charts for uuid in positions)
            targets = [t["datasetUuid"] for f in dashboard["metadata"]["native_filter_configuration"]
                       for t in f["targets"]]
            assert targets and all(uuid in datasets for uuid in targets)
    # the copy is the same for the same government every time (a re-import replaces it in place)
    assert setup_superset.for_role(bundle, "instansi_pauh", uri) == copy
    # the auditors' own: the repository's identifiers, over the auditors' connection
    auditor = setup_superset.for_role(bundle, "auditor", "postgresql+psycopg2://auditor@warehouse/kinerja")
    assert set().union(*(_uuids(c) for c in auditor.values())) == original
    assert all(c["schema"] == "marts" and c["sql"] is None for n, c in auditor.items() if n.startswith("datasets/"))


def test_a_connection_logs_in_as_the_persons_workbench_login_in_its_reader_role(config, tmp_path):
    uri, params = config.DB_CONNECTION_MUTATOR(make_url("postgresql+psycopg2://auditor@db:5432/kinerja"), {},
                                               "budi", None, None)
    assert uri.username == "budi" and uri.password is None
    assert params["connect_args"]["options"] == "-c role=auditor"
    assert params["connect_args"]["passfile"] == str(tmp_path / "pgpass")


@pytest.mark.parametrize("person", [None, "workbench_admin", "nobody", "budi; drop role x"])
def test_without_a_workbench_login_the_connection_keeps_the_group_role_that_cannot_log_in(config, person):
    uri, params = config.DB_CONNECTION_MUTATOR(make_url("postgresql+psycopg2://instansi_pauh@db/kinerja"), {},
                                               person, None, None)
    assert uri.username == "instansi_pauh" and "passfile" not in params["connect_args"]
    assert params["connect_args"]["options"] == "-c role=instansi_pauh"


def test_a_connection_that_is_not_a_readers_is_left_alone(config):
    url = make_url("postgresql+psycopg2://kinerja_owner:secret@db/kinerja")
    assert config.DB_CONNECTION_MUTATOR(url, {}, "budi", None, None) == (url, {})


def test_the_configuration_refuses_to_start_without_a_key(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path))
    monkeypatch.delenv("SUPERSET_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="set SUPERSET_SECRET_KEY"):
        _load("workbench_superset_config_nokey", FOLDER / "superset_config.py")
