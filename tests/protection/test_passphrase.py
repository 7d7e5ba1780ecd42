"""Changing the passphrase: PRAGMA rekey to a new raw key with a new salt; the old one is required."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from db.engine import StoreError, WrongPassphrase, key_for_file, open_store, read_salt
from db.models import AuditEntry, District
from tests.conftest import PASSPHRASE
from ycworker.cli import main
from ycworker.common.errors import FieldError
from ycworker.protection import session as protection

NEW = "a new passphrase 2026"


def test_rekey_changes_key_and_salt_and_reopens(store, db_path):
    with store.write() as s:
        s.add(District(name="Thanet"))
    store.close()
    old_salt = read_salt(db_path)
    protection.change_passphrase(db_path, PASSPHRASE, NEW)
    assert read_salt(db_path) != old_salt
    with pytest.raises(WrongPassphrase):
        open_store(db_path, PASSPHRASE)
    s = open_store(db_path, NEW)
    try:
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["Thanet"]
    finally:
        s.close()


def test_the_old_passphrase_is_required_and_nothing_changes_without_it(store, db_path):
    store.close()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(FieldError, match="not the current passphrase") as err:
        protection.change_passphrase(db_path, "a guess at it", NEW)
    assert err.value.field == "old"
    with pytest.raises(FieldError, match="do not match"):
        protection.change_passphrase(db_path, PASSPHRASE, NEW, "something else")
    with pytest.raises(FieldError, match="at least 8"):
        protection.change_passphrase(db_path, PASSPHRASE, "short")
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_cli_passphrase_command(db_path, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_NEW_PASSPHRASE", NEW)
    assert main(["passphrase", "--db", str(db_path)]) == 0
    assert "Passphrase changed" in capsys.readouterr().out
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)  # the old one no longer opens it
    assert main(["passphrase", "--db", str(db_path)]) == 3
    assert "not the current passphrase" in capsys.readouterr().err
    s = open_store(db_path, NEW)
    try:
        with s.read() as session:
            assert "rekey" in session.exec(select(AuditEntry.action)).all()
    finally:
        s.close()


def test_the_passphrase_is_not_changed_while_another_process_has_the_database_open(
        store, db_path, monkeypatch, capsys):
    """Its connections keep the old key: a rekey under them would break it, its next write
    would corrupt the file. A locked ycworker holds nothing open, so it does not stop this."""
    from tests.protection.test_backup import HeldOpen

    key = store.key_hex
    store.close()
    other = HeldOpen(db_path, key)
    try:
        before = hashlib.sha256(db_path.read_bytes()).hexdigest()
        with pytest.raises(StoreError, match="Another ycworker is using this database"):
            protection.change_passphrase(db_path, PASSPHRASE, NEW)
        monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
        monkeypatch.setenv("YCWORKER_NEW_PASSPHRASE", NEW)
        assert main(["passphrase", "--db", str(db_path)]) == 1
        assert "lock it with ctrl+l or close it" in capsys.readouterr().err
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    finally:
        other.close()
    protection.change_passphrase(db_path, PASSPHRASE, NEW)
    assert key_for_file(db_path, NEW) != key
