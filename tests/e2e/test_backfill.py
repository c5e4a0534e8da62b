"""`kinerja backfill` over months the monthly runs already consolidated: it changes nothing in the
marts and the public tables (checksums of every table), republishes every month, and the latest
month's report, opened in headless Chromium, shows what a first look needs: a trend point for every
consolidated month, the last ended quarter's IKM, the IKU and training charts, and every government
by its name. The screenshot is kept ($KINERJA_SCREENSHOT_DIR, else the test's folder)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pagecheck
import pytest

from etl import backfill, warehouse
from etl.config import load_agencies, open_data_dir

SCREEN = (1100, 9000)
MONTHS = ("2026-08", "2026-09", "2026-10")  # the months of the session's world (tests/e2e/conftest.py)


# what a backfill may change, because it did happen: the reconciliation counts each look at a delivery
# (attempts), times the latest one and says when its rows were last (re)loaded; the ledger is
# append-only, so a reload is recorded, not hidden
ATTEMPT_COLUMNS = {"marts.mart_rekonsiliasi": ("attempts", "detik_total", "loaded_at")}


def checksums() -> dict[str, str]:
    """Every table of marts and publik: its row count and an md5 over its rows in a fixed order."""
    sums = {}
    with warehouse.connect() as conn:
        tables = conn.execute("select schemaname, tablename from pg_tables where schemaname in ('marts', 'publik') "
                              "order by 1, 2").fetchall()
        for schema, table in tables:
            row = "(to_jsonb(t)" + "".join(f" - '{c}'" for c in ATTEMPT_COLUMNS.get(f"{schema}.{table}", ())) + ")::text"
            sums[f"{schema}.{table}"] = conn.execute(
                f"select count(*) || ':' || coalesce(md5(string_agg({row}, '|' order by {row})), '') "
                f'from "{schema}"."{table}" t').fetchone()[0]
    return sums


def column_sums(table: str) -> dict[str, str]:
    """Per column of `table`, an md5 over its values in a fixed order: which columns a change touched."""
    schema, name = table.split(".")
    with warehouse.connect() as conn:
        columns = [r[0] for r in conn.execute("select column_name from information_schema.columns where "
                                              "table_schema = %s and table_name = %s", (schema, name))]
        return {c: conn.execute(f'select md5(string_agg(coalesce("{c}"::text, \'~\'), \'|\' order by batch_id)) '
                                f'from "{schema}"."{name}"').fetchone()[0] for c in columns}


def attempts() -> dict[str, int]:
    with warehouse.connect() as conn:
        return dict(conn.execute("select batch_id, attempts from marts.mart_rekonsiliasi").fetchall())


@pytest.fixture(scope="module")
def backfilled(first_run):
    assert tuple(first_run) == MONTHS
    before, tried, columns = checksums(), attempts(), column_sums("marts.mart_rekonsiliasi")
    result = backfill.backfill(MONTHS[0], MONTHS[-1])
    touched = sorted(c for c, v in column_sums("marts.mart_rekonsiliasi").items() if columns.get(c) != v)
    return before, result, checksums(), tried, attempts(), touched


def test_a_backfill_over_loaded_months_changes_nothing(backfilled):
    before, result, after, tried, tried_after, touched = backfilled
    assert len(before) > 20, "marts and publik hold the models' tables"
    # the reload is in the ledger: the same batches, each looked at once more
    assert tried_after.keys() == tried.keys()
    assert sum(tried_after.values()) > sum(tried.values())
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    assert changed == [], f"the backfill changed {changed} (columns of the reconciliation: {touched})"
    assert result.months == list(MONTHS)
    assert result.published == list(MONTHS)
    assert {(o.agency, o.period) for o in result.outcomes} == {
        (agency.kode, month) for agency in load_agencies() for month in MONTHS}


def test_a_backfill_refuses_a_range_that_makes_no_sense():
    with pytest.raises(backfill.BackfillError, match="after"):
        backfill.months_between("2026-10", "2026-08")
    with pytest.raises(backfill.BackfillError, match="at most"):
        backfill.months_between("2000-01", "2026-10")
    with pytest.raises(backfill.BackfillError, match="unknown government"):
        backfill.backfill(MONTHS[0], MONTHS[0], agencies=["ATLANTIS"])


def _text(dom: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom))


def test_the_latest_report_shows_the_year_so_far_in_a_browser(backfilled, chromium, tmp_path):
    page = tmp_path / "index.html"
    shutil.copy(open_data_dir() / MONTHS[-1] / "index.html", page)
    done = pagecheck.chromium(chromium, page, SCREEN, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    marks = pagecheck.Marks()
    marks.feed(done.stdout)
    text = _text(done.stdout)
    # every section has its chart (none says it has no data)
    assert {"distribusi", "ikm", "kepatuhan", "tren", "iku", "pelatihan", "pengaduan"} <= set(marks.charts)
    assert "Tidak ada data untuk periode ini" not in text
    # the trend: a point in every consolidated month
    pointed = {m.group(1) for title in marks.titles["tren"] if (m := re.search(r" · (\d{4}-\d{2}): ", title))}
    assert pointed == set(MONTHS)
    # the IKM of the last quarter ended by the month (October: the third quarter), labelled with it
    last_quarter = f"{MONTHS[-1][:4]}-Q{(int(MONTHS[-1][5:]) - 1) // 3}"
    assert f"triwulan {last_quarter}" in text
    assert marks.charts["ikm"].get("rect.bar", 0) > 0
    # every government by its name, none by its bare code as a chart label
    for agency in load_agencies():
        assert agency.nama in text, f"{agency.kode} is not shown by its name"
    labels = [t for t in marks.titles["pengaduan"]]
    assert not any(t.split(":")[0].strip() in {a.kode for a in load_agencies()} for t in labels)
    shot = pagecheck.screenshot(chromium, page, SCREEN, f"report-{MONTHS[-1]}.png")
    assert Path(shot).stat().st_size > 50_000
