"""Imports flow one way: screens -> ycworker services -> db."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_MODULES = {"ycworker.app"}  # the App itself is the one Textual module in ycworker/


def _modules(package: str) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if "migrations" in parts:  # loaded by alembic, not imported
            continue
        out.append(".".join(parts))
    return out


def test_headless_modules_never_load_textual():
    headless = [m for m in _modules("db") + _modules("ycworker") if m not in UI_MODULES]
    assert "ycworker.workdays" in headless and "db.engine" in headless
    code = (
        "import importlib, sys\n"
        f"for name in {headless!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0", "a service or db module imports textual"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_screens_never_touch_the_database_directly():
    offenders = []
    for path in sorted((ROOT / "screens").rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in {"db", "sqlmodel", "sqlalchemy", "sqlcipher3", "sqlite3"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_db_never_imports_services_or_screens():
    offenders = []
    for path in sorted((ROOT / "db").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in {"ycworker", "screens", "textual"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_services_never_import_screens():
    offenders = []
    for path in sorted((ROOT / "ycworker").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if module in UI_MODULES:
            continue
        for name in _imports(path):
            if name.split(".")[0] in {"screens", "textual"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_importing_the_app_creates_no_files(tmp_path):
    code = "import ycworker.app, ycworker.cli, db.models; print('ok')"
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.stdout.strip() == "ok", result.stderr
    assert list(tmp_path.iterdir()) == []
