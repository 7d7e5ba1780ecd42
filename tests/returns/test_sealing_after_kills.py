"""Issue 12 item 17: every return folder a worker can send is listed as sealed, or is not there.

An export is killed (os._exit in a child process: no clean-up runs, as with kill -9) at each step
of writing and sealing; the folders then in --to and the outbox are checked against the
database, and again after the next start (which puts a recorded folder in place and removes an
unrecorded one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import open_store
from db.models import SealedReturn
from tests.conftest import PASSPHRASE
from ycworker.cli import main
from ycworker.common.paths import outbox_dir

CHILD = r"""
import os, sys
from ycworker.common import atomic
from ycworker.returns import export as returns
from ycworker.cli import main

step = sys.argv[1]
calls = {"stage": 0, "place": 0}
stage, place = getattr(returns, "stage_folder", None), getattr(atomic, "put_in_place", None)

def staged(final, write_files, sha):
    def write(tmp):
        write_files(tmp)
        if step == "mid-write":
            os._exit(9)
    path = stage(final, write, sha)
    calls["stage"] += 1
    if step == f"staged-{calls['stage']}":
        os._exit(9)
    return path

def put(staged_path, final):
    if step == "recorded":
        os._exit(9)
    result = place(staged_path, final)
    calls["place"] += 1
    if step == f"placed-{calls['place']}":
        os._exit(9)
    return result

if hasattr(returns, "stage_folder"):
    returns.stage_folder, atomic.put_in_place = staged, put
else:  # the code before sealing was ordered: each folder written in place, then recorded
    stage, returns.write_folder = returns.write_folder, staged
sys.exit(main(["export", "--quarter", "2025-26-Q1", "--to", sys.argv[2]]))
"""

STEPS = ["mid-write", "staged-1", "staged-2", "recorded", "placed-1", "placed-2"]


def sealed_names(db_path: Path) -> set[str]:
    store = open_store(db_path, PASSPHRASE)
    try:
        with store.read() as s:
            return set(s.connection().execute(sa.select(SealedReturn.__table__.c.folder_name)).scalars())
    finally:
        store.close()


def visible(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")} if folder.is_dir() else set()


def hidden(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name.startswith(".")} if folder.is_dir() else set()


@pytest.mark.parametrize("step", STEPS)
def test_a_killed_export_leaves_only_listed_folders(step, db_path, tmp_path, monkeypatch):
    dest = tmp_path / "stick"
    env = {**os.environ, "YCWORKER_PASSPHRASE": PASSPHRASE, "YCWORKER_DB": str(db_path)}
    child = subprocess.run([sys.executable, "-c", CHILD, step, str(dest)], env=env,
                           cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True,
                           timeout=240)
    assert child.returncode == 9, child.stderr
    outbox = outbox_dir(db_path)
    listed = sealed_names(db_path)
    # the invariant, straight after the kill
    assert visible(dest) <= listed and visible(outbox) <= listed
    assert len(listed) == (1 if step in ("recorded", "placed-1", "placed-2") else 0)

    # the next start: a recorded seal is finished, an unrecorded one undone
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    assert main(["sync", str(dest)]) == 0
    assert hidden(dest) == set() and hidden(outbox) == set()
    assert visible(dest) == listed and visible(outbox) == listed
