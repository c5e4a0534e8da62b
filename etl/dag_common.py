"""What the two DAG files share: the marts Asset, the retry settings, the period Param and check.

dags/kinerja_bulanan.py updates the Asset `MARTS` (its transform task) with the month in the
event's extra; dags/kinerja_publikasi.py is scheduled on it. Both take every piece from here, so
the Asset's name (etl.orchestration.MARTS_ASSET_NAME), the retries and the period's form are
written once.

Imported at the top of the DAG files, so it stays light: Airflow's SDK, pendulum, and the
product's settings and orchestration (no pandas, no GX, no dbt). Which month a run is about is
plain functions in etl/orchestration.py, tested without Airflow (tests/unit/test_orchestration.py).
"""

from __future__ import annotations

import importlib

import pendulum
from airflow.sdk import Asset, BaseNotifier, Param

from etl.orchestration import (  # noqa: F401 (the period check the DAG files' tasks call, re-exported)
    MARTS_ASSET_NAME, MARTS_ASSET_URI, JAKARTA, month_to_consolidate, months_of_events,
)
from etl.settings import PERIOD_RE, environment

START = pendulum.datetime(2026, 1, 1, tz=JAKARTA)

# the marts of a month are updated (the event's extra names the month)
MARTS = Asset(name=MARTS_ASSET_NAME, uri=MARTS_ASSET_URI)

# RETRIES and RETRY_DELAY: the retries of the tasks that talk to agencies, the warehouse or the
# open-data folder (KINERJA_TASK_RETRIES=0 for quick local runs): each is safe to run again (a batch id
# follows from its content, a load replaces its period, dbt rebuilds what it builds, a package is built
# aside and swapped in whole), so an agency's API down or the warehouse restarting costs a retry, not
# the month. Read from the environment each time a DAG file imports them (module __getattr__), not
# once per process: a DAG file is parsed again for each run, and takes the environment of that run.
def __getattr__(name: str):
    if name == "RETRIES":
        return environment().task_retries
    if name == "RETRY_DELAY":
        return pendulum.duration(seconds=environment().retry_delay_seconds)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# a month, YYYY-MM: the form etl.settings.check_period accepts
PERIOD_PATTERN = PERIOD_RE.pattern


def year_param(description: str) -> Param:
    """kinerja_tahunan's `year` param: empty, or a year YYYY."""
    return Param(None, type=["null", "string"], pattern=r"^[0-9]{4}$", description=description)


def period_param(description: str) -> Param:
    """The DAG's `period` param: empty, or a month YYYY-MM."""
    return Param(None, type=["null", "string"], pattern=PERIOD_PATTERN, description=description)


class MonthNotifier(BaseNotifier):
    """kinerja_bulanan's notifier (issue 23 item 4): when the month's run ends — on_failure_callback,
    and on_success_callback with `run_failed=False` —, one message per refused delivery, per delivery
    owed and missing and, when the run failed, per government it could not take in, by e-mail and
    webhook, each sent once (etl.notifiers.month_ended, etl/notify.py; docs/notifications.md).

    The DAG file builds it at every parse, which must stay light (no database driver, no agencies
    file: tests/integration/test_dag_integrity.py), so what it calls is named like an entry point,
    `module:function`, and imported when it fires."""

    def __init__(self, run_failed: bool = True, target: str = "etl.notifiers:month_ended"):
        super().__init__()
        self.run_failed = run_failed
        self.target = target

    def render_template_fields(self, context, jinja_env=None) -> None:
        """Nothing to render (no template fields); `dag.test` hands DAG callbacks its serialized DAG,
        which has no Jinja environment to render with."""

    def notify(self, context) -> None:
        module, _, name = self.target.partition(":")
        getattr(importlib.import_module(module), name)(context, self.run_failed)
