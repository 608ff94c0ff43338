"""The benchmark scripts still start, and what they import from the project still exists.

They run outside the suite (minutes each, some against PostgreSQL and gunicorn), so a rename in
the project would otherwise only show when someone next measures.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p for p in (ROOT / "bench").glob("*.py") if p.name != "common.py")
PROJECT = ("articles", "annotations", "newsroom")


def _project_imports(path: Path) -> list[tuple[int, str, str | None]]:
    """(line, module, name) for every import of a project module, at any depth of the script."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in PROJECT:
                found += [(node.lineno, node.module, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, alias.name, None)
                for alias in node.names
                if alias.name.split(".")[0] in PROJECT
            ]
    return found


def test_every_script_is_found():
    assert {p.name for p in SCRIPTS} >= {"import.py", "concurrency.py", "search.py", "zwnj.py"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_starts(script):
    done = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_imports_exist(script):
    missing = []
    for line, module_name, name in _project_imports(script):
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            missing.append(f"{script.name}:{line}: {module_name} ({exc})")
            continue
        if name is None or hasattr(module, name):
            continue
        try:
            importlib.import_module(f"{module_name}.{name}")
        except ImportError:
            missing.append(f"{script.name}:{line}: {module_name} has no {name}")
    assert not missing, "\n".join(missing)
