"""Publishing only what exists (issue 25): a month the marts hold no consolidation of is refused in one
sentence naming the latest consolidated month, before anything is written under open-data/; a
consolidated month passes, and so does republishing it. Against a database of its own on the real
warehouse server, whose marts hold the months the test puts there (etl.publish.CONSOLIDATION_MARTS:
the marts a month's run fills; a quarter counts for its last month)."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from typer.testing import CliRunner


@pytest.fixture
def marts(warehouse_url, monkeypatch):
    """A warehouse whose marts (as etl.publish.consolidated_months reads them) hold months given by
    the test: `marts({mart: months})`."""
    from etl import warehouse
    from etl.publish import CONSOLIDATION_MARTS

    admin = warehouse.admin_url()
    name = f"kinerja_publish_refusal_{os.getpid()}_{uuid.uuid4().hex[:8]}"  # a new one each: bootstrapped anew
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    monkeypatch.setenv("KINERJA_WAREHOUSE_URL", make_conninfo(admin, dbname=name))
    with warehouse.connect(autocommit=True) as conn:  # as the owner, as dbt makes them
        conn.execute("create schema if not exists marts")
        for model, column in CONSOLIDATION_MARTS:
            conn.execute(f'create table marts."{model}" ("{column}" text)')

    def holding(months_by_table: dict[str, list[str]]):
        with warehouse.connect(autocommit=True) as conn:
            for model, _ in CONSOLIDATION_MARTS:
                conn.execute(f'delete from marts."{model}"')
                for month in months_by_table.get(model, []):
                    conn.execute(f'insert into marts."{model}" values (%s)', (month,))

    yield holding
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_a_month_never_consolidated_is_refused_naming_the_latest(marts, tmp_path, monkeypatch):
    from etl.cli import app
    from etl.publish import PublishError, check_publishable, consolidated_months, packages_to_publish

    monkeypatch.setenv("KINERJA_OPEN_DATA_DIR", str(tmp_path / "open-data"))
    marts({"mart_kepatuhan": ["2026-08", "2026-Q3"], "mart_pengaduan_unit": ["2026-10"],
           "mart_waktu_layanan": ["2026"]})  # a quarter counts for its last month; a year's label for none
    assert consolidated_months() == ["2026-08", "2026-09", "2026-10"]
    assert check_publishable("2026-09") == "2026-09"
    with pytest.raises(PublishError, match=r"^2026-11 has no consolidated month in the marts, so there is nothing "
                                           r"to publish; the latest consolidated month is 2026-10$"):
        check_publishable("2026-11")
    with pytest.raises(PublishError, match="2026-07 has no consolidated month"):
        packages_to_publish(["2026-07", "2026-08"])  # the publishing DAG's first task refuses too
    refused = CliRunner().invoke(app, ["publish", "--period", "2026-11"])
    assert refused.exit_code == 1 and refused.stderr.strip() == (
        "error: 2026-11 has no consolidated month in the marts, so there is nothing to publish; "
        "the latest consolidated month is 2026-10"), refused.stderr
    assert not (tmp_path / "open-data").exists()  # nothing written where readers look, not even staging


def test_an_empty_warehouse_says_no_month_is_consolidated(marts):
    from etl.publish import PublishError, check_publishable

    marts({})
    with pytest.raises(PublishError, match=r"no month is consolidated yet \(kinerja run --period YYYY-MM\)$"):
        check_publishable("2026-10")


def test_a_future_month_is_refused_before_the_warehouse_is_asked(monkeypatch):
    from etl.publish import PublishError, check_publishable

    monkeypatch.setenv("KINERJA_WAREHOUSE_URL", "postgresql://nobody@127.0.0.1:1/none")  # never reached
    with pytest.raises(PublishError, match=r"^2031-01 is in the future \(this month is \d{4}-\d{2}\): nothing to publish$"):
        check_publishable("2031-01")
