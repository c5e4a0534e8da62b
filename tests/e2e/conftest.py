"""The consolidated demo world every end-to-end module reads: three months of kinerja_bulanan,
run once per test session in calendar order, as the monthly schedule would."""

import pytest

MONTHS = ("2026-08", "2026-09", "2026-10")


@pytest.fixture(scope="session")
def first_run(warehouse_url, demo_world):
    """Each month's run, in calendar order: month -> (dag run, its failed tasks)."""
    from etl import orchestration

    runs = {}
    for month in MONTHS:
        dag_run = orchestration.run_period(month)
        runs[month] = dag_run, orchestration.failed_tasks(dag_run)
    return runs
