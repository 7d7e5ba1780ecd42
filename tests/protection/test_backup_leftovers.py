"""Issue 12 item 16: what a killed backup or restore leaves (full copies of the file) is removed
at the next start and at the next backup or restore; before-restore copies count among the
backup generations kept."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import PASSPHRASE
from ycworker.cli import main
from ycworker.common import settings
from ycworker.common.paths import backups_dir
from ycworker.protection import backups

DEAD_PID = 2_000_000_000  # above any pid_max: no such process


def plant_killed_backup_and_restore(db_path):
    """The files a backup killed inside VACUUM INTO and a restore killed after its copy leave."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    planted = [
        folder / "ycworker-20260101-120000-manual.db.tmp",  # before this fix: no pid in the name
        folder / "ycworker-20260101-120000-manual.db.tmp-journal",
        folder / f"ycworker-20260102-120000-daily.db.{DEAD_PID}.tmp",
        folder / f"ycworker-20260102-120000-daily.db.{DEAD_PID}.tmp-journal",
        db_path.with_name(db_path.name + ".restore-tmp"),
    ]
    for path in planted:
        path.write_bytes(db_path.read_bytes()[:8192])  # a copy of the file: names inside
    return planted


@pytest.fixture
def env(monkeypatch, db_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_DB", str(db_path))
    return db_path


def test_the_next_start_removes_a_killed_backups_and_restores_copies(env, tmp_path, capsys):
    planted = plant_killed_backup_and_restore(env)
    other = backups_dir(env) / "ycworker2-20260101-120000-manual.db.tmp"  # another database's
    other.write_bytes(b"x")
    assert main(["sync", str(tmp_path / "stick")]) == 0  # any command: a start of ycworker
    assert [p for p in planted if p.exists()] == []
    assert other.exists()


def test_the_next_backup_removes_them_but_not_a_live_process_backup(store):
    planted = plant_killed_backup_and_restore(store.path)
    live = backups_dir(store.path) / "ycworker-20260103-120000-manual.db.1.tmp"  # pid 1 is alive
    live.write_bytes(b"x")
    backups.make_backup(store, reason="manual")
    assert [p for p in planted if p.exists() and "restore-tmp" not in p.name] == []
    assert live.exists()
    assert not [p for p in backups_dir(store.path).iterdir() if p.name.endswith((".tmp", "-journal"))
                and p != live]


def test_before_restore_copies_count_in_the_generations(store):
    with store.write() as s:
        settings.put(s, settings.BACKUP_GENERATIONS, "3")
    folder = backups_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    for day in range(1, 8):  # seven restores' set-aside copies, as seen
        copy = folder / f"ycworker-202610{day:02d}-090000-before-restore.db"
        copy.write_bytes(b"old copy")
        copy.with_name(copy.name + "-wal").write_bytes(b"old wal")
    backups.make_backup(store, reason="manual", now=datetime(2026, 11, 1, 9, 0))
    kept = backups.list_backups(store.path)
    assert len(kept) == 3
    assert kept[0].reason == "manual"
    assert [b.made_at.day for b in kept[1:]] == [7, 6]
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith("-wal")) == [
        "ycworker-20261006-090000-before-restore.db-wal", "ycworker-20261007-090000-before-restore.db-wal"]


def test_many_before_restore_copies_never_push_out_the_newest_backup(store):
    with store.write() as s:
        settings.put(s, settings.BACKUP_GENERATIONS, "2")
    backups.make_backup(store, reason="manual", now=datetime(2026, 10, 1, 9, 0))
    folder = backups_dir(store.path)
    for day in range(2, 6):
        (folder / f"ycworker-202610{day:02d}-090000-before-restore.db").write_bytes(b"old copy")
    removed = backups.prune(store.path, 2)
    kept = backups.list_backups(store.path)
    assert [b.reason for b in kept] == ["before-restore", "manual"]
    assert len(removed) == 3


def test_restore_prunes_its_own_before_restore_copies(store, tmp_path):
    with store.write() as s:
        settings.put(s, settings.BACKUP_GENERATIONS, "2")
    made = backups.make_backup(store, reason="manual", now=datetime(2026, 10, 1, 9, 0)).backup
    from db.engine import open_store

    db = store.path
    for _ in range(3):
        backups.restore_over_store(store, made.path, PASSPHRASE)  # closes the store
        store = open_store(db, PASSPHRASE)
    store.close()
    kept = backups.list_backups(db)
    assert len(kept) == 2 and made.path in [b.path for b in kept]
