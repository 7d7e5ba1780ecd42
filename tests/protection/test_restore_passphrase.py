"""Issue 12 item 19 (restore part): restoring a backup made under another passphrase never
silently changes which passphrase opens the database: the current one is asked for, the command
says what will change, and the database goes on opening with the current passphrase."""

from __future__ import annotations

import hashlib

import pytest

from db.engine import WrongPassphrase, open_store
from tests.conftest import PASSPHRASE, rekey_and_change
from ycworker.cli import main
from ycworker.common.errors import FieldError
from ycworker.protection import backups

NEW = "a brand new passphrase"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def old_backup(db_path):
    """A backup made under PASSPHRASE, then the database's passphrase changed to NEW."""
    store = open_store(db_path, PASSPHRASE)
    try:
        made = backups.make_backup(store, reason="manual").backup.path
    finally:
        store.close()
    rekey_and_change(db_path, PASSPHRASE, NEW)
    return made


def _opens_with(db_path, secret) -> bool:
    try:
        open_store(db_path, secret).close()
    except WrongPassphrase:
        return False
    return True


def test_the_backups_passphrase_alone_is_refused(db_path, old_backup, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)  # opens the backup, not the database now
    monkeypatch.delenv("YCWORKER_BACKUP_PASSPHRASE", raising=False)
    before = _sha(db_path)
    assert main(["restore", str(old_backup), "--db", str(db_path)]) == 3
    err = capsys.readouterr().err
    assert "made under another passphrase" in err and "current passphrase" in err
    assert _sha(db_path) == before
    assert _opens_with(db_path, NEW)


def test_without_the_backups_passphrase_it_asks_and_changes_nothing(db_path, old_backup, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", NEW)
    monkeypatch.delenv("YCWORKER_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", None)
    before = _sha(db_path)
    assert main(["restore", str(old_backup), "--db", str(db_path)]) == 2
    assert "YCWORKER_BACKUP_PASSPHRASE" in capsys.readouterr().err
    assert _sha(db_path) == before


def test_with_both_it_says_what_changes_and_keeps_the_current_passphrase(db_path, old_backup, monkeypatch,
                                                                         capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", NEW)
    monkeypatch.setenv("YCWORKER_BACKUP_PASSPHRASE", PASSPHRASE)
    backup_before = _sha(old_backup)
    assert main(["restore", str(old_backup), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "made under another passphrase" in out and "current passphrase" in out
    assert _opens_with(db_path, NEW) and not _opens_with(db_path, PASSPHRASE)
    assert _sha(old_backup) == backup_before
    assert not list(db_path.parent.glob("*.restore-tmp*"))


def test_the_app_restore_asks_for_the_current_passphrase(db_path, old_backup):
    store = open_store(db_path, NEW)
    with pytest.raises(FieldError) as refused:
        backups.restore_over_store(store, old_backup, PASSPHRASE)
    assert refused.value.field == "current" and "another passphrase" in refused.value.message
    with pytest.raises(FieldError, match="not the passphrase"):
        backups.restore_over_store(store, old_backup, PASSPHRASE, current_passphrase="not it at all")
    backups.restore_over_store(store, old_backup, PASSPHRASE, current_passphrase=NEW)
    assert _opens_with(db_path, NEW) and not _opens_with(db_path, PASSPHRASE)


def test_a_backup_under_the_same_passphrase_restores_as_before(db_path, monkeypatch, capsys):
    store = open_store(db_path, PASSPHRASE)
    made = backups.make_backup(store, reason="manual").backup.path
    backups.restore_over_store(store, made, PASSPHRASE)
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(made), "--db", str(db_path)]) == 0
    assert "another passphrase" not in capsys.readouterr().out
    assert _opens_with(db_path, PASSPHRASE)


@pytest.mark.parametrize(("content", "says"), [
    (b"carer_ref,first_name\nYC-1,Amira\n", "is a text file (a CSV or similar), not a ycworker database"),
    (b"SQLite format 3\x00" + bytes(4080), "is a plain SQLite file, not encrypted"),
])
def test_restore_says_what_a_file_that_is_no_backup_is(db_path, tmp_path, monkeypatch, capsys,
                                                      content, says):
    """A CSV or a plain SQLite file given to restore is named for what it is (it said: made under
    another passphrase), and nothing is changed."""
    store = open_store(db_path, PASSPHRASE)
    store.close()
    before = db_path.read_bytes()
    wrong = tmp_path / "not-a-backup.db"
    wrong.write_bytes(content)
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(wrong), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert says in err and "another passphrase" not in err and "Nothing was changed" in err
    assert db_path.read_bytes() == before
