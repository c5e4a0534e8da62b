"""The simulator as a process of its own, for the Airflow scheduler's workers and the demo.

`start_process` starts `python -m demo.simulator` detached (it outlives the command that
started it, like the embedded warehouse) unless one is already serving; `stop_process` stops it.
The running server is described by a state file (url, pid, data folder), by default
`.kinerja/simulator/simulator.json`; the server writes it once it listens and removes it on exit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from etl.config import PROJECT_DIR, home, sources_dir
from etl.sources import siasn_contract as contract

DEFAULT_PORT = 8765


class SimulatorError(RuntimeError):
    """The simulator process could not be started."""


def state_path() -> Path:
    return home() / "simulator" / "simulator.json"


def running(state_file: Path | None = None) -> dict | None:
    """{"url", "pid", "dataDir"} of the simulator the state file names, if it answers as that process."""
    path = Path(state_file or state_path())
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        with urllib.request.urlopen(info["url"] + contract.HEALTH_PATH, timeout=2) as response:
            health = json.loads(response.read())
    except (OSError, ValueError, KeyError, urllib.error.URLError):
        return None
    return info if health.get("pid") == info.get("pid") else None


def start_process(data_dir: Path | None = None, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                  state_file: Path | None = None, faults: dict | None = None, timeout: float = 30.0) -> str:
    """Start the simulator detached (or reuse the one serving the same folder); returns its URL."""
    data = Path(data_dir or sources_dir()).resolve()
    path = Path(state_file or state_path())
    current = running(path)
    if current:
        if Path(current["dataDir"]) == data:
            return current["url"]
        raise SimulatorError(f"a simulator (pid {current['pid']}) already serves {current['dataDir']}; stop it first")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    log_path = path.with_suffix(".log")
    command = [sys.executable, "-m", "demo.simulator", "--data", str(data), "--host", host,
               "--port", str(port), "--state-file", str(path)]
    if faults:
        command += ["--faults", json.dumps(faults)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   cwd=PROJECT_DIR, env=env, start_new_session=True)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise SimulatorError(f"the simulator exited with {process.returncode}: {' | '.join(tail)} (log: {log_path})")
        info = running(path)
        if info:
            return info["url"]
        time.sleep(0.1)
    process.terminate()
    raise SimulatorError(f"the simulator did not answer within {timeout:.0f} s (log: {log_path})")


def stop_process(state_file: Path | None = None, timeout: float = 10.0) -> bool:
    """Stop the simulator the state file names. Returns False when none was running."""
    path = Path(state_file or state_path())
    info = running(path)
    if info is None:
        path.unlink(missing_ok=True)
        return False
    pid = int(info["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)
    path.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:  # reap it if this process started it
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
