"""kinerja_bulanan: the monthly consolidation of every configured government.

Thin wiring: every task calls a function of the `etl` package. First the month's deliveries are
checked (etl.delivery_calendar: what each government owes is recorded in the audit; a government
with nothing delivered is named in one line by every_agency_delivered, not failed stage by stage).
Per agency with something delivered (dynamic task mapping over config/agencies.yml) extract ->
validate -> load, each visible on its own; one agency's failure does not stop the others. Then dbt builds the marts and the public tables and the
month's validation report is written. The transform task updates the Airflow Asset
`kinerja_marts` with the month in its event; the DAG kinerja_publikasi, scheduled on that
Asset, publishes the month's open data. Before the build, a sample of the month's small
deliveries GX did not judge is validated again with GX on every row (rejudge, etl.rejudge); a
disagreement fails the run (gx_agrees) naming the rows. When the run ends, MonthNotifier tells the
data team of each refused or missing delivery and of a failed run, once (docs/notifications.md).

Scheduled on the 1st of each month at 02:00 Asia/Jakarta for the previous month (the data
interval spans that month), with catchup for backfills. A person can run any month with the
`period` param (YYYY-MM); `kinerja run --period` does exactly that, in-process. The Asset, the
retries and the period param come from etl.dag_common, as kinerja_publikasi's do.
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task, task_group
from airflow.timetables.interval import CronDataIntervalTimetable

from etl.dag_common import (
    JAKARTA, MARTS, RETRIES, RETRY_DELAY, START, MonthNotifier, month_to_consolidate, period_param,
)


@task
def resolve_period() -> str:
    """The month to consolidate: the `period` param, else the month of the data interval."""
    context = get_current_context()
    return month_to_consolidate(context["params"], context.get("data_interval_start"),
                                context["dag_run"].run_after)


@task
def check_deliveries(period: str) -> dict:
    """Which governments have anything delivered for the month (each connector's cheap look), with
    what each owes recorded in the audit for the delivery calendar (etl.delivery_calendar)."""
    from etl.delivery_calendar import check_month

    return check_month(period).__dict__


@task
def configured_agencies(checked: dict) -> list[str]:
    """The governments the run maps over: those with something delivered."""
    return checked["delivering"]


@task(map_index_template="{{ agency_kode }}", retries=RETRIES, retry_delay=RETRY_DELAY)
def extract(agency_kode: str, period: str) -> list[dict]:
    from etl import pipeline

    get_current_context()["agency_kode"] = agency_kode
    return pipeline.extract(agency_kode, period)


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
def per_agency(agency_kode: str, period: str):
    load(validate(extract(agency_kode, period)))


@task(trigger_rule="all_done", retries=RETRIES, retry_delay=RETRY_DELAY)
def rejudge(period: str) -> list[str]:
    """A sample of the month's small deliveries GX did not judge, validated again with GX on every row
    (etl.rejudge): each verdict in audit.batch; a disagreement fails this task naming the rows."""
    from etl import rejudge as again

    return [verdict.sentence() for verdict in again.rejudge_month(period)]


@task(trigger_rule="one_failed", retries=0)
def gx_agrees() -> None:
    """Marks the run failed when the re-judge found GX disagreeing (or could not run it), after the
    marts were built: its task log and audit.batch name the rows."""
    raise RuntimeError("the month's re-judge with GX on every row failed: see the task rejudge's log and "
                       "audit.batch.gx_rejudge_result")


@task(trigger_rule="all_done", outlets=[MARTS], retries=RETRIES, retry_delay=RETRY_DELAY)
def transform(period: str, *, outlet_events=None) -> dict:
    """dbt build, whatever happened to single agencies: the others' data must still reach the marts.
    Success updates the marts Asset with the month, which triggers kinerja_publikasi."""
    from etl import pipeline

    outcome = pipeline.build(period).__dict__
    outlet_events[MARTS].extra = {"period": period}
    return outcome


@task(trigger_rule="all_done", retries=RETRIES, retry_delay=RETRY_DELAY)
def validation_report(period: str) -> str:
    """The month's validation report (static HTML): every batch, its gate, its rules, its quarantine."""
    from etl.validate import report

    return str(report.render(period))


@task(trigger_rule="one_failed", retries=0)
def every_agency_loaded() -> None:
    """Marks the run failed when an agency's extract, validate or load failed, after the others were
    loaded and published: the run must not look complete while a government's month is missing."""
    raise RuntimeError(
        "at least one agency's extract, validate or load failed (see its red tasks in the agency group); "
        "the other agencies were loaded and published, and a rerun of this month completes the rest"
    )


@task(trigger_rule="all_done", retries=0)
def every_agency_delivered(checked: dict) -> None:
    """Marks the run failed when a government delivered nothing for the month, one line each (the
    delivery calendar shows it missing); the others were loaded and published."""
    from etl.delivery_calendar import MonthCheck

    nothing = MonthCheck(**checked).sentences()
    if nothing:
        raise RuntimeError("; ".join(nothing))


@dag(
    dag_id="kinerja_bulanan",
    schedule=CronDataIntervalTimetable("0 2 1 * *", timezone=JAKARTA),
    start_date=START,
    catchup=True,
    max_active_runs=1,
    tags=["kinerja", "skm"],
    params={"period": period_param("Month to consolidate (YYYY-MM). Empty: the month of the data interval.")},
    doc_md=__doc__,
    # one message per refused or missing delivery, and per government a failed run left out (etl.notifiers)
    on_failure_callback=MonthNotifier(run_failed=True),
    on_success_callback=MonthNotifier(run_failed=False),
)
def kinerja_bulanan():
    period = resolve_period()
    checked = check_deliveries(period)
    loaded = per_agency.partial(period=period).expand(agency_kode=configured_agencies(checked))
    built = transform(period)
    judged = rejudge(period)
    loaded >> judged >> built
    judged >> gx_agrees()
    loaded >> validation_report(period)
    loaded >> every_agency_loaded()
    loaded >> every_agency_delivered(checked)


dag = kinerja_bulanan()
