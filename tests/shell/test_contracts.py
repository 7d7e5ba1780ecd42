"""The house rules run with the suite: import-linter's contracts (pyproject.toml), mypy over the
services and the tables, and ruff. Each fails with what to mend, never with a count alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=280)


def test_import_contracts_are_kept():
    """Layers screens -> ycworker -> db, no Textual below the App, no SQL in screens, areas that
    meet only through common (or in the order the contract names): see [tool.importlinter]."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=280)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_import_circles():
    """No two modules of ours import each other, directly or round a longer loop."""
    import grimp

    graph = grimp.build_graph("ycworker", "screens", "db", exclude_type_checking_imports=True, cache_dir=None)
    circles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.chain_exists(importer=imported, imported=module):
                circles.append(f"{module} <-> {imported}")
    assert circles == []


def test_types_check():
    """mypy over ycworker/ and db/ ([tool.mypy]: check_untyped_defs, strict for new modules)."""
    result = _run("mypy", "--no-incremental")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_ruff_finds_nothing():
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-4000:]
