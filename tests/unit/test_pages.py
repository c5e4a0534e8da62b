"""One way to draw a page (etl/pages): Jinja2's escaping with the pages' old spelling of quotes and
nothing else re-spelt, a missing value written "—", a misspelt name failing the render, every
template installed with the package, no page that loads or runs anything, and no word of a page
left in the Python that prepares it."""

from __future__ import annotations

import ast
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import jinja2
import pandas as pd
import pytest

from etl import pages
from etl.publish.html import render_report

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "etl" / "pages" / "templates"
GOLDEN = Path(__file__).parent / "golden"
META = {"organisation": "K", "license": "L", "files": []}


def test_no_template_writes_a_quote_entity_itself():
    # what makes re-spelling Jinja's &#39; and &#34; exact: only the escape can have written them
    for path in TEMPLATES.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"&#(39|34|x27);|&quot;", text), path.name


def test_quotes_are_escaped_as_before_and_nothing_else_is_respelt():
    names = {"A": "Kota 'Satu' \"Dua\" & <Tiga>", "B": "teks &#39; dan &#34; apa adanya"}
    frame = pd.DataFrame([{"instansi_kode": k, "bulan": "2026-09", "persen_baik_ke_atas": 50.0,
                           "is_disembunyikan": False} for k in names])
    page = render_report("2026-09", {"tren_bulanan": frame}, {**META, "instansi_nama": names})
    assert "Kota &#x27;Satu&#x27; &quot;Dua&quot; &amp; &lt;Tiga&gt;" in page
    assert "teks &amp;#39; dan &amp;#34; apa adanya" in page  # an agency's text is never re-spelt
    assert "&#39;" not in page and "&#34;" not in page


def test_a_missing_value_is_a_dash_and_a_misspelt_name_fails():
    env = pages.environment()
    assert env.from_string("{{ x }}|{{ y }}").render(x=None, y=0) == "—|0"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ judul }}").render(title="x")
    assert env.autoescape is True


def test_every_template_is_installed_with_the_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["etl.pages"]
    files = [p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.rglob("*") if p.is_file()]
    assert files and all(any(fnmatch(f, g) and "/" not in f[len("templates/"):] for g in globs) for f in files)
    loader = pages.environment().loader
    assert sorted(loader.list_templates()) == sorted(p.name for p in TEMPLATES.iterdir())


def _goldens():
    return sorted(GOLDEN.glob("*.html"))


@pytest.mark.parametrize("path", _goldens(), ids=lambda p: p.name)
def test_no_page_loads_or_runs_anything(path):
    page = path.read_text(encoding="utf-8")
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" in page
    assert not re.search(r"<(script|link|img|iframe|object|embed|base)\b", page, re.I)
    assert not re.search(r"\son\w+=", page, re.I)  # no event handler attribute
    assert not re.search(r"(href|src)=\"(javascript|https?):", page, re.I)
    assert not re.search(r"url\((?!#)", page)  # the stylesheet and charts point at nothing outside the page


def _literals(path: Path) -> list[str]:
    """The string constants of a module, but its docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_words_of_a_page_are_written_in_python():
    modules = [ROOT / "etl" / "publish" / "html.py", ROOT / "etl" / "validate" / "report.py",
               ROOT / "etl" / "pages" / "__init__.py", ROOT / "etl" / "pages" / "charts.py"]
    text = "".join(p.read_text(encoding="utf-8") for p in _goldens())
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    words = [s for m in modules for s in _literals(m) if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", s)]
    assert words  # the SQL, at least
    assert [s for s in words if s in text] == []
