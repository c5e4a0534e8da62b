"""kinerja_publikasi: a month's open-data package, when that month's marts are updated.

Thin wiring: scheduled on the Airflow Asset `kinerja_marts`, which kinerja_bulanan's transform
updates with the month in its event. Publishes every month of the events that triggered the
run (a backfill may queue several), or the `period` param of a manual run, and every later month
already published (its trend table shows the earlier months: a corrected re-delivery changes
them); each month through `etl.publish.publish` — built aside, scanned for personal data, audited
with the months before it for what its numbers tell of the withheld ones, swapped in — one at a
time, oldest first (`kinerja publish --period` does one month from the command line).
The Asset, the retries and the period param come from etl.dag_common, as kinerja_bulanan's do.
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from etl.dag_common import MARTS, RETRIES, RETRY_DELAY, START, months_of_events, period_param


@task
def months_to_publish() -> list[str]:
    """The months of the triggering Asset events, else the `period` param; and every later month
    already published, whose trend table shows them (etl.publish.packages_to_publish)."""
    from etl.publish import packages_to_publish

    context = get_current_context()
    return packages_to_publish(months_of_events(context.get("triggering_asset_events"), context["params"]))


# one month at a time, oldest first (the months come sorted; the scheduler starts mapped tasks in
# index order): each month's disclosure audit reads the packages before it as finally published
@task(map_index_template="{{ period }}", retries=RETRIES, retry_delay=RETRY_DELAY, max_active_tis_per_dagrun=1)
def publish(period: str) -> list[dict]:
    from etl.publish import publish as write_open_data

    get_current_context()["period"] = period
    return write_open_data(period)


@dag(
    dag_id="kinerja_publikasi",
    schedule=[MARTS],
    start_date=START,
    catchup=False,
    max_active_runs=1,
    tags=["kinerja", "open-data"],
    params={"period": period_param(
        "Month to publish (YYYY-MM) on a manual run; Asset-triggered runs take it from the events.")},
    doc_md=__doc__,
)
def kinerja_publikasi():
    publish.expand(period=months_to_publish())


dag = kinerja_publikasi()
