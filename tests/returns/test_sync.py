"""Sync: sealed returns in the outbox go to a folder that lacks them, checked, once."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from db.models import AuditEntry
from tests.helpers import return_data
from ycworker.common.errors import UserError
from ycworker.common.paths import outbox_dir
from ycworker.common.periods import parse_quarter
from ycworker.returns import export as returns
from ycworker.returns import outbox, sync

TODAY = date(2026, 11, 24)


@pytest.fixture
def two_returns(store):
    with store.write() as s:
        return_data.seed(s)
    a = returns.export_return(store, parse_quarter("2025-26-Q1"), None, today=TODAY,
                              now=datetime(2025, 7, 10, 9, 0, tzinfo=UTC))
    b = returns.export_return(store, parse_quarter("2025-26-Q2"), None, today=TODAY,
                              now=datetime(2025, 10, 10, 9, 0, tzinfo=UTC))
    return a, b


def test_sync_copies_what_the_folder_lacks_and_a_second_run_copies_nothing(store, two_returns, tmp_path):
    a, b = two_returns
    usb = tmp_path / "usb"
    first = sync.sync_to(store, usb)
    assert first.copied == [a.folder_name, b.folder_name] and first.problems == []
    for r in (a, b):
        assert returns.check_folder(usb / r.folder_name) == []
        assert sorted(p.name for p in (usb / r.folder_name).iterdir()) == sorted(
            p.name for p in r.outbox_path.iterdir())
    second = sync.sync_to(store, usb)
    assert second.copied == [] and second.already == [a.folder_name, b.folder_name]
    assert second.lines()[-1].startswith("Nothing to copy")
    with store.read() as s:
        rows = {r.folder_name: r for r in outbox.list_returns(s)}
        synced = s.connection().execute(sa.select(sa.func.count()).where(
            AuditEntry.__table__.c.action == "sync")).scalar()
    assert all(r.synced_to == str(usb.resolve()) and r.synced_at is not None for r in rows.values())
    assert synced == 2


def test_a_new_return_after_a_sync_is_the_only_one_copied(store, two_returns, tmp_path):
    usb = tmp_path / "usb"
    sync.sync_to(store, usb)
    c = returns.export_return(store, parse_quarter("2025-26-Q2"), None, today=TODAY)  # a correction
    assert sync.sync_to(store, usb).copied == [c.folder_name]


def test_manifest_is_copied_last_under_a_temporary_name(store, two_returns, tmp_path, monkeypatch):
    seen = []
    real = shutil.copyfile

    def spy(src, dst, *a, **kw):
        seen.append((dst.parent.name, dst.name))
        return real(src, dst, *a, **kw)

    monkeypatch.setattr(shutil, "copyfile", spy)
    sync.sync_to(store, tmp_path / "usb")
    for folder in {f for f, _ in seen}:
        names = [n for f, n in seen if f == folder]
        assert names[-1] == "manifest.json" and len(names) == 7  # the spec's 6 and equality.csv
        assert folder.startswith(".ycworker-return-") and ".partial-" in folder


def test_a_damaged_outbox_copy_is_reported_not_spread(store, two_returns, tmp_path):
    a, b = two_returns
    path = a.outbox_path / "referrals.csv"
    path.write_bytes(path.read_bytes().replace(b"school", b"SCHOOL"))
    result = sync.sync_to(store, tmp_path / "usb")
    assert result.copied == [b.folder_name]
    assert len(result.problems) == 1 and "damaged" in result.problems[0]
    assert not (tmp_path / "usb" / a.folder_name).exists()
    # a swapped manifest (hashes rewritten to match) is caught by the hash sealed in the database
    manifest = json.loads((a.outbox_path / "manifest.json").read_text())
    for f in manifest["files"]:
        f["sha256"] = returns.sha256_file(a.outbox_path / f["name"])
    (a.outbox_path / "manifest.json").write_text(json.dumps(manifest))
    again = sync.sync_to(store, tmp_path / "usb")
    assert again.copied == [] and "not the one that was sealed" in again.problems[0]


def test_orphans_in_the_target_are_removed_and_the_outbox_may_have_moved(store, two_returns, tmp_path):
    usb = tmp_path / "usb"
    orphan = usb / f".{two_returns[0].folder_name}.partial-x1"
    orphan.mkdir(parents=True)
    (orphan / "kpi_summary.csv").write_text("half")
    from db.models import SealedReturn

    with store.connect(write=True) as conn:  # as if the data folder had been moved since sealing
        conn.execute(sa.update(SealedReturn.__table__).values(path="/nowhere/any/more"))
    result = sync.sync_to(store, usb)
    assert not orphan.exists() and len(result.copied) == 2
    assert outbox_dir(store.path).is_dir()


def test_a_target_that_cannot_be_made_is_a_plain_error(store, two_returns, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot be"):
        sync.sync_to(store, blocker / "usb")


def test_a_damaged_copy_already_in_the_target_is_reported_never_overwritten(store, two_returns, tmp_path):
    a, b = two_returns
    usb = tmp_path / "usb"
    sync.sync_to(store, usb)
    broken = usb / a.folder_name / "carers.csv"
    broken.write_bytes(b"tampered")
    result = sync.sync_to(store, usb)
    assert result.copied == [] and result.already == [b.folder_name]
    assert len(result.problems) == 1 and a.folder_name in result.problems[0]
    assert "Delete it there and sync again" in result.problems[0]
    assert broken.read_bytes() == b"tampered"  # left for the worker to decide
    assert result.lines()[-1].startswith("Nothing copied")
    import shutil as sh

    sh.rmtree(usb / a.folder_name)
    assert sync.sync_to(store, usb).copied == [a.folder_name]


def test_a_partial_folder_of_a_running_export_is_not_an_orphan(store, two_returns, tmp_path):
    import os
    import subprocess
    import sys
    import time

    from ycworker.common import atomic

    usb = tmp_path / "usb"
    usb.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        live = usb / f".ycworker-return-x.partial-{sleeper.pid}-abc"
        dead = usb / ".ycworker-return-y.partial-999999999-abc"
        mine_old = usb / f".ycworker-return-z.partial-{os.getpid()}-abc"
        for folder in (live, dead, mine_old):
            folder.mkdir()
        old = time.time() - 3600  # our own pid, but from before this process started: a crash
        os.utime(mine_old, (old, old))
        removed = atomic.remove_orphans(usb)
        assert sorted(p.name for p in removed) == sorted([dead.name, mine_old.name])
        assert live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert atomic.remove_orphans(usb) == [live]
