"""The house: the product package (etl/) holds only the product. Its modules are parsed with `ast`
(nothing is imported), so an import placed inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ETL = ROOT / "etl"

# the demo world and the API simulator (demo/), the benchmark (bench/): beside the product, never in it
OUTSIDE_THE_PRODUCT = ("demo", "bench")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every import in the file (module `name`, by default the one its path
    names), wherever it stands: at the top, or inside a function; relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from demo import synth` names demo; `from . import x` names the package's module x
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*"]
    return found


def etl_files() -> list[Path]:
    return sorted(ETL.rglob("*.py"))


def test_the_product_imports_neither_the_demo_nor_the_benchmark():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in etl_files()
        for line, name in imported_modules(path)
        if name.split(".")[0] in OUTSIDE_THE_PRODUCT
    ]
    assert not offending, "etl/ must not import the demo or the benchmark:\n" + "\n".join(offending)


def test_the_rule_sees_imports_inside_functions(tmp_path):
    """The check itself: an import hidden in a function body, or a relative one, is found."""
    hidden = tmp_path / "hidden.py"
    hidden.write_text("def f():\n    from demo.synth import world\n    import bench.plain\n    return world\n\n\n"
                      "def g():\n    from .. import demo\n    return demo\n", encoding="utf-8")
    names = [name for _, name in imported_modules(hidden, "etl.sources.hidden")]
    assert {"demo.synth", "bench.plain"} <= set(names)
    assert "etl.demo" in names  # relative: resolved against the module's package


def test_no_product_module_lives_outside_etl():
    """demo/ and bench/ exist beside etl/, and etl/ has no synth, simulator or bench of its own."""
    assert (ROOT / "demo" / "synth").is_dir() and (ROOT / "demo" / "simulator").is_dir()
    assert (ROOT / "bench" / "__init__.py").is_file()
    leftovers = [p for p in ("etl/synth", "etl/bench", "etl/sources/simulator") if (ROOT / p).exists()]
    assert not leftovers, f"the demo and the benchmark moved out of etl/, yet these remain: {leftovers}"
