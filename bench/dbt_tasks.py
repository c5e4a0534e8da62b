"""dbt as one task per model against the month's single build (issue 23 item 6): what the per-model
view of the Airflow UI would cost.

astronomer-cosmos, in its local execution mode, renders a dbt project's manifest as a task per
model (`dbt run --select <model>`) followed by a task for that model's tests (`dbt test --select
<model>`, its default TestBehavior.AFTER_EACH), seeds and snapshots likewise; every task is a dbt
invocation of its own. This measures exactly those invocations, in this process through the product's
own dbt wrapper (etl.transform.dbt: the same vars, sessions and target), for a sample of the project's
models, and the month's single `dbt build` (etl.transform.build) on the same warehouse; the per-model
total is extrapolated from the sample's mean per model to every model of the manifest. Airflow's own
cost per task (scheduling, a process, its log) is not counted: the figure is the per-model view's
lower bound.

    .venv/bin/python -m bench.dbt_tasks 2026-09 [models sampled, default 12]
"""

from __future__ import annotations

import json
import statistics
import sys
import time

from etl import transform
from etl.config import dbt_target_dir


def manifest_nodes() -> dict[str, list[str]]:
    """The project's nodes by resource type (from dbt's manifest, as cosmos reads it)."""
    manifest = json.loads((dbt_target_dir() / "manifest.json").read_text(encoding="utf-8"))
    nodes: dict[str, list[str]] = {}
    for node in manifest["nodes"].values():
        if node["package_name"] == manifest["metadata"].get("project_name", node["package_name"]):
            nodes.setdefault(node["resource_type"], []).append(node["name"])
    return {kind: sorted(names) for kind, names in nodes.items()}


def measure(period: str, sample: int = 12) -> dict:
    started = time.perf_counter()
    transform.build(period)
    single = time.perf_counter() - started
    nodes = manifest_nodes()
    models = nodes.get("model", [])
    step = max(1, len(models) // sample)
    chosen = models[::step][:sample]
    per_model = []
    for model in chosen:
        run_started = time.perf_counter()
        transform.dbt("run", "--select", model, period=period)
        run_seconds = time.perf_counter() - run_started
        test_started = time.perf_counter()
        try:
            transform.dbt("test", "--select", model, "--exclude-resource-type", "unit_test", period=period)
        except transform.TransformError:
            pass  # a failing data test is a result, not the measurement's concern
        per_model.append((model, run_seconds, time.perf_counter() - test_started))
    mean = statistics.mean(r + t for _, r, t in per_model)
    return {
        "period": period,
        "single_build_seconds": round(single, 1),
        "models": len(models), "tests": len(nodes.get("test", [])), "seeds": len(nodes.get("seed", [])),
        "snapshots": len(nodes.get("snapshot", [])),
        "sampled": [{"model": m, "run_seconds": round(r, 2), "test_seconds": round(t, 2)} for m, r, t in per_model],
        "per_model_mean_seconds": round(mean, 2),
        "per_model_total_seconds": round(mean * len(models), 1),
        "ratio": round(mean * len(models) / single, 2),
    }


if __name__ == "__main__":
    figures = measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12)
    print(json.dumps(figures, indent=2))
