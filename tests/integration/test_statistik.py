"""Issue 24, the history: what dbt's statistics post-hook analyses after an incremental model's month
(macros/statistik.sql) and when a partitioned fact's own statistics are gathered again
(macros/partisi_periode.sql). A whole ANALYZE computes every column's statistics from a sample of up to
30,000 rows, so with 24 months behind a table it cost a quarter of a second per large table and month;
the rule is autovacuum's (changes since the last whole analysis above 50 + 10 % of the rows), decided at
once, and below it the columns that carry the period are analysed, so the month just written is known to
the planner. The decisions are read through `dbt show` as dbt's own session makes them (as the owner,
which alone may read the change counters), over tables made here.

    .venv/bin/pytest tests/integration/test_statistik.py -q
"""

import time

import psycopg
import pytest

TABLE = "public.statistik_uji"


def _changed(url: str, statement: str, changes_since_analysis: int) -> None:
    """`statement` in a session of its own, then waits until the server's statistics count the table's
    changes since its last whole analysis as given (a backend reports its counters when it ends or idles)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(100):
            found = conn.execute("select n_mod_since_analyze from pg_stat_user_tables where relid = %s::regclass",
                                 (TABLE,)).fetchone()[0]
            if found == changes_since_analysis:
                return
            time.sleep(0.1)
    raise AssertionError(f"the statistics count {found} changes, not {changes_since_analysis}")


def _decision(sql: str) -> str:
    from etl import transform

    relation = "api.Relation.create(database=target.database, schema='public', identifier='statistik_uji')"
    rows = transform.show("select $${{ " + sql.replace("R", relation) + " }}$$ as sql")
    return " ".join(str(rows[0][0]).split())


@pytest.fixture
def scratch(warehouse_url):
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(f"drop table if exists {TABLE}")
        yield conn
        conn.execute(f"drop table if exists {TABLE}")


def test_an_incremental_table_is_analysed_whole_past_autovacuums_threshold_else_by_its_period(warehouse_url, scratch):
    _changed(warehouse_url, f"create table {TABLE} as select to_char(date '2025-01-01' + (i % 20) * interval "
             "'1 month', 'YYYY-MM') as periode, i as nilai from generate_series(1, 20000) as i", 20000)
    _changed(warehouse_url, f"analyze {TABLE}", 0)
    # a new month of 5 % of the rows: the period column only (the one named that the table has)
    _changed(warehouse_url, f"insert into {TABLE} select '2026-09', i from generate_series(1, 1000) as i", 1000)
    decision = _decision("analisis_bertahap(R, ['periode', 'bulan', 'tidak_ada'])")
    assert decision == 'analyze "{0}"."public"."statistik_uji" (periode)'.format(
        scratch.execute("select current_database()").fetchone()[0]), decision
    # the column analysis leaves the change count as it was: 1,000 + 1,500 pass 50 + 10 % of 21,000 (1,500 alone would not)
    _changed(warehouse_url, f"analyze {TABLE} (periode)", 1000)
    _changed(warehouse_url, f"insert into {TABLE} select '2026-10', i from generate_series(1, 1500) as i", 2500)
    assert _decision("analisis_bertahap(R, ['periode'])").endswith('"statistik_uji"'), "not analysed whole"
    # analysed whole, the count starts again; a table never analysed is analysed whole
    _changed(warehouse_url, f"analyze {TABLE}", 0)
    assert _decision("analisis_bertahap(R, ['periode'])").endswith("(periode)")
    scratch.execute(f"create table {TABLE}_baru (periode text)")
    try:
        assert _decision("analisis_bertahap(R.incorporate(path={'identifier': 'statistik_uji_baru'}), "
                         "['periode'])").endswith('"statistik_uji_baru"')
    finally:
        scratch.execute(f"drop table {TABLE}_baru")


def test_a_partitioned_facts_own_statistics_are_gathered_when_its_partitions_grew_past_the_threshold(scratch):
    scratch.execute(f"create table {TABLE} (periode text, nilai int) partition by list (periode)")

    def partition(month: str, rows: int) -> None:
        name = f"{TABLE}__{month.replace('-', '_')}"
        scratch.execute(f"create table {name} partition of {TABLE} for values in ('{month}')")
        scratch.execute(f"insert into {name} select '{month}', i from generate_series(1, {rows}) as i")
        scratch.execute(f"analyze {name}")

    for month in ("2026-01", "2026-02"):
        partition(month, 5000)
    assert _decision("partisi_statistik_usang(R)") == "True"  # never gathered
    scratch.execute(f"analyze only {TABLE}")
    assert _decision("partisi_statistik_usang(R)") == "False"
    partition("2026-03", 900)  # 9 % more rows than the table's statistics counted
    assert _decision("partisi_statistik_usang(R)") == "False"
    partition("2026-04", 300)  # 12 % in all since
    assert _decision("partisi_statistik_usang(R)") == "True"
