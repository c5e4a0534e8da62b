"""A command under a pseudo-terminal, and the screen it leaves: what a person at the terminal sees.

`run_in_pty` starts a command with a pty as its stdin, stdout and stderr (so it believes it is on a
terminal), reads everything it writes until it exits, and `Screen` replays the bytes as a terminal
would for the controls rich's live display uses: carriage return, line feed, cursor up (CSI n A),
erase line (CSI 2K / CSI K), colours and cursor show/hide (ignored). The screen keeps every line
scrolled past, so the test reads the final frame of the progress board and the summary under it;
`frames` counts how often the board was redrawn (cursor moved up)."""

from __future__ import annotations

import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
import fcntl
from dataclasses import dataclass, field

CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\x1b[()][A-Z0-9]|\x1b[=>]|\x1b\][^\x07]*\x07")


@dataclass
class Screen:
    lines: list[list[str]] = field(default_factory=lambda: [[]])
    row: int = 0
    col: int = 0
    redraws: int = 0

    def feed(self, text: str) -> None:
        position = 0
        for match in CSI.finditer(text):
            self._write(text[position:match.start()])
            self._control(match.group(1) or "", match.group(2) or "")
            position = match.end()
        self._write(text[position:])

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\r":
                self.col = 0
            elif char == "\n":
                self.row += 1
                self.col = 0
                while len(self.lines) <= self.row:
                    self.lines.append([])
            elif char in "\x07\x08":
                self.col = max(0, self.col - 1) if char == "\x08" else self.col
            else:
                line = self.lines[self.row]
                while len(line) < self.col:
                    line.append(" ")
                if self.col < len(line):
                    line[self.col] = char
                else:
                    line.append(char)
                self.col += 1

    def _control(self, args: str, final: str) -> None:
        count = int(args) if args.isdigit() else 1
        if final == "A":  # cursor up
            self.row = max(0, self.row - count)
            self.redraws += 1
        elif final == "B":
            self.row += count
            while len(self.lines) <= self.row:
                self.lines.append([])
        elif final == "K":  # erase in line (2: the whole line; none or 0: to its end)
            line = self.lines[self.row]
            if args == "2":
                line.clear()
            elif args in ("", "0"):
                del line[self.col:]
        elif final == "G":  # cursor to column
            self.col = max(0, count - 1)
        # m (colours), h/l (modes such as the cursor's visibility), J: nothing to keep

    def text(self) -> str:
        return "\n".join("".join(line).rstrip() for line in self.lines).rstrip("\n")


@dataclass
class PtyRun:
    returncode: int
    raw: str
    screen: Screen
    seconds: float


def run_in_pty(args: list[str], env: dict, cwd=None, timeout: float = 900, columns: int = 160,
               rows: int = 60) -> PtyRun:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.monotonic()
    process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env={**env, "TERM": "xterm-256color",
                               "COLUMNS": str(columns), "LINES": str(rows)}, cwd=cwd, start_new_session=True)
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            if time.monotonic() - started > timeout:
                process.kill()
                raise TimeoutError(f"{args} ran longer than {timeout} s")
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the other side closed (Linux: EIO)
                    break
                if not data:
                    break
                chunks.append(data)
            elif process.poll() is not None:
                break
    finally:
        os.close(master)
    returncode = process.wait(timeout=60)
    raw = b"".join(chunks).decode("utf-8", errors="replace")
    screen = Screen()
    screen.feed(raw)
    return PtyRun(returncode, raw, screen, time.monotonic() - started)
