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


class Browser:
    """Headless Chromium driven over its DevTools protocol, for pages behind a login (the workbench):
    type into fields, click, go to a URL, read the rendered page. One tab; close() ends the browser."""

    def __init__(self, binary: str, profile: Path, size: tuple[int, int] = (1600, 1200)):
        import json
        import re
        import time
        import urllib.request

        from websockets.sync.client import connect

        profile.mkdir(parents=True, exist_ok=True)
        self._folder = profile.parent  # screenshots go beside the profile unless KINERJA_SCREENSHOT_DIR says
        self._process = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", f"--user-data-dir={profile}",
             f"--window-size={size[0]},{size[1]}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline, port = time.monotonic() + BROWSER_TIMEOUT, None
        while port is None and time.monotonic() < deadline:
            line = self._process.stderr.readline()
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line or "")
            if found:
                port = int(found[1])
            elif not line and self._process.poll() is not None:
                break
        if port is None:
            self.close()
            raise RuntimeError("chromium did not open its DevTools port")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            page = next(t for t in json.loads(response.read()) if t["type"] == "page")
        self._socket = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=BROWSER_TIMEOUT)
        self._next = 0
        self._json = json
        self._time = time
        self.send("Page.enable")
        self.send("Runtime.enable")

    def send(self, method: str, **params):
        self._next += 1
        ident = self._next
        self._socket.send(self._json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = self._json.loads(self._socket.recv(timeout=BROWSER_TIMEOUT))
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def goto(self, url: str, settle: float = 0.5) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'")
        self._time.sleep(settle)

    def wait_for(self, condition: str, timeout: float = BROWSER_TIMEOUT) -> None:
        deadline = self._time.monotonic() + timeout
        while self._time.monotonic() < deadline:
            try:
                if self.evaluate(f"Boolean({condition})"):
                    return
            except RuntimeError:
                pass  # the page is between two documents
            self._time.sleep(0.25)
        raise TimeoutError(f"the page never showed {condition!r}: {self.text()[:500]!r}")

    def type_into(self, selector: str, text: str) -> None:
        self.evaluate(f"document.querySelector({self._json.dumps(selector)}).focus()")
        self.send("Input.insertText", text=text)

    def click(self, selector: str) -> None:
        self.evaluate(f"document.querySelector({self._json.dumps(selector)}).click()")

    def text(self) -> str:
        try:
            return self.evaluate("document.body ? document.body.innerText : ''") or ""
        except RuntimeError:
            return ""

    def screenshot(self, name: str) -> Path:
        import base64

        folder = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or self._folder)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        target.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        print(f"\nscreenshot: {target}")
        return target

    def close(self) -> None:
        try:
            self._socket.close()
        except Exception:  # noqa: BLE001 - closing what may never have opened
            pass
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
