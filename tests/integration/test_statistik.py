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


def test_the_raw_tables_own_statistics_are_gathered_when_their_periods_moved_past_the_threshold(own_warehouse):
    """etl.load.analyze_period before dbt: the run's period partition always; periods never analysed
    (a backfill's) once; the raw table's own statistics (ANALYZE ONLY, which opens every partition of
    every month) only past autovacuum's threshold since they were gathered."""
    from etl.load import analyze_period

    with own_warehouse("statistik") as url, psycopg.connect(url, autocommit=True) as conn:
        if conn.info.server_version < 170000:
            pytest.skip("ANALYZE ONLY of a partitioned table needs PostgreSQL 17 or later")
        conn.execute("create schema raw; create table raw.pegawai (_periode text, nip text) partition by list (_periode)")

        def month(label: str) -> None:
            name = "pegawai__" + label.replace("-", "_")
            conn.execute(f"create table raw.{name} partition of raw.pegawai for values in ('{label}')")
            conn.execute(f"insert into raw.{name} select '{label}', i::text from generate_series(1, 1000) as i")

        year = [f"2025-{m:02d}" for m in range(1, 13)]
        for label in year:
            month(label)
        # a backfill's periods, never analysed: each once, then the table's own (never gathered)
        assert analyze_period(conn, None) == [f"pegawai__2025_{m:02d}" for m in range(1, 13)] + ["pegawai"]
        assert analyze_period(conn, None) == []
        month("2026-01")  # 1,000 rows more than the 12,000 counted: under 50 + 1,200
        assert analyze_period(conn, "2026-01") == ["pegawai__2026_01"]
        assert analyze_period(conn, "2026-01") == ["pegawai__2026_01"]  # a retry: the month again, not the table
        month("2026-02")  # 2,000 since: past it
        assert analyze_period(conn, "2026-02") == ["pegawai__2026_02", "pegawai"]
