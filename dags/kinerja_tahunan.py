"""kinerja_tahunan: the yearly run, the annual evaluations (evaluasi kinerja tahunan) of a year.

Thin wiring: every task calls a function of the `etl` package (etl/tahunan.py says what each does).
Per government whose agencies file names `evaluasi_tahunan` and that delivered the year (dynamic
task mapping): extract -> validate -> load, the stages of a month's deliveries with the year as the
period, so every batch balances as a month's do; one government's failure does not stop the others.
Then dbt builds the annual marts and public tables (the models tagged `tahunan`), and the year's
open-data package is published (open-data/<YYYY>/, after the privacy scan and the disclosure audit).

Scheduled on 5 January at 03:00 Asia/Jakarta for the year before (the data interval spans that year),
after the year's December has been consolidated by kinerja_bulanan. A person can run any year with
the `year` param (YYYY); `kinerja run --year` does exactly that, in-process.
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task, task_group
from airflow.timetables.interval import CronDataIntervalTimetable

from etl.dag_common import JAKARTA, RETRIES, RETRY_DELAY, START, year_param


@task
def resolve_year() -> str:
    """The year to consolidate: the `year` param, else the year of the data interval."""
    from etl.tahunan import year_to_consolidate

    context = get_current_context()
    return year_to_consolidate(context["params"], context.get("data_interval_start"), context["dag_run"].run_after)


@task
def configured_agencies(year: str) -> list[str]:
    """The governments with annual evaluations delivered for the year."""
    from etl.tahunan import delivering_agencies as delivering

    return delivering(year)


@task(map_index_template="{{ agency_kode }}", retries=RETRIES, retry_delay=RETRY_DELAY)
def extract(agency_kode: str, year: str) -> list[dict]:
    from etl import pipeline

    get_current_context()["agency_kode"] = agency_kode
    return pipeline.extract(agency_kode, year)


@task(map_index_template="{{ agency_kode }}", retries=RETRIES, retry_delay=RETRY_DELAY)
def validate(landed: list[dict]) -> list[dict]:
    from etl import pipeline

    get_current_context()["agency_kode"] = landed[0]["agency"] if landed else "-"
    return pipeline.validate(landed)


@task(map_index_template="{{ agency_kode }}", retries=RETRIES, retry_delay=RETRY_DELAY)
def load(validated: list[dict]) -> list[dict]:
    from etl import pipeline

    get_current_context()["agency_kode"] = validated[0]["batch"]["agency"] if validated else "-"
    return pipeline.load(validated)


@task_group(group_id="agency")
def per_agency(agency_kode: str, year: str):
    load(validate(extract(agency_kode, year)))


@task(trigger_rule="all_done", retries=RETRIES, retry_delay=RETRY_DELAY)
def transform(year: str) -> dict:
    """dbt builds the annual marts and public tables, whatever happened to single governments."""
    from etl.tahunan import build_year

    return build_year(year).__dict__


@task(retries=RETRIES, retry_delay=RETRY_DELAY)
def publish(year: str) -> list[dict]:
    """The year's open-data package (the privacy scan and the disclosure audit first)."""
    from etl.publish.tahunan import publish_year

    return publish_year(year).files


@task(trigger_rule="one_failed", retries=0)
def every_agency_loaded() -> None:
    """Marks the run failed when a government's extract, validate or load failed (the others were loaded)."""
    raise RuntimeError(
        "at least one government's annual evaluations failed to extract, validate or load (see its red tasks "
        "in the agency group); the others were loaded, and a rerun of the year completes the rest"
    )


@dag(
    dag_id="kinerja_tahunan",
    schedule=CronDataIntervalTimetable("0 3 5 1 *", timezone=JAKARTA),
    start_date=START,
    catchup=True,
    max_active_runs=1,
    tags=["kinerja", "tahunan"],
    params={"year": year_param("Year to consolidate (YYYY). Empty: the year of the data interval.")},
    doc_md=__doc__,
)
def kinerja_tahunan():
    year = resolve_year()
    loaded = per_agency.partial(year=year).expand(agency_kode=configured_agencies(year))
    built = transform(year)
    loaded >> built >> publish(year)
    loaded >> every_agency_loaded()


dag = kinerja_tahunan()
