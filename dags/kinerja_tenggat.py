"""kinerja_tenggat: the daily deadline check of the deliveries (issue 23 item 4).

Thin wiring: one task asks etl.notifiers for every delivery the agencies file says a government owes
for the last months whose deadline (the government's `deadline_day` of the month after the period)
has passed with nothing delivered, and sends one message per government, entity and period, by
e-mail and webhook, once (etl/notify.py: a message already sent is not sent again, so the check may
run every day; the monthly run's own notifier and this one never say the same thing twice).

Daily at 08:00 Asia/Jakarta, no catchup (a missed day is covered by the next: it looks at the
last months, not at the day). The `day` param checks as of another day (YYYY-MM-DD).
"""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task
from airflow.timetables.trigger import CronTriggerTimetable

from etl.dag_common import JAKARTA, RETRIES, RETRY_DELAY, START


@task(retries=RETRIES, retry_delay=RETRY_DELAY)
def overdue_deliveries() -> dict:
    import datetime as dt

    from etl import notifiers

    context = get_current_context()
    chosen = context["params"].get("day")
    day = dt.date.fromisoformat(chosen) if chosen else context["dag_run"].run_after.date()
    sent = notifiers.check_overdue(day)
    if sent.failed:
        raise RuntimeError(f"{len(sent.failed)} notification(s) could not be sent: " + "; ".join(sent.failed[:5]))
    return {"sent": len(sent.sent), "sent_before": sent.already}


@dag(
    dag_id="kinerja_tenggat",
    schedule=CronTriggerTimetable("0 8 * * *", timezone=JAKARTA),
    start_date=START,
    catchup=False,
    max_active_runs=1,
    tags=["kinerja", "notifikasi"],
    params={"day": Param(None, type=["null", "string"], pattern=r"^\d{4}-\d{2}-\d{2}$",
                         description="Check as of this day (YYYY-MM-DD). Empty: the run's day.")},
    doc_md=__doc__,
)
def kinerja_tenggat():
    overdue_deliveries()


dag = kinerja_tenggat()
