"""Issue 12 item 14 (end): the outbox and return folders ycworker makes are 0700, every return
file 0600, in the outbox and in a folder the worker chose (export --to, sync DIR): they hold
pseudonymised records. A folder that already exists is never chmodded."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.helpers import return_data
from ycworker.common import atomic
from ycworker.common.paths import outbox_dir
from ycworker.common.periods import parse_quarter
from ycworker.returns import export as returns
from ycworker.returns import sync

TODAY = date(2026, 11, 24)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """A usual umask (022: folders 0755, files 0644), as the worker's shell has it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def assert_private_return(folder: Path) -> None:
    assert mode(folder) == 0o700, folder
    files = list(folder.iterdir())
    assert files
    for f in files:
        assert mode(f) == 0o600, f"{f.name}: {mode(f):04o}"


def test_the_outbox_and_the_return_files_are_private(store, open_umask, tmp_path):
    with store.write() as s:
        return_data.seed(s)
    chosen = tmp_path / "new" / "returns"  # --to a folder that is not there yet
    result = returns.export_return(store, parse_quarter("2025-26-Q2"), chosen, today=TODAY,
                                   now=datetime(2025, 10, 10, 9, 0, tzinfo=UTC))
    outbox = outbox_dir(store.path)
    assert mode(outbox) == 0o700
    assert_private_return(result.outbox_path)
    assert mode(chosen) == 0o700 and mode(chosen.parent) == 0o700  # made by us
    assert_private_return(result.delivered_path)


def test_an_existing_chosen_folder_is_left_alone_and_the_copies_are_private(store, open_umask, tmp_path):
    with store.write() as s:
        return_data.seed(s)
    a = returns.export_return(store, parse_quarter("2025-26-Q1"), None, today=TODAY,
                              now=datetime(2025, 7, 10, 9, 0, tzinfo=UTC))
    usb = tmp_path / "usb"
    usb.mkdir()
    os.chmod(usb, 0o775)  # the stick's own permissions
    assert sync.sync_to(store, usb).copied == [a.folder_name]
    assert mode(usb) == 0o775
    assert_private_return(usb / a.folder_name)
    made = tmp_path / "stick" / "returns"  # sync DIR that is not there yet
    sync.sync_to(store, made)
    assert mode(made) == 0o700 and mode(made.parent) == 0o700
    assert_private_return(made / a.folder_name)


def test_atomic_writes_make_missing_folders_private_and_leave_existing_ones(open_umask, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    atomic.write_text(shared / "sub" / "a.txt", "x")
    assert mode(shared) == 0o777
    assert mode(shared / "sub") == 0o700 and mode(shared / "sub" / "a.txt") == 0o600
    with atomic.staged_folder(shared / "built") as tmp:
        (tmp / "b.csv").write_text("y")
    assert mode(shared / "built") == 0o700 and mode(shared / "built" / "b.csv") == 0o600
