"""The workbench's install (etl/workbench.install) with uv, for real: a virtual environment made by
`uv venv` from the pipeline's base interpreter and a requirements file installed into it by `uv pip
install`. The requirements here are one small wheel built by the test (no network), in place of
Superset's pins; the same function installs Superset (tests/e2e/test_workbench.py drives that one)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from etl import workbench

NAME, VERSION = "kinerja_probe", "1.0"


def _wheel(folder: Path) -> Path:
    """A minimal pure-Python wheel (PEP 427): a module, its dist-info, and a console script named
    `superset` (what `installed()` looks for) that prints the module's answer."""
    path = folder / f"{NAME}-{VERSION}-py3-none-any.whl"
    info = f"{NAME}-{VERSION}.dist-info"
    files = {f"{NAME}/__init__.py": "ANSWER = 42\n\n\ndef main():\n    print(ANSWER)\n",
             f"{info}/entry_points.txt": f"[console_scripts]\nsuperset = {NAME}:main\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: kinerja-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in {**files, f"{info}/RECORD": record}.items():
            wheel.writestr(name, text)
    return path


@pytest.fixture
def probe_install(tmp_path, monkeypatch):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"{_wheel(tmp_path)}\n")
    monkeypatch.setenv("KINERJA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setattr(workbench, "REQUIREMENTS", requirements)
    return requirements


def test_the_install_uses_uv_when_the_pipeline_has_it(probe_install):
    assert workbench.uv_bin(), "uv is a dependency of the pipeline (pyproject.toml): it must be found"
    seconds = workbench.install()
    assert seconds > 0
    venv = workbench.venv()
    assert (venv / ".installer").read_text().strip() == "uv"
    assert "installing requirements.txt with uv" in (venv.parent / "install.log").read_text()
    # what uv itself leaves: the venv's pyvenv.cfg names uv, and the installed distribution's INSTALLER
    assert any(line.startswith("uv = ") for line in (venv / "pyvenv.cfg").read_text().splitlines())
    installer = next(venv.glob(f"lib/python3*/site-packages/{NAME}-{VERSION}.dist-info/INSTALLER"))
    assert installer.read_text().strip() == "uv"
    # made from the pipeline's base interpreter, and what was installed imports there
    done = subprocess.run([str(workbench.python_bin()), "-c", f"import sys, {NAME}; "
                           f"print(sys.version_info[:2], {NAME}.ANSWER)"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{tuple(sys.version_info[:2])} 42"
    assert subprocess.run([str(workbench.superset_bin())], capture_output=True, text=True, check=True).stdout == "42\n"
    assert workbench.installed()


def test_the_install_is_done_once_per_pins(probe_install):
    workbench.install()
    assert workbench.install() == 0.0
    probe_install.write_text(probe_install.read_text() + "# changed pins\n")
    assert not workbench.installed()
    assert workbench.install() > 0 and workbench.installed()
