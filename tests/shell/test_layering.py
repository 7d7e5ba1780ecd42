"""Import hygiene (harlequin's test_import_hygiene): the services and tables load without Textual,
and importing the app writes nothing. The layers themselves are import-linter contracts
(pyproject.toml), run by test_contracts.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
    assert "ycworker.common.workdays" in headless and "db.engine" in headless
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


def test_importing_the_app_creates_no_files(tmp_path):
    code = "import ycworker.app, ycworker.cli, db.models; print('ok')"
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.stdout.strip() == "ok", result.stderr
    assert list(tmp_path.iterdir()) == []
