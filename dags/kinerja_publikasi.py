"""kinerja_publikasi: a month's open-data package, when that month's marts are updated.

Thin wiring: scheduled on the Airflow Asset `kinerja_marts`, which kinerja_bulanan's transform
updates with the month in its event. Publishes every month of the events that triggered the
run (a backfill may queue several), or the `period` param of a manual run, and every later month
already published (its trend table shows the earlier months: a corrected re-delivery changes
them); each month through `etl.publish.publish` — built aside, scanned for personal data, audited
with the months before it for what its numbers tell of the withheld ones, swapped in — one at a
time, oldest first (`kinerja publish --period` does one month from the command line).
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

# the marts of a month are updated (etl.orchestration.MARTS_ASSET_NAME; the event's extra names the month)
MARTS = Asset(name="kinerja_marts", uri="kinerja://warehouse/marts")
# as kinerja_bulanan's: publishing again is safe (the package is built aside and swapped in whole)
RETRIES = int(os.environ.get("KINERJA_TASK_RETRIES", "2"))
RETRY_DELAY = pendulum.duration(seconds=int(os.environ.get("KINERJA_RETRY_DELAY_SECONDS", "60")))


@task
def months_to_publish() -> list[str]:
    """The months of the triggering Asset events, else the `period` param; and every later month
    already published, whose trend table shows them (etl.publish.packages_to_publish)."""
    from etl.publish import packages_to_publish

    context = get_current_context()
    months = {(event.extra or {}).get("period")
              for events in (context.get("triggering_asset_events") or {}).values() for event in events}
    chosen = (context["params"] or {}).get("period")
    months = (months | {chosen}) - {None}
    if not months:
        raise ValueError("no month to publish: neither an Asset event with a period nor the `period` param")
    return packages_to_publish(sorted(months))


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
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Jakarta"),
    catchup=False,
    max_active_runs=1,
    tags=["kinerja", "open-data"],
    params={
        "period": Param(
            None,
            type=["null", "string"],
            pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
            description="Month to publish (YYYY-MM) on a manual run; Asset-triggered runs take it from the events.",
        )
    },
    doc_md=__doc__,
)
def kinerja_publikasi():
    publish.expand(period=months_to_publish())


dag = kinerja_publikasi()
