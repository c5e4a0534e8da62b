"""dbt parses the project once per code version, not once per month (issue 24, dbt's fixed cost): the
run's month reaches the models as the session setting kinerja.bulan (macro bulan_dijalankan), not as a
dbt var, whose change would make dbt parse all of the project again (10-30 s a run here).

    .venv/bin/pytest tests/integration/test_dbt_parse.py -q
"""

import json

import pytest


def _perf_info() -> dict:
    from etl.config import dbt_target_dir

    return json.loads((dbt_target_dir() / "perf_info.json").read_text())


def test_the_next_month_parses_nothing_again(warehouse_url):
    from etl import transform

    transform.dbt("parse", period="2026-08")
    transform.dbt("parse", period="2026-09")
    info = _perf_info()
    assert info["is_partial_parse_enabled"]
    assert info["parsed_path_count"] == 0, f"dbt parsed {info['parsed_path_count']} files again for a new month"


@pytest.mark.parametrize("period", ["2026-09", None])
def test_the_month_reaches_the_compiled_models(warehouse_url, period):
    from etl import transform

    rows = transform.show("select '{{ bulan_dijalankan() }}' as bulan, "
                          "'{{ (periode_dijalankan() or []) | join(\",\") }}' as periode", period=period)
    assert rows == ([("2026-09", "2026-09,2026-Q3")] if period else [("None", "")])


def test_a_month_that_is_not_one_is_refused_before_dbt_runs(warehouse_url):
    from etl import transform

    with pytest.raises(transform.TransformError, match="YYYY-MM"):
        transform.dbt("parse", period="2026-9; drop table x")
