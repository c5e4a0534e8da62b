"""Live progress of a run on the terminal (issue 23 item 1): per government and stage (extract,
validate, load) the deliveries, rows and elapsed time, then dbt's models as they finish.

The stages already log what they did through the standard logging module (each delivery landed,
validated, loaded; each dbt model finished); the records that matter here carry a `progress` dict
in their `extra` (`event(...)` makes it). `show(console)` hangs a handler on the package's logger and the root logger
(Airflow's logging set-up may replace the root's handlers; a record is counted once) that updates a
Board, and draws the board with rich's Live on the terminal, a few times a second, until the block
ends: the last frame stays on the screen, and the command prints its summary under it. When the
console is not a terminal nothing is drawn and no handler is added: the command's output is the
summary alone, as before.

Nothing here reads a row: the records carry names, counts and seconds (docs/performance.md).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

STAGES = ("extract", "validate", "load")
MODELS_SHOWN = 6  # the latest dbt nodes shown under the governments


def event(stage: str, agency: str | None = None, *, entity: str | None = None, rows: int | None = None,
          quarantined: int | None = None, seconds: float | None = None, state: str = "done",
          name: str | None = None) -> dict:
    """The `extra` of a log record that moves the progress board: a stage of a government (or of
    dbt: `name` the node) started, finished one delivery (entity, rows), was refused or failed."""
    return {"progress": {"stage": stage, "agency": agency, "entity": entity, "rows": rows,
                         "quarantined": quarantined, "seconds": seconds, "state": state, "name": name}}


@dataclass
class Cell:
    """One government's stage: deliveries done, rows, quarantined, refused, seconds, and its state."""

    started: float | None = None
    state: str = "waiting"  # waiting | running | done | refused | failed
    deliveries: int = 0
    rows: int = 0
    quarantined: int = 0
    refused: int = 0
    seconds: float = 0.0

    def text(self, now: float) -> Text:
        if self.state == "waiting":
            return Text("·", style="dim")
        took = self.seconds if self.state != "running" else max(self.seconds, now - (self.started or now))
        parts = [f"{self.deliveries} file(s)" if self.deliveries else "", f"{self.rows:,} rows" if self.rows else "",
                 f"{self.quarantined:,} quar." if self.quarantined else "", f"{self.refused} refused" if self.refused else "",
                 f"{took:.1f} s"]
        style = {"running": "yellow", "done": "green", "refused": "red", "failed": "bold red"}[self.state]
        mark = {"running": "… ", "done": "✓ ", "refused": "✗ ", "failed": "✗ "}[self.state]
        return Text(mark + ", ".join(p for p in parts if p), style=style)


@dataclass
class Board:
    """What the run has done so far, fed by log records (ProgressHandler) and drawn by rich."""

    title: str
    started: float = field(default_factory=time.monotonic)
    cells: dict[str, dict[str, Cell]] = field(default_factory=dict)
    models_done: int = 0
    models_failed: int = 0
    models_seconds: float = 0.0
    models_started: float | None = None
    running_model: str | None = None
    latest: deque = field(default_factory=lambda: deque(maxlen=MODELS_SHOWN))
    other: dict[str, str] = field(default_factory=dict)  # later stages (re-judge, report, publish): a line each
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, progress: dict) -> None:
        with self.lock:
            stage, agency, now = progress["stage"], progress.get("agency"), time.monotonic()
            if stage == "dbt":
                self._dbt(progress, now)
            elif stage in STAGES and agency:
                cell = self.cells.setdefault(agency, {s: Cell() for s in STAGES})[stage]
                cell.started = cell.started or now
                state = progress.get("state") or "done"
                if progress.get("entity"):  # one delivery of the stage: done or refused
                    cell.deliveries += 1
                    cell.rows += progress.get("rows") or 0
                    cell.quarantined += progress.get("quarantined") or 0
                    cell.refused += state == "refused"
                    cell.state = "running"
                    cell.seconds = now - cell.started
                elif state == "start":  # (again, on a retry: the stage starts over)
                    self.cells[agency][stage] = Cell(started=now, state="running")
                else:  # the stage ended for the government: finished or failed, with its own time
                    cell.seconds = progress["seconds"] if progress.get("seconds") is not None else now - cell.started
                    cell.state = "failed" if state == "failed" else ("refused" if cell.refused else "done")
            else:
                self.other[stage] = progress.get("name") or progress.get("state") or ""

    def step(self, text: str) -> None:
        """A line of what a longer command (a backfill) is doing now."""
        with self.lock:
            self.other["now"] = text

    def _dbt(self, progress: dict, now: float) -> None:
        self.models_started = self.models_started or now
        if progress.get("state") == "start":
            self.running_model = progress.get("name")
            return
        self.models_done += 1
        failed = progress.get("state") in ("error", "fail", "failed")
        self.models_failed += failed
        self.models_seconds = now - self.models_started
        rows = progress.get("rows")
        self.latest.append((progress.get("name"), progress.get("state"), progress.get("seconds"), rows))

    def __rich__(self) -> Group:
        now = time.monotonic()
        with self.lock:
            table = Table(title=f"{self.title} — {now - self.started:.0f} s", title_justify="left", expand=False)
            table.add_column("government")
            for stage in STAGES:
                table.add_column(stage)
            for agency in sorted(self.cells):
                table.add_row(agency, *(self.cells[agency][s].text(now) for s in STAGES))
            parts: list = [table]
            if self.models_started is not None:
                parts.append(Text(f"dbt: {self.models_done} node(s) done"
                                  + (f", {self.models_failed} failed" if self.models_failed else "")
                                  + f", {self.models_seconds:.0f} s"
                                  + (f"; running {self.running_model}" if self.running_model else ""),
                                  style="red" if self.models_failed else "cyan"))
                for name, state, seconds, rows in self.latest:
                    rows_text = f", {rows:,} rows" if rows else ""
                    took = f" in {seconds:.2f} s" if seconds is not None else ""
                    parts.append(Text(f"  {state:<7} {name}{took}{rows_text}",
                                      style="red" if state in ("error", "fail") else ""))
            for stage, what in self.other.items():
                parts.append(Text(f"{stage}: {what}", style="cyan"))
            return Group(*parts)


class ProgressHandler(logging.Handler):
    """Feeds the board with the records that carry a `progress` dict (event())."""

    def __init__(self, board: Board):
        super().__init__(logging.INFO)
        self.board = board

    def emit(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        if isinstance(progress, dict) and getattr(record, "_on_board", None) is not self.board:
            record._on_board = self.board  # hung on two loggers: counted once
            try:
                self.board.update(progress)
            except Exception:  # noqa: BLE001 - the display never breaks the run
                self.handleError(record)


@contextlib.contextmanager
def show(console: Console, title: str) -> Iterator[Board | None]:
    """The live board on `console` while the block runs (None, and nothing drawn, off a terminal)."""
    if not console.is_terminal:
        yield None
        return
    board = Board(title)
    handler = ProgressHandler(board)
    # on the package's logger (Airflow's logging set-up, when the run imports it, replaces the root
    # logger's handlers) and on the root logger (where records arrive whatever a task does to the others)
    root = logging.getLogger()
    etl = logging.getLogger("etl")
    saved = etl.level
    root.addHandler(handler)
    etl.addHandler(handler)
    if etl.getEffectiveLevel() > logging.INFO:
        etl.setLevel(logging.INFO)  # the stages' records must reach the handler
    live = Live(board, console=console, refresh_per_second=4, transient=False, redirect_stdout=False,
                redirect_stderr=False)
    live.start()
    try:
        yield board
    finally:
        live.refresh()
        live.stop()
        root.removeHandler(handler)
        etl.removeHandler(handler)
        etl.setLevel(saved)
