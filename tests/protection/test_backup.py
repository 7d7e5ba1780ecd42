"""Backups: verified, private, N generations, daily once; restore verifies first and keeps a copy."""

from __future__ import annotations

import hashlib
import stat
from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from db.engine import open_store
from db.models import AuditEntry, District
from tests.conftest import PASSPHRASE
from tests.helpers.protection import HeldOpen
from ycworker.cli import main
from ycworker.common import settings
from ycworker.common.errors import UserError
from ycworker.protection import backups, integrity


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_verified_private_and_opens_with_the_passphrase(store):
    with store.write() as s:
        s.add(District(name="Dover"))
    result = backups.make_backup(store, reason="manual", worker_id=None)
    path = result.backup.path
    assert path.parent == store.path.parent / "backups"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not list(path.parent.glob("*.tmp"))
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert backups.verify_backup(path, PASSPHRASE) == []
    copy = open_store(path, PASSPHRASE, migrate=False)
    try:
        with copy.read() as s:
            assert s.exec(select(District.name)).all() == ["Dover"]
    finally:
        copy.close()
    with store.read() as s:
        assert s.exec(select(AuditEntry.action)).all() == ["backup"]


def test_generations_are_pruned_to_the_setting(store):
    with store.write() as s:
        settings.put(s, settings.BACKUP_GENERATIONS, "3")
    start = datetime(2026, 11, 1, 9, 0)
    for day in range(5):
        backups.make_backup(store, reason="daily", now=start + timedelta(days=day))
    kept = backups.list_backups(store.path)
    assert [b.made_at.day for b in kept] == [5, 4, 3]
    assert backups.newest_backup(store.path) == kept[0].path


def test_daily_backup_is_made_once_a_day(store):
    today = datetime.now().date()
    assert backups.daily_backup_due(store.path, today)
    first = backups.run_daily(store, today)
    assert first is not None and first.backup.reason == "daily"
    assert backups.run_daily(store, today) is None
    assert not backups.daily_backup_due(store.path, today)
    assert backups.daily_backup_due(store.path, today + timedelta(days=1))


def test_a_damaged_database_is_not_backed_up_and_stops_writing(store, monkeypatch):
    bad = integrity.CheckResult(False, "full", ["*** in database main *** Page 7: btree damaged"])
    monkeypatch.setattr(integrity, "full_check", lambda _store: bad)
    with pytest.raises(integrity.IntegrityFailure, match="Not making a backup.*damaged"):
        backups.make_backup(store)
    assert backups.list_backups(store.path) == []
    with pytest.raises(Exception, match="stopped saving"), store.write() as s:
        s.add(District(name="Lost"))


def test_restore_verifies_keeps_the_current_file_and_replaces_it(store, db_path):
    with store.write() as s:
        s.add(District(name="Before"))
    made = backups.make_backup(store).backup.path
    with store.write() as s:
        s.add(District(name="After the backup"))
    store.close()
    result = backups.restore(db_path, made, PASSPHRASE)
    assert result.kept_copy is not None and result.kept_copy.exists()
    assert not (db_path.parent / (db_path.name + "-wal")).exists()
    reopened = open_store(db_path, PASSPHRASE)
    try:
        with reopened.read() as s:
            assert s.exec(select(District.name)).all() == ["Before"]
    finally:
        reopened.close()
    kept = open_store(result.kept_copy, PASSPHRASE, migrate=False)  # the WAL came with it
    try:
        with kept.read() as s:
            assert sorted(s.exec(select(District.name)).all()) == ["After the backup", "Before"]
    finally:
        kept.close()


def test_restore_refuses_a_damaged_backup_or_wrong_passphrase(store, db_path):
    made = backups.make_backup(store).backup.path
    store.close()
    before = _sha(db_path)
    with pytest.raises(UserError, match="does not open") as err:
        backups.restore(db_path, made, "wrong passphrase")
    assert err.value.exit_code == 3
    damaged = made.with_name("damaged-copy.db")
    data = bytearray(made.read_bytes())
    data[4096 * 2 + 100: 4096 * 2 + 200] = b"\x00" * 100  # a page that no longer authenticates
    damaged.write_bytes(bytes(data))
    with pytest.raises(UserError, match="damaged|does not open"):
        backups.restore(db_path, damaged, PASSPHRASE)
    assert _sha(db_path) == before


def test_cli_backup_and_restore(db_path, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    usb = tmp_path / "usb"
    assert main(["backup", "--db", str(db_path), "--to", str(usb)]) == 0
    out = capsys.readouterr().out
    assert "Backup written and checked" in out
    (made,) = usb.glob("*.db")
    assert main(["restore", str(made), "--db", str(db_path)]) == 0
    assert "Restored" in capsys.readouterr().out
    monkeypatch.setenv("YCWORKER_PASSPHRASE", "not it at all")
    before = _sha(db_path)
    assert main(["backup", "--db", str(db_path)]) == 3
    assert "does not open" in capsys.readouterr().err
    assert _sha(db_path) == before


def test_newest_backup_is_offered_when_the_quick_check_fails(store, monkeypatch):
    made = backups.make_backup(store, now=datetime(2026, 11, 20, 8, 0)).backup.path
    bad = integrity.CheckResult(False, "quick", ["row 3 missing from index"])
    monkeypatch.setattr(integrity, "quick_check", lambda _store: bad)
    result = integrity.check_at_unlock(store)
    assert not result.ok
    assert store.writing_stopped and made.name in store.writing_stopped
    assert "stopped saving" in store.writing_stopped
    assert date(2026, 11, 20) == backups.list_backups(store.path)[0].made_at.date()


def test_restore_is_refused_while_another_process_has_the_database_open(store, db_path):
    from db.engine import others_using

    made = backups.make_backup(store).backup.path
    key = store.key_hex
    store.close()
    assert not others_using(db_path)
    other = HeldOpen(db_path, key)
    try:
        assert others_using(db_path)
        before = _sha(db_path)
        with pytest.raises(UserError, match="Another ycworker is using this database"):
            backups.restore(db_path, made, PASSPHRASE)
        assert _sha(db_path) == before and not list(db_path.parent.glob("*.restore-tmp"))
    finally:
        other.close()
    assert not others_using(db_path)
    assert backups.restore(db_path, made, PASSPHRASE).kept_copy is not None
