"""Airflow 2 idioms (schedule_interval, Dataset, execution_date ...) break on Airflow 3: ruff's AIR3
rules find them. Pyflakes (F) finds undefined names and unused imports. The demo (demo/) and the
benchmark (bench/) are held to the same rules as the product."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_airflow2_idioms_and_no_pyflakes_errors():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the test extras (pip install -e '.[test]')"
    done = subprocess.run([ruff, "check", "--preview", "--select", "AIR3,F", "dags", "etl", "demo", "bench", "tests"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
