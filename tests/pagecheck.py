"""Looking at a page in headless Chromium, for the browser tests: its DOM after rendering, the marks
of its charts, and a screenshot kept for a person to look at (in $KINERJA_SCREENSHOT_DIR when set,
else beside the page)."""

from __future__ import annotations

import os
import subprocess
from html.parser import HTMLParser
from pathlib import Path

BROWSER_TIMEOUT = 60


class Marks(HTMLParser):
    """Per chart (its data-chart name), how many of each mark (tag.class) its svg holds, and the
    tooltips (<title>) of its marks in order."""

    def __init__(self):
        super().__init__()
        self.charts: dict[str, dict[str, int]] = {}
        self.titles: dict[str, list[str]] = {}
        self._chart = None
        self._name = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "chart" in (attrs.get("class") or "").split():
            self._name = attrs.get("data-chart")
            self._chart = self.charts.setdefault(self._name, {})
            self.titles.setdefault(self._name, [])
        elif self._chart is not None and tag == "title":
            self._in_title = True
        elif self._chart is not None and attrs.get("class"):
            key = f"{tag}.{attrs['class']}"
            self._chart[key] = self._chart.get(key, 0) + 1

    def handle_data(self, data):
        if self._in_title:
            self.titles[self._name].append(data)

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "svg":
            self._chart = None


def chromium(binary: str, page: Path, size: tuple[int, int], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
         f"--user-data-dir={page.parent / 'profile'}", f"--window-size={size[0]},{size[1]}", *args,
         page.as_uri()],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT)


def screenshot(binary: str, page: Path, size: tuple[int, int], name: str) -> Path:
    folder = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or page.parent)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.unlink(missing_ok=True)
    done = chromium(binary, page, size, f"--screenshot={target}")
    if not target.exists():  # some builds write nothing under the old headless mode
        done = chromium(binary, page, size, "--headless=new", f"--screenshot={target}")
    assert target.exists(), f"chromium wrote no screenshot:\n{done.stderr[-2000:]}"
    print(f"\nscreenshot of {page} at {size[0]} px: {target}")
    return target
