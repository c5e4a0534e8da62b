"""The progress board (etl/progress.py) from log records alone: a stage's deliveries, rows and seconds
per government, a refusal and a failure, dbt's nodes as they finish; nothing drawn off a terminal."""

from __future__ import annotations

import io
import logging

from rich.console import Console

from etl import progress

log = logging.getLogger("etl.pipeline")


def _screen(board: progress.Board) -> str:
    out = io.StringIO()
    Console(file=out, width=160, color_system=None).print(board)
    return out.getvalue()


def test_the_board_follows_the_stages_records():
    board = progress.Board("kinerja_bulanan 2026-09")
    handler = progress.ProgressHandler(board)
    logger = logging.getLogger("etl")
    logger.addHandler(handler)
    saved = logger.level
    logger.setLevel(logging.INFO)
    try:
        log.info("start", extra=progress.event("extract", "PAUH", state="start"))
        log.info("one", extra=progress.event("extract", "PAUH", entity="pegawai", seconds=0.1))
        log.info("two", extra=progress.event("extract", "PAUH", entity="rhk", seconds=0.2))
        log.info("end", extra=progress.event("extract", "PAUH", seconds=0.3, state="finished"))
        log.info("v", extra=progress.event("validate", "PAUH", entity="pegawai", rows=25, quarantined=1))
        log.info("v", extra=progress.event("validate", "PAUH", entity="rhk", rows=1200, state="refused"))
        log.info("v", extra=progress.event("validate", "PAUH", seconds=1.5, state="finished"))
        log.info("x", extra=progress.event("extract", "LAMPUNG", state="failed"))
        log.info("d", extra=progress.event("dbt", name="model fct_evaluasi_kinerja", state="success", seconds=1.25,
                                           rows=1234))
        log.info("d", extra=progress.event("dbt", name="test unique_x", state="fail", seconds=0.1))
        log.info("no progress here")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved)
    screen = _screen(board)
    assert screen.startswith("kinerja_bulanan 2026-09 — ")
    pauh = next(line for line in screen.splitlines() if "PAUH" in line)
    assert "✓ 2 file(s), 0.3 s" in pauh and "✗ 2 file(s), 1,225 rows, 1 quar., 1 refused, 1.5 s" in pauh
    lampung = next(line for line in screen.splitlines() if "LAMPUNG" in line)
    assert "✗" in lampung
    assert "dbt: 2 node(s) done, 1 failed" in screen
    assert "success model fct_evaluasi_kinerja in 1.25 s, 1,234 rows" in screen
    assert "fail    test unique_x in 0.10 s" in screen


def test_nothing_is_drawn_off_a_terminal():
    out = io.StringIO()
    root = logging.getLogger()
    before = list(root.handlers)
    with progress.show(Console(file=out), "kinerja_bulanan 2026-09") as board:
        assert board is None and root.handlers == before
        log.warning("x", extra=progress.event("extract", "PAUH", entity="pegawai"))
    assert out.getvalue() == ""
