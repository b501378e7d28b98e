"""The shape of the code, checked: no import circles, no module over 400 lines, nothing loose at the top of
the package, no heavy library behind ``import wiredesk``, no private names across modules, late imports only
on purpose, and docs/architecture.md's walk of an article true to the code (docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import wiredesk

from conftest import REPO

SRC = Path(wiredesk.__file__).resolve().parent
HEAVY = ("duckdb", "prefect", "spacy", "trafilatura")
#: Modules over 400 lines, waiting to be split (docs/architecture.md, Known exceptions); none at present.
AWAITING_SPLIT: set[str] = set()
#: Packages whose modules, imported alone, load none of the heavy libraries.
PURE = ("wiredesk.domain", "wiredesk.sources", "wiredesk.net", "wiredesk.dedup", "wiredesk.events",
        "wiredesk.stories", "wiredesk.fulltext", "wiredesk.exports.manifest", "wiredesk.ops.deployments", "wiredesk.ops.faults",
        "wiredesk.report")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[ast.AST, str, str | None, bool]]:
    """``(node, imported module, imported name or None, inside a function)`` of every import in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    in_function = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node, a.name, None, id(node) in in_function) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append((node, sub if sub in MODULES else base, None if sub in MODULES else a.name, id(node) in in_function))
    return out


def _graph() -> dict[str, set[str]]:
    return {m: {target for _, target, _, _ in _imports(m, p) if target in MODULES and target != m}
            for m, p in MODULES.items()}


def test_no_import_circle_between_files():
    graph = _graph()
    circles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert not circles, f"modules importing each other: {circles}"


def test_no_module_is_over_400_lines():
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    too_big = {m: n for m, n in sizes.items() if n > 400 and m not in AWAITING_SPLIT}
    assert not too_big, f"split these modules (one concept per module, ~400 lines): {too_big}"
    stale = sorted(m for m in AWAITING_SPLIT if sizes.get(m, 0) <= 400)
    assert not stale, f"no longer over 400 lines: remove from AWAITING_SPLIT {stale}"


def test_the_top_of_the_package_holds_only_init_api_and_main():
    loose = sorted(p.name for p in SRC.iterdir() if p.is_file() and p.suffix == ".py")
    assert loose == ["__init__.py", "__main__.py", "api.py"]
    assert sorted(p.name for p in SRC.iterdir() if p.is_file() and p.suffix != ".py") == ["py.typed"]


def _loaded_after_import(module: str) -> list[str]:
    code = (f"import json, sys; import {module}; "
            f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_wiredesk_loads_no_heavy_library():
    assert _loaded_after_import("wiredesk") == []


def test_a_pool_workers_modules_load_no_database_library():
    # what a worker of the run's pool imports to run process_items: the cleaner (trafilatura), never DuckDB
    assert _loaded_after_import("wiredesk.pipeline.scaleout") == ["trafilatura"]


def test_the_python_api_is_still_there_after_a_lazy_import():
    code = "import wiredesk; print(wiredesk.connect.__module__, wiredesk.search.__module__, wiredesk.__version__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["wiredesk.api", "wiredesk.api"] and out[2] == wiredesk.__version__


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m.startswith(PURE)))
def test_pure_modules_load_no_heavy_library(module):
    assert _loaded_after_import(module) == []


def test_no_private_name_is_imported_from_another_module():
    found = [f"{m}: from {target} import {name}" for m, p in MODULES.items() for _, target, name, _ in _imports(m, p)
             if name and name.startswith("_") and not name.startswith("__") and target.startswith("wiredesk")
             and target != m]
    assert not found, f"import a public name instead: {found}"


def test_imports_inside_functions_say_why_they_are_late():
    unexplained = []
    for m, p in MODULES.items():
        lines = p.read_text(encoding="utf-8").splitlines()
        for node, target, _, inside in _imports(m, p):
            if not inside:
                continue
            above = node.lineno - 2  # the comment may head a block of late imports
            while above >= 0 and lines[above].strip().startswith(("from ", "import ")):
                above -= 1
            if "#" not in lines[node.lineno - 1] and not (above >= 0 and lines[above].strip().startswith("#")):
                unexplained.append(f"{m}:{node.lineno}: {target}")
    assert not unexplained, f"import at the top, or comment why late (heavy, optional): {sorted(set(unexplained))}"


# -- docs/architecture.md ------------------------------------------------------------------------------

ARCHITECTURE = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")


def _walks() -> dict[str, list[str]]:
    """``walk title -> the dotted names its numbered lines mention``, for each "From ..." walk."""
    walks: dict[str, list[str]] = {}
    title = None
    for line in ARCHITECTURE.splitlines():
        if line.startswith("### From"):
            title = line.removeprefix("### ").strip()
            walks[title] = []
        elif line.startswith("## "):
            title = None
        elif title and re.match(r"\d+\. ", line):
            names = re.findall(r"`(wiredesk\.[\w.]+)`", line)
            assert len(names) == 1, f"one module and function per stage: {line}"
            walks[title] += names
    return walks


def _resolve(dotted: str) -> tuple[str, object]:
    """The module part of ``dotted`` and the object it names (imported, attribute by attribute)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module = ".".join(parts[:cut])
        if module in MODULES:
            obj: object = importlib.import_module(module)
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
            return module, obj
    raise AssertionError(f"{dotted}: no such module")


def test_the_architecture_doc_walks_an_article_from_a_feed_and_from_a_file():
    assert sorted(_walks()) == ["From a feed (`wiredesk run https://example.com/rss`)",
                                "From a file (`wiredesk run articles/`)"]


@pytest.mark.parametrize("walk", sorted(_walks()))
def test_every_name_in_a_walk_exists_and_no_module_is_passed_twice(walk):
    modules = []
    for dotted in _walks()[walk]:
        module, obj = _resolve(dotted)
        assert callable(obj), f"{dotted} is not a function"
        modules.append(module)
    assert len(modules) == len(set(modules)), f"a module passed twice: {sorted(m for m in modules if modules.count(m) > 1)}"


def test_every_package_is_in_the_architecture_doc():
    packages = sorted({m.split(".")[1] for m in MODULES if m.count(".") >= 1 and MODULES[m].name == "__init__.py"})
    missing = [p for p in packages if f"{p}/" not in ARCHITECTURE]
    assert not missing, f"packages not described in docs/architecture.md: {missing}"


def test_every_error_is_defined_in_the_error_module_and_named_in_its_tree():
    from wiredesk.domain import errors

    for module in MODULES:
        if not module.endswith("__main__"):
            importlib.import_module(module)
    found, todo = set(), [errors.WiredeskError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    elsewhere = sorted(f"{c.__module__}.{c.__name__}" for c in found if c.__module__ != errors.__name__)
    assert not elsewhere, f"define errors in wiredesk.domain.errors: {elsewhere}"
    unlisted = sorted(c.__name__ for c in found if not re.search(rf"\b{c.__name__}\b", errors.__doc__))
    assert not unlisted, f"add to the tree in wiredesk.domain.errors' docstring: {unlisted}"


def test_every_package_is_shipped():
    import tomllib

    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    packages = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    assert packages <= listed, f"add to [tool.setuptools] packages in pyproject.toml: {sorted(packages - listed)}"
