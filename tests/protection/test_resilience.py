"""A crash loses nothing: SIGKILLs, simulated power cuts, two writers, a wrong passphrase.

The harnesses live in bench/resilience.py (which runs them bigger and prints figures).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import resilience
from tests.conftest import PASSPHRASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_200_sigkills_of_a_saving_process_lose_no_committed_record(store):
    key = store.key_hex
    path = store.path
    store.close()
    report = resilience.sigkill_runs(path, key, kills=200)
    print(report.line())
    assert report.kills == 200
    assert report.reported > 200  # the child really was saving when it was killed
    assert report.lost == 0, report.line()
    assert report.integrity_failures == 0, report.problems[:3]
    assert report.found >= report.reported


def test_power_cuts_lose_nothing_with_synchronous_full_and_do_with_normal():
    # apsw is a test dependency (pyproject.toml): a missing install fails here, it does not skip
    full = resilience.powercut_runs(runs=100, synchronous="FULL", seed=11)
    print(full.line())
    assert full.runs == 100 and full.committed > 1000
    assert full.lost == 0, full.line()
    assert full.integrity_failures == 0
    normal = resilience.powercut_runs(runs=100, synchronous="NORMAL", seed=11)
    print(normal.line())
    assert normal.lost > 0, "the harness must be able to see a lost commit"
    assert normal.integrity_failures == 0  # NORMAL loses the newest commits, never consistency


def test_two_processes_saving_200_each_both_keep_working(store):
    path = store.path
    store.close()
    report = resilience.two_writers(path, PASSPHRASE, saves=200)
    print(report.line())
    assert report.locked_errors == 0 and report.other_errors == 0
    assert report.found == report.expected == 400


def test_wrong_passphrase_is_a_clean_message_exit_3_and_leaves_the_file_alone(db_path):
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    a_backup = db_path.with_name("a-backup.db")  # a copy: restoring the file onto itself is refused first
    shutil.copyfile(db_path, a_backup)
    env = dict(os.environ, YCWORKER_PASSPHRASE="definitely not it",
               YCWORKER_NEW_PASSPHRASE="another passphrase")
    commands = (["backup"], ["restore", str(a_backup)], ["passphrase"],
                ["export", "--quarter", "2026-27-Q2", "--to", str(db_path.parent / "out")])
    running = [(command, subprocess.Popen(
        [sys.executable, "-m", "ycworker", *command, "--db", str(db_path)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)) for command in commands]  # at once
    for command, proc in running:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 3, (command, err)
        assert err.startswith("ycworker: ") and "Traceback" not in err
        assert "passphrase" in err and len(err.strip().splitlines()) == 1, err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert not (db_path.parent / "out").exists() and not (db_path.parent / "backups").exists()
