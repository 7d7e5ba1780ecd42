"""Changing one's own passphrase: one key slot resealed, the database and its key untouched; the
old passphrase is required. (Before key slots this was a PRAGMA rekey of the whole file: it now
leaves the file's key as it is. A manager's rekey, which does change it, is refused while another
process has the file open.)"""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from db.engine import WrongPassphrase, key_for_file, open_store
from db.keyslots import keys_path
from db.models import AuditEntry, District
from tests.conftest import PASSPHRASE
from ycworker.cli import main
from ycworker.common.errors import FieldError, UserError
from ycworker.protection import session as protection
from ycworker.protection import workers

NEW = "a new passphrase 2026"


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_changing_the_passphrase_reseals_one_slot_and_nothing_else(store, db_path):
    with store.write() as s:
        s.add(District(name="Thanet"))
    store.close()
    key, before = key_for_file(db_path, PASSPHRASE), _sha(db_path)
    protection.change_passphrase(db_path, PASSPHRASE, NEW)
    assert _sha(db_path) == before  # the database is not touched
    assert key_for_file(db_path, NEW) == key  # the file's key does not change
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
    before, keys_before = _sha(db_path), _sha(keys_path(db_path))
    with pytest.raises(FieldError, match="not your current passphrase") as err:
        protection.change_passphrase(db_path, "a guess at it", NEW)
    assert err.value.field == "old"
    with pytest.raises(FieldError, match="do not match"):
        protection.change_passphrase(db_path, PASSPHRASE, NEW, "something else")
    with pytest.raises(FieldError, match="at least 10"):
        protection.change_passphrase(db_path, PASSPHRASE, "123456789")
    assert _sha(db_path) == before and _sha(keys_path(db_path)) == keys_before


def test_cli_passphrase_command(db_path, monkeypatch, capsys):
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("YCWORKER_NEW_PASSPHRASE", NEW)
    assert main(["passphrase", "--db", str(db_path)]) == 0
    assert "Passphrase changed" in capsys.readouterr().out
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)  # the old one no longer opens it
    assert main(["passphrase", "--db", str(db_path)]) == 3
    assert "does not open" in capsys.readouterr().err
    monkeypatch.setenv("YCWORKER_PASSPHRASE", NEW)
    monkeypatch.setenv("YCWORKER_NEW_PASSPHRASE", "123456789")  # 9 characters: refused, exit 2
    assert main(["passphrase", "--db", str(db_path)]) == 2
    assert "at least 10 characters" in capsys.readouterr().err
    s = open_store(db_path, NEW)
    try:
        with s.read() as session:
            assert "update" in session.exec(select(AuditEntry.action)).all()
    finally:
        s.close()


def test_a_rekey_is_refused_while_another_process_has_the_database_open(store, db_path, monkeypatch, capsys):
    """Its connections keep the old key: a rekey under them would break it. Changing one's own
    passphrase touches only the keys file, so it goes ahead."""
    from tests.helpers.protection import HeldOpen

    key = store.key_hex
    acting = workers.acting_worker(store)
    other = HeldOpen(db_path, key)
    try:
        before = _sha(db_path)
        with pytest.raises(UserError, match="Another ycworker is using this database"):
            workers.rekey(store, acting)
        assert _sha(db_path) == before
        monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
        assert main(["rekey", "--db", str(db_path)]) == 1
        assert "lock it with ctrl+l or close it" in capsys.readouterr().err
        assert _sha(db_path) == before
        monkeypatch.setenv("YCWORKER_NEW_PASSPHRASE", NEW)
        assert main(["passphrase", "--db", str(db_path)]) == 0
    finally:
        other.close()
    assert key_for_file(db_path, NEW) == key  # the failed rekeys left the key as it was
    s = open_store(db_path, NEW)
    s.close()
