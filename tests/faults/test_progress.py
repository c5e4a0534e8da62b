"""`kinerja run` on a terminal shows the month's progress live (issue 23 item 1): a test drives it
under a pseudo-terminal and reads the screen a person would see — per government the extract,
validate and load with their deliveries, rows and seconds, then dbt's nodes as they finish, redrawn
while the run goes on, and the summary under the last frame. Off a terminal (a pipe) the same
command prints the summary alone.

The month is the demo world's, in a warehouse of its own, run by the real `kinerja` command in a
process of its own."""

from __future__ import annotations

import re
import subprocess

import pytest
from faultkit import KINERJA, PERIOD, PROJECT_DIR
from screen import run_in_pty

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

GOVERNMENTS = ("JAMBI", "KEPAHIANG", "LAMPUNG", "PAUH", "WANGGAR")
BOARD_TITLE = f"kinerja_bulanan {PERIOD}"


def test_kinerja_run_on_a_terminal_shows_live_progress_and_quiet_off_it(places, demo_world):
    place = places("progress")
    env = place.environ()

    piped = subprocess.run([KINERJA, "run", "--period", PERIOD], env=env, cwd=PROJECT_DIR, capture_output=True,
                           text=True, timeout=900)
    assert piped.returncode == 0, piped.stderr[-2000:]
    assert BOARD_TITLE not in piped.stdout and "dbt:" not in piped.stdout and "\x1b[" not in piped.stdout
    assert f"Batches for {PERIOD}" in piped.stdout  # the summary alone

    shown = run_in_pty([KINERJA, "run", "--period", PERIOD], env=env, cwd=PROJECT_DIR)
    screen = shown.screen.text()
    assert shown.returncode == 0, screen[-3000:]
    assert shown.screen.redraws > 5, "the board was drawn once, not live"
    lines = screen.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith(BOARD_TITLE))
    summary = next(i for i, line in enumerate(lines) if f"Batches for {PERIOD}" in line)
    assert top < summary, "the summary comes under the board's last frame"
    board = lines[top:summary]
    assert re.match(rf"{BOARD_TITLE} — \d+ s$", board[0]), board[0]
    header = next(line for line in board if "government" in line)
    assert re.search(r"government\W+extract\W+validate\W+load", header), header
    for kode in GOVERNMENTS:  # every government's three stages done: deliveries, rows, seconds
        row = next((line for line in board if re.match(rf"\W*{kode}\b", line)), None)
        assert row is not None, (kode, board)
        assert len(re.findall(r"✓ \d+ file\(s\)", row)) == 3, row
        assert re.search(r"✓ \d+ file\(s\), [\d,]+ rows(, [\d,]+ quar\.)?, [\d.]+ s\W+✓ \d+ file\(s\), [\d,]+ rows", row), row
    dbt = next(line for line in board if line.startswith("dbt: "))
    nodes = int(re.match(r"dbt: (\d+) node\(s\) done, \d+ s", dbt).group(1))
    assert nodes > 50, dbt
    finished = [line for line in board if re.match(r"\s+(success|pass)\s+(model|test|seed|snapshot) \S+ in [\d.]+ s", line)]
    assert finished, board
