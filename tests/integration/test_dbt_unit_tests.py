"""dbt's unit tests alone, the fast way (about half a minute): the raw tables, then seeds, snapshots and
every model built over nothing in this session's own database, then `dbt test --select test_type:unit`.
A dbt unit test reads the column types of its inputs from the warehouse, so the models must exist; no
delivery is needed. tests/e2e/test_kinerja_bulanan.py runs the same tests after a real month.

    .venv/bin/pytest tests/integration/test_dbt_unit_tests.py -q
"""

import json


def test_every_dbt_unit_test_passes_on_an_empty_warehouse(warehouse_url):
    from etl import transform, warehouse
    from etl.config import dbt_target_dir
    from etl.load import ensure_schema

    # as the warehouse's owner, as a run makes them: raw tables made by the server's superuser would leave
    # the loader without the grants the owner's default privileges give, for every later test of the session
    with warehouse.transaction() as owner:
        ensure_schema(owner)
    transform.dbt("build", "--resource-type", "seed", "--resource-type", "snapshot", "--resource-type", "model")
    outcome = transform.dbt("test", "--select", "test_type:unit")
    manifest = json.loads((dbt_target_dir() / "manifest.json").read_text())
    results = json.loads((dbt_target_dir() / "run_results.json").read_text())["results"]
    passed = {r["unique_id"] for r in results if r["unique_id"].startswith("unit_test.") and r["status"] == "pass"}
    assert outcome.failed == 0
    # every unit test of the project ran and passed, the issue-19 ones among them
    assert passed == set(manifest["unit_tests"])
    names = {uid.rsplit(".", 1)[-1] for uid in passed}
    assert {"acting_post_beside_a_definitive_one_is_one_person", "kurva_by_people_at_the_limit_and_over_it",
            "public_distribution_counts_people_not_evaluations", "kepala_unit_predikat_follows_the_unit",
            "pp30_2019_exact_score_and_weights_per_government_and_period", "kurva_most_staff_part_reported_apart",
            "skm_sample_judged_only_where_every_quarter_is_known"} <= names
