"""The yearly run: a year's annual evaluations (evaluasi kinerja tahunan, domain.md §1.6), from
every government that delivers them, through the same stages as a month's deliveries, then the
annual marts and the year's open-data package.

The DAG kinerja_tahunan (dags/kinerja_tahunan.py, thin wiring) and `kinerja run --year` call these
functions; Airflow is not needed to test them.

- which year: the `year` param, else the year before the run's data interval ends (the DAG runs in
  January for the year before: year_to_consolidate);
- which governments: those whose agencies file names the entity `evaluasi_tahunan` (delivering_agencies),
  each one's delivery found by its own connector in the year's place (`{period}` = YYYY: the year's
  folder, the API's `rw-skp22?periode=YYYY`, the application's rows of the year);
- extract, validate and load are etl.pipeline's, with the year as the period: etl.config.due_period
  gives the annual entity, and only it, for a year; a batch balances (received = loaded + quarantined)
  as every batch does;
- build: dbt builds the models tagged `tahunan` (fct_evaluasi_tahunan, the annual curve, the annual
  predikat against the periodic ones, angka kredit, the public annual tables) and the seeds they read,
  over the marts the monthly runs built (build_year);
- publish: open-data/<YYYY>/ (etl.publish.tahunan), after the privacy scan and the disclosure audit.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pendulum

from etl import load, transform, warehouse
from etl.config import ConfigError, load_agencies
from etl.load.schema import period_partition
from etl.sources import connector_for

log = logging.getLogger(__name__)

ENTITY = "evaluasi_tahunan"
YEAR_RE = re.compile(r"^[0-9]{4}$", re.ASCII)  # ASCII digits only: not ２０２６
JAKARTA = "Asia/Jakarta"


def check_year(year: str, today: dt.date | None = None) -> str:
    """A year the yearly run can consolidate: YYYY, not after this year (ConfigError otherwise)."""
    text = str(year or "")
    if not YEAR_RE.match(text):
        raise ConfigError(f"the year must be YYYY in ASCII digits (as 2026), not {text}")
    this_year = (today or dt.date.today()).year
    if int(text) > this_year:
        raise ConfigError(f"the year {text} is in the future (this year is {this_year})")
    return text


def year_to_consolidate(params: dict | None, data_interval_start=None, run_after=None) -> str:
    """kinerja_tahunan's year: the `year` param, else the year of the data interval's start (the
    yearly schedule's interval spans the year before the run), else the year before the run."""
    chosen = (params or {}).get("year")
    if chosen:
        return check_year(str(chosen))
    if data_interval_start is not None:
        return f"{pendulum.instance(data_interval_start).in_timezone(JAKARTA).year:04d}"
    return f"{pendulum.instance(run_after).in_timezone(JAKARTA).year - 1:04d}"


def delivering_agencies(year: str) -> list[str]:
    """The governments whose agencies file names the annual entity and whose connector finds a
    delivery of the year (a connector without a cheap look is asked by its fetch)."""
    found = []
    for agency in load_agencies():
        if ENTITY not in agency.entities:
            continue
        source, connector = connector_for(agency, ENTITY)
        look = getattr(connector, "probe", None)
        if look is None or look(agency, source, ENTITY, year):
            found.append(agency.kode)
        else:
            log.warning("%s: nothing delivered for %s %s", agency.kode, ENTITY, year)
    return found


def analyze_year(year: str) -> None:
    """Planner statistics of the year's raw partition before dbt reads it (etl.load.analyze_period's reason)."""
    name = period_partition(ENTITY, year)
    with warehouse.connect(autocommit=True) as conn:
        if conn.execute("select to_regclass(%s) is not null", (f"raw.{name}",)).fetchone()[0]:
            conn.execute(f'analyze raw."{name}"')


def build_year(year: str, unit_tests: bool = False) -> transform.DbtOutcome:
    """The annual marts and public tables: dbt builds the models tagged `tahunan` and the seeds
    upstream of them (the periodic marts they compare with are the monthly runs')."""
    with warehouse.transaction() as owner:
        load.ensure_schema(owner)
    analyze_year(year)
    select = ["tag:tahunan", "+tag:tahunan,resource_type:seed"]
    extra = [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    return transform.dbt("build", "--select", *select, *extra)
