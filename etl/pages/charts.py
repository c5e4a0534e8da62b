"""The charts' geometry: where each mark of the pages' inline SVG charts goes.

The charts are drawn in two halves. Here, in Python, the arithmetic: positions that run down the
chart as rows are added, widths on a 0-100 scale, the runs of a trend line, the height of the
viewBox. In templates/charts.html.j2 the marks themselves and their words (labels, tooltips,
captions, legends), from what these functions return; no template does arithmetic and no word is
written here. So the numbers are computed once, in the order and with the floats the pages have
always used (the same tables draw the same bytes), and the text stays editable and escaped with
the rest of the page.

Every chart is WIDTH units wide (on a phone one unit is about one CSS pixel); its height grows with
its rows. Each function takes the rows of a chart in the order they are drawn and returns them with
their positions: a row stays the dict it was, for the template to take its values and words from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 400
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    """A line of a chart's grid, its label and where the label is anchored."""
    start: Point
    end: Point
    label: int
    label_at: Point
    anchor: str


def scale(left: float, width: float, top: float, bottom: float) -> list[Tick]:
    """Vertical lines at 0, 25, 50, 75 and 100 of a horizontal 0-100 scale, labelled above."""
    ticks = []
    for tick in TICKS:
        x = left + width * tick / 100
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        ticks.append(Tick(Point(x, top), Point(x, bottom), tick, Point(x, top - 4), anchor))
    return ticks


def _heading(y: float, shown: bool) -> tuple[Point | None, float]:
    """Where a group's heading goes when it is `shown`, and the y below it."""
    return (Point(0, y + 15), y + 22) if shown else (None, y)


@dataclass
class Group:
    """A group of a chart's rows (an instansi's units, say), under its heading when it has one."""
    key: object
    heading_at: Point | None
    rows: list


def _on_scale(width: float, value) -> float:
    """The length of `value` (0-100, more is cut at 100) on a bar `width` long."""
    return width * min(float(value), 100.0) / 100


# --------------------------------------------------------------------------- stacked 100 % bars

@dataclass
class Segment:
    cell: dict
    box: Box
    value_at: Point | None  # where its share is written on the bar; None: too narrow to hold it


@dataclass
class StackedBar:
    name: str
    label_at: Point
    segments: list[Segment]
    hatch: Box | None  # the withheld cells together, as wide as the shown shares leave of 100 %
    withheld: list[dict]  # the cells without a share
    rest: float  # the share the hatch stands for


@dataclass
class StackedBars:
    bars: list[StackedBar]
    height: float


def stacked_bars(bars: list[tuple[str, list[dict]]], share: str) -> StackedBars:
    """One 100 % bar per (name, cells): a segment per cell with a `share`, in the cells' order, then
    one segment for the cells without one."""
    drawn, y = [], 0.0
    for name, cells in bars:
        top, height, x, segments = y + 20, 24, 0.0, []
        for cell in cells:
            value = cell[share]
            if value is None:
                continue
            width = min(float(value) / 100 * WIDTH, WIDTH - x)
            if width <= 0:
                continue
            at = Point(x + width / 2, top + height / 2 + 4) if width >= 42 else None
            segments.append(Segment(cell, Box(x, top, width, height), at))
            x += width
        withheld = [cell for cell in cells if cell[share] is None]
        hatch = Box(x, top, WIDTH - x, height) if withheld and x < WIDTH else None
        drawn.append(StackedBar(name, Point(0, y + 14), segments, hatch, withheld, 100 * (WIDTH - x) / WIDTH))
        y += 56
    return StackedBars(drawn, y - 8)


# --------------------------------------------------------------------------- bars on a 0-100 scale, a row each

@dataclass
class BarRow:
    item: dict
    label_at: Point
    bar: Box | None  # None: no value; its note is written at value_at
    value_at: Point


@dataclass
class BarRows:
    groups: list[Group]  # of BarRow
    height: float
    grid: list[Tick]


def bar_rows(groups: list[tuple[object, list[dict]]], value: str, headings: bool) -> BarRows:
    """A labelled bar per item of each group (under the group's heading when `headings`), its
    `value` written beside it."""
    left, bar_w, top = 0.0, WIDTH - 84.0, 16.0
    drawn, y = [], top
    for key, items in groups:
        heading, y = _heading(y, headings)
        rows = []
        for item in items:
            if item[value] is None:
                bar, at = None, Point(0, y + 31)
            else:
                width = _on_scale(bar_w, item[value])
                bar, at = Box(left, y + 18, width, 17), Point(left + width + 5, y + 31)
            rows.append(BarRow(item, Point(0, y + 13), bar, at))
            y += 42
        drawn.append(Group(key, heading, rows))
    return BarRows(drawn, y, scale(left, bar_w, top, y))


# --------------------------------------------------------------------------- a few bars per item

@dataclass
class Measure:
    name: str
    bar: Box | None  # None: no value; the measure's name is written at value_at
    value_at: Point


@dataclass
class MeasuredItem:
    item: dict
    label_at: Point
    measures: list[Measure]  # empty: no measure has a value; the note is at note_at
    note_at: Point | None


@dataclass
class MeasuredBars:
    groups: list[Group]  # of MeasuredItem
    height: float
    grid: list[Tick]


def measured_bars(groups: list[tuple[object, list[dict]]], measures: list[str], headings: bool) -> MeasuredBars:
    """Per item a thin bar for each of `measures` (0-100), under its label; per group a heading
    when `headings`."""
    bar_w, y = WIDTH - 58.0, 16.0
    drawn = []
    for key, items in groups:
        heading, y = _heading(y, headings)
        placed = []
        for item in items:
            label, y = Point(0, y + 13), y + 18
            if all(item[m] is None for m in measures):
                placed.append(MeasuredItem(item, label, [], Point(0, y + 11)))
                y += 16
            else:
                bars = []
                for m in measures:
                    if item[m] is None:
                        bars.append(Measure(m, None, Point(0, y + 10)))
                    else:
                        width = _on_scale(bar_w, item[m])
                        bars.append(Measure(m, Box(0, y, width, 11), Point(width + 4, y + 10)))
                    y += 14
                placed.append(MeasuredItem(item, label, bars, None))
            y += 10
        drawn.append(Group(key, heading, placed))
    return MeasuredBars(drawn, y - 6, scale(0, bar_w, 16.0, y - 6))


# --------------------------------------------------------------------------- lines over months

@dataclass
class Series:
    key: object
    index: int  # its place among the series: its colour
    paths: list[list[Point]]  # a path per run of two or more consecutive months with a value
    points: list[tuple[Point, str, float]]  # (where, month, value) per month with a value


@dataclass
class Lines:
    grid: list[tuple[Point, Point, int, Point]]  # (start, end, percent, label_at): a horizontal line per tick
    month_labels: list[tuple[Point, str]]
    series: list[Series] = field(default_factory=list)
    height: float = 0.0


def lines(months: list[str], series: list[tuple[object, dict]]) -> Lines:
    """A line per (key, {month: value or None}) over `months` on a 0-100 scale; a month without a
    value breaks the line, and a lone value is a point only. At most five months are labelled,
    the last (the period's) always among them."""
    left, right, top, bottom = 44.0, WIDTH - 28.0, 10.0, 200.0  # room for a centred month label at each end
    step = (right - left) / (len(months) - 1) if len(months) > 1 else 0.0

    def x_of(month: str) -> float:
        return left + step * months.index(month) if len(months) > 1 else (left + right) / 2

    def y_of(value) -> float:
        return bottom - (bottom - top) * min(max(float(value), 0.0), 100.0) / 100

    grid = [(Point(left, y_of(t)), Point(right, y_of(t)), t, Point(left - 5, y_of(t) + 4)) for t in TICKS]
    every = math.ceil(len(months) / 5)
    labels = [(Point(x_of(m), bottom + 18), m) for i, m in enumerate(months) if (len(months) - 1 - i) % every == 0]
    drawn = []
    for index, (key, values) in enumerate(series):
        points = [(m, values.get(m)) for m in months]
        paths, run = [], []
        for month, value in points + [(None, None)]:
            if value is None:
                if len(run) > 1:
                    paths.append(run)
                run = []
            else:
                run.append(Point(x_of(month), y_of(value)))
        marks = [(Point(x_of(m), y_of(v)), m, v) for m, v in points if v is not None]
        drawn.append(Series(key, index, paths, marks))
    return Lines(grid, labels, drawn, bottom + 26)
