"""The shape of the house: the apps' modules import each other without cycles, `articles` never
imports `annotations`, and no module grows past 450 lines.

Imports are read with `ast`, so imports inside functions and under TYPE_CHECKING count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("articles", "annotations", "newsroom", "dashboard")
MAX_LINES = 450


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(root: Path = ROOT) -> dict[str, Path]:
    return {
        _module_name(path, root): path
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        if "migrations" not in path.parts
    }


def _imported(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `module` imports, wherever the import statement stands."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            # `from x import y` imports the submodule x.y when y is one.
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            # The deepest project module the name reaches (`a.b.c` may be a name inside a.b).
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    sources = _sources(root)
    known = set(sources)
    return {module: _imported(module, path, known) for module, path in sources.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that returns to its start, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return None


def test_no_import_cycles():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_articles_never_imports_annotations():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        if module.split(".")[0] == "articles"
        for target in targets
        if target.split(".")[0] == "annotations"
    )
    assert not wrong, "articles must not depend on annotations: " + "; ".join(wrong)


def test_no_module_is_longer_than_450_lines():
    long = sorted(
        f"{module} ({count} lines)"
        for module, path in _sources().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    )
    assert not long, f"modules over {MAX_LINES} lines: " + ", ".join(long)


def test_the_walk_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The check itself: a lazy import and a `from package import module` close a cycle."""
    package = tmp_path / "articles"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from articles import second\n")
    (package / "second.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import third\n"
    )
    (package / "third.py").write_text("def late():\n    from .first import something\n")
    cycle = find_cycle(import_graph(tmp_path))
    assert cycle == ["articles.first", "articles.second", "articles.third", "articles.first"]
