"""The dbt project flows one way and is documented and tested: dbt-labs/dbt-project-evaluator's rules
(fct_model_directories, fct_undocumented_models, fct_missing_primary_key_tests, …) with this
project's prefixes, read from the manifest of `dbt parse` (no model is built).

Layers by prefix: stg_ (staging) < int_ (intermediate) < fct_ / dim_ / mart_ (marts) < sel_ / pub_
(publik), each in its folder of models/. A model reads its own layer or an earlier one, and only
staging models read sources (fct_direct_join_to_source); a seed is a source every layer may read; a
snapshot belongs to the layer of the models it records. Every model
has a description, every column its file lists has one, and every model a grain test (unique on a
column, or the project's unique_combination on several; for a partisi_periode model, the UNIQUE
constraint of its config kunci_unik, which every partition holds). That every column the warehouse has for a
model is described is checked against the built warehouse's catalog (tests/e2e/test_kinerja_bulanan.py).
"""

from __future__ import annotations

import json
import re

import pytest

LAYERS = {"stg_": 0, "int_": 1, "fct_": 2, "dim_": 2, "mart_": 2, "sel_": 3, "pub_": 3}
FOLDERS = {0: "staging", 1: "intermediate", 2: "marts", 3: "publik"}
GRAIN_TESTS = {"unique", "unique_combination", "unique_combination_of_columns"}


def layer_of(name: str) -> int | None:
    return next((layer for prefix, layer in LAYERS.items() if name.startswith(prefix)), None)


def models(manifest: dict) -> dict[str, dict]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["package_name"] == "kinerja"}


def node_layer(manifest: dict, uid: str, seen: frozenset = frozenset()) -> int:
    """A model's layer by its prefix; a seed or a source is 0; a snapshot is the layer it records."""
    node = manifest["nodes"].get(uid)
    if node is None or node["resource_type"] == "seed":
        return 0
    if node["resource_type"] == "snapshot":
        parents = [p for p in node["depends_on"]["nodes"] if p not in seen]
        return max((node_layer(manifest, p, seen | {uid}) for p in parents), default=0)
    layer = layer_of(node["name"])
    return 0 if layer is None else layer


def misplaced(manifest: dict) -> list[str]:
    """Models without a layer prefix, or outside their layer's folder."""
    wrong = []
    for node in models(manifest).values():
        layer = layer_of(node["name"])
        if layer is None:
            wrong.append(f"{node['name']}: no layer prefix ({', '.join(LAYERS)})")
        elif node["original_file_path"].split("/")[1] != FOLDERS[layer]:
            wrong.append(f"{node['name']}: in {node['original_file_path']}, not under models/{FOLDERS[layer]}/")
    return wrong


def backwards(manifest: dict) -> list[str]:
    """Models that read a later layer (directly, or through a snapshot of it), and models after
    staging that read a source."""
    found = []
    for node in models(manifest).values():
        for parent in node["depends_on"]["nodes"]:
            if node_layer(manifest, parent) > node_layer(manifest, node["unique_id"]):
                found.append(f"{node['name']} reads {parent.split('.')[-1]}")
            elif parent.startswith("source.") and node_layer(manifest, node["unique_id"]) > 0:
                found.append(f"{node['name']} reads source {'.'.join(parent.split('.')[-2:])} (only staging reads sources)")
    return found


def undocumented(manifest: dict) -> list[str]:
    """Models without a description or listed columns, and listed columns without a description."""
    found = []
    for node in models(manifest).values():
        if not node["description"].strip():
            found.append(node["name"])
        if not node["columns"]:
            found.append(f"{node['name']}: no columns listed")
        found += [f"{node['name']}.{name}" for name, column in node["columns"].items()
                  if not column["description"].strip()]
    return found


def without_grain_test(manifest: dict) -> list[str]:
    with_grain = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS:
            if node.get("attached_node"):
                with_grain.add(node["attached_node"])
    for uid, node in models(manifest).items():
        config = node.get("config") or {}
        if config.get("materialized") == "partisi_periode" and config.get("kunci_unik"):
            with_grain.add(uid)  # the grain is each partition's UNIQUE constraint (macros/partisi_periode.sql)
    return sorted(node["name"] for uid, node in models(manifest).items() if uid not in with_grain)


def _tested_beyond_the_delivery(manifest: dict) -> list[str]:
    """Staging views over raw whose tests would not read the run's delivery as raw holds it: raw is
    partitioned by the delivered period `_periode` (etl/load/schema.py), so the column a view names in
    meta.kolom_periode (macros/uji_periode.sql: a month's run tests only those periods) must be
    `_periode` renamed. A data column (an evaluation's own `periode`) reads every partition of the
    history, and misses the rows whose own period is not a label of the run's month (a year's
    report delivered in December)."""
    found = []
    for node in models(manifest).values():
        kolom = ((node.get("config") or {}).get("meta") or {}).get("kolom_periode")
        reads_raw = any(parent.startswith("source.") and parent.split(".")[2] == "raw"
                        for parent in node["depends_on"]["nodes"])
        if kolom and reads_raw and not re.search(rf"\b_periode\s+as\s+{re.escape(kolom)}\b", node.get("raw_code", "")):
            found.append(f"{node['name']}: kolom_periode {kolom} is not raw's _periode")
    return found


@pytest.fixture(scope="module")
def manifest(warehouse_url):
    from etl import transform
    from etl.config import dbt_target_dir

    transform.dbt("parse")
    return json.loads((dbt_target_dir() / "manifest.json").read_text())


def test_every_model_has_a_layer_prefix_and_sits_in_its_layer_folder(manifest):
    wrong = misplaced(manifest)
    assert not wrong, "\n".join(wrong)


def test_no_model_reads_a_later_layer(manifest):
    found = backwards(manifest)
    assert not found, "\n".join(found)


def test_every_model_and_column_is_documented(manifest):
    found = undocumented(manifest)
    assert not found, "\n".join(found)


def test_a_staging_views_tests_read_the_runs_delivery(manifest):
    found = _tested_beyond_the_delivery(manifest)
    assert not found, "\n".join(found)


def test_the_delivery_rule_finds_a_data_column():
    def view(name, kolom, code):
        return _model(name, "staging", ["source.kinerja.raw.x"]) | {"config": {"meta": {"kolom_periode": kolom}},
                                                                    "raw_code": code}
    manifest = {"nodes": {n["unique_id"]: n for n in (
        view("stg_a", "periode", "select periode, _periode as periode_pengiriman from raw"),
        view("stg_b", "periode_pengiriman", "select periode, _periode   as periode_pengiriman from raw"),
        view("stg_c", "tahun", "select _periode as tahun from raw"),
        view("stg_d", "periode", "select _periode as periode_lain from raw"))}}
    assert _tested_beyond_the_delivery(manifest) == ["stg_a: kolom_periode periode is not raw's _periode",
                                                    "stg_d: kolom_periode periode is not raw's _periode"]


def test_every_model_has_a_grain_test(manifest):
    found = without_grain_test(manifest)
    assert not found, "no grain test: " + ", ".join(found)


def _model(name: str, folder: str, parents=(), columns=None, description="Something.") -> dict:
    return {"unique_id": f"model.kinerja.{name}", "name": name, "resource_type": "model", "package_name": "kinerja",
            "original_file_path": f"models/{folder}/{name}.sql", "description": description,
            "depends_on": {"nodes": list(parents)},
            "columns": {c: {"description": d} for c, d in (columns or {"id": "Key."}).items()}}


def test_the_rules_find_what_they_name():
    """On a hand-made manifest: an intermediate model reading a mart (the old int_evaluasi__hitungan_unit),
    a public cell reading a source (the holds before their staging view), a mart reading the public
    layer through a snapshot, a model in the wrong folder, an undocumented
    column, a model without a grain test; and nothing on the models that keep the rules."""
    nodes = [
        _model("stg_a", "staging"),
        _model("int_b", "intermediate", ["model.kinerja.stg_a"]),
        _model("fct_c", "marts/akuntabilitas", ["model.kinerja.int_b", "seed.kinerja.aturan"]),
        _model("int_hitungan", "intermediate", ["model.kinerja.fct_c"]),
        _model("sel_d", "publik/sel", ["model.kinerja.fct_c", "model.kinerja.int_b", "source.kinerja.k.holds"], {"id": ""}),
        _model("pub_e", "marts/publik", ["model.kinerja.sel_d"]),
        _model("dim_f", "marts/dimensi", ["snapshot.kinerja.snp_d"], description=" "),
        {"unique_id": "snapshot.kinerja.snp_d", "name": "snp_d", "resource_type": "snapshot", "package_name": "kinerja",
         "depends_on": {"nodes": ["model.kinerja.sel_d"]}},
        {"unique_id": "seed.kinerja.aturan", "name": "aturan", "resource_type": "seed", "package_name": "kinerja",
         "depends_on": {"nodes": []}},
    ]
    tests = [{"unique_id": f"test.kinerja.unique_{n}", "resource_type": "test", "package_name": "kinerja",
              "test_metadata": {"name": "unique_combination" if n == "fct_c" else "unique"},
              "attached_node": f"model.kinerja.{n}", "depends_on": {"nodes": [f"model.kinerja.{n}"]}}
             for n in ("stg_a", "int_b", "fct_c", "int_hitungan", "sel_d", "pub_e")]
    nodes.append(_model("fct_g", "marts/akuntabilitas") | {"config": {"materialized": "partisi_periode",
                                                                         "kunci_unik": ["id", "periode"]}})
    nodes.append(_model("fct_h", "marts/akuntabilitas") | {"config": {"materialized": "partisi_periode"}})
    manifest = {"nodes": {n["unique_id"]: n for n in nodes + tests}}
    assert backwards(manifest) == ["int_hitungan reads fct_c", "sel_d reads source k.holds (only staging reads sources)",
                                   "dim_f reads snp_d"]
    assert misplaced(manifest) == ["pub_e: in models/marts/publik/pub_e.sql, not under models/publik/"]
    assert undocumented(manifest) == ["sel_d.id", "dim_f"]
    assert without_grain_test(manifest) == ["dim_f", "fct_h"]
    assert layer_of("int_publik__sel_predikat") == 1 and layer_of("kinerja") is None


def var_period_readers(project) -> list[str]:
    """Files that read dbt var 'period' other than macro bulan_dijalankan (macros/periode.sql): the run's
    month comes from the session (etl/transform.py), so that a new month does not make dbt parse again."""
    import re
    from pathlib import Path

    pattern = re.compile(r"""var\(\s*['"]period['"]""")
    found = []
    for path in sorted(Path(project).rglob("*")):
        if path.suffix not in (".sql", ".yml") or "target" in path.parts or "dbt_packages" in path.parts:
            continue
        hits = len(pattern.findall(path.read_text(encoding="utf-8")))
        allowed = 1 if path.name == "periode.sql" and path.parent.name == "macros" else 0
        if hits > allowed:
            found.append(str(path))
    return found


def test_only_macro_bulan_dijalankan_reads_the_period_var(tmp_path):
    from etl.config import dbt_project_dir

    assert var_period_readers(dbt_project_dir()) == []
    # the rule finds what it names
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "m.sql").write_text("select '{{ var(\"period\") }}'")
    assert var_period_readers(tmp_path) == [str(tmp_path / "models" / "m.sql")]
