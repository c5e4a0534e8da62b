"""The Airflow side of the notifications (issue 23 item 4): what kinerja_bulanan's notifier (Airflow
3's BaseNotifier, etl.dag_common.MonthNotifier) says when the month's run ends, and the daily
deadline check's sending (dags/kinerja_tenggat.py).

The channels come from Airflow connections, so the secrets stay in Airflow's connection store
(or its secrets backend, or `AIRFLOW_CONN_*` variables):

  kinerja_smtp     the SMTP server: host, port, login and password (none: no login); extra
                   {"from": "...", "to": ["...", ...] or "a@x, b@y", "starttls": true|false}
  kinerja_webhook  a chat tool's incoming webhook: its URL in extra {"url": "..."}, or as the
                   connection's own URI (`https://host/path...`); KINERJA_NOTIFY_WEBHOOK_URL when
                   the connection is absent

What is said, and sending each message once, is etl/notify.py (no Airflow there). This module
reaches the warehouse, so the DAG files never import it at parse time: the notifier names it by
reference and imports it when it fires, the daily task inside its body.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from airflow.sdk import BaseHook
from airflow.sdk.exceptions import AirflowNotFoundException, AirflowRuntimeError

from etl import notify
from etl.orchestration import month_to_consolidate

log = logging.getLogger(__name__)

SMTP_CONNECTION = "kinerja_smtp"
WEBHOOK_CONNECTION = "kinerja_webhook"


def _connection(conn_id: str):
    """The Airflow connection, or None where it is not defined."""
    try:
        return BaseHook.get_connection(conn_id)
    except (AirflowNotFoundException, AirflowRuntimeError):  # outside a task; inside one
        log.info("no Airflow connection %s", conn_id)
        return None


def _extra(conn) -> dict:
    raw = conn.extra or "{}"
    try:
        return raw if isinstance(raw, dict) else json.loads(raw)
    except ValueError:
        return {}


def channels() -> list:
    """The configured channels: e-mail from kinerja_smtp, the webhook from kinerja_webhook or the setting."""
    found: list = []
    smtp = _connection(SMTP_CONNECTION)
    if smtp is not None:
        extra = _extra(smtp)
        to = extra.get("to") or []
        recipients = [a.strip() for a in (to.split(",") if isinstance(to, str) else to) if a.strip()]
        if recipients and smtp.host:
            found.append(notify.Smtp(smtp.host, int(smtp.port or 25), extra.get("from") or f"kinerja@{smtp.host}",
                                     recipients, smtp.login or None, smtp.password or None,
                                     str(extra.get("starttls", "false")).lower() in ("1", "true", "yes")))
        else:
            log.warning("Airflow connection %s has no host or no recipients (extra 'to'): no e-mail sent",
                        SMTP_CONNECTION)
    hook = _connection(WEBHOOK_CONNECTION)
    if hook is not None:
        url = _extra(hook).get("url")
        if not url and hook.host:
            scheme = hook.conn_type if hook.conn_type in ("http", "https") else "https"
            host = hook.host if "://" in hook.host else f"{scheme}://{hook.host}{f':{hook.port}' if hook.port else ''}"
            url = f"{host.rstrip('/')}/{hook.schema}" if hook.schema else host
        if url:
            found.append(notify.Webhook(url))
    elif (setting := notify.webhook_from_settings()) is not None:
        found.append(setting)
    return found


def _month(context) -> str:
    run = context["dag_run"]
    params = dict(context.get("params") or {}) | dict(getattr(run, "conf", None) or {})
    return month_to_consolidate(params, getattr(run, "data_interval_start", None), run.run_after)


def month_ended(context, run_failed: bool) -> notify.Sent:
    """What kinerja_bulanan's notifier (etl.dag_common.MonthNotifier, its on_failure_callback and
    on_success_callback) says once the month's run has ended: one message per refused delivery, per
    delivery owed and missing, and, when the run failed, per government it could not take in (or for
    the run as a whole), each sent once (etl.notify)."""
    month = _month(context)
    failing = context.get("task_instance") or context.get("ti")  # the task whose failure ended the run
    messages = notify.month_items(month, run_failed=run_failed, stage=getattr(failing, "task_id", None))
    done = notify.deliver(messages, channels())
    log.info("kinerja_bulanan %s: %d notification(s) sent, %d sent before", month, len(done.sent), done.already)
    return done


def check_overdue(day: dt.date) -> notify.Sent:
    """The daily deadline check (dags/kinerja_tenggat.py): every delivery owed whose deadline passed
    with nothing come, told once."""
    return notify.deliver(notify.overdue_items(day), channels())
