"""Which month a DAG run is about (etl.orchestration), without Airflow."""

from types import SimpleNamespace

import pendulum
import pytest

from etl.orchestration import month_to_consolidate, months_of_events
from etl.settings import ConfigError


def test_the_param_wins_over_the_data_interval():
    start = pendulum.datetime(2026, 3, 1, 2, tz="Asia/Jakarta")
    assert month_to_consolidate({"period": "2026-05"}, start, None) == "2026-05"
    assert month_to_consolidate({}, start, None) == "2026-03"
    assert month_to_consolidate(None, start, None) == "2026-03"


def test_the_data_interval_is_read_in_jakarta_time():
    # 17:00 UTC on the last day of February is already March 1st in Jakarta
    assert month_to_consolidate({}, pendulum.datetime(2026, 2, 28, 17, tz="UTC"), None) == "2026-03"


def test_a_run_without_interval_takes_the_month_before_it():
    run_after = pendulum.datetime(2026, 7, 15, tz="Asia/Jakarta")
    assert month_to_consolidate({"period": None}, None, run_after) == "2026-06"


@pytest.mark.parametrize("bad", ["2026-13", "abc", "2026-1"])
def test_a_malformed_param_is_refused(bad):
    with pytest.raises(ConfigError, match="not of the form YYYY-MM"):
        month_to_consolidate({"period": bad}, None, pendulum.now())


def test_the_months_to_publish_come_from_the_events_and_the_param():
    event = lambda period: SimpleNamespace(extra={"period": period} if period else None)  # noqa: E731
    events = {"kinerja_marts": [event("2026-04"), event("2026-02"), event(None)]}
    assert months_of_events(events, {}) == ["2026-02", "2026-04"]
    assert months_of_events(events, {"period": "2026-03"}) == ["2026-02", "2026-03", "2026-04"]
    assert months_of_events(None, {"period": "2026-01"}) == ["2026-01"]
    with pytest.raises(ConfigError, match="no month to publish"):
        months_of_events({}, {"period": None})
