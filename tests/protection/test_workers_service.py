"""Workers sign in as themselves (issue 14): the CLI of workers.md with its exit codes, managers'
services refused to a youth worker, two workers on one file, the recovery key, a file made before
key slots, a wrong passphrase that changes nothing, NFC, the 10-character rule."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from pathlib import Path

import pytest
from sqlmodel import select

from db.engine import WrongPassphrase, open_store
from db.keyslots import keys_path
from db.models import AuditEntry, District, Worker
from tests.conftest import PASSPHRASE, give_passphrase
from ycworker.cli import main
from ycworker.common.errors import UserError
from ycworker.protection import actions, workers

NEW = "a brand new passphrase"


@pytest.fixture
def env(monkeypatch):
    def set_env(passphrase: str | None = PASSPHRASE, new: str | None = None) -> None:
        for name, value in (("YCWORKER_PASSPHRASE", passphrase), ("YCWORKER_NEW_PASSPHRASE", new)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", None)
    return set_env


def _listed(capsys) -> dict[str, tuple[str, str]]:
    out = capsys.readouterr().out
    return {line.split("\t")[0]: tuple(line.split("\t")[1:]) for line in out.splitlines()}


def test_every_worker_command_and_its_exit_codes(db_path, env, capsys):
    db = ["--db", str(db_path)]
    env(new="alice passphrase")
    assert main(["worker", "add", "Alice", *db]) == 0
    assert main(["worker", "add", "alice", *db]) == 1  # the name is taken
    assert "already a worker called Alice" in capsys.readouterr().err
    env(new="bob passphrase")
    assert main(["worker", "add", "Bob", "--manager", *db]) == 0
    capsys.readouterr()
    env("alice passphrase")
    assert main(["worker", "list", *db]) == 0
    listed = _listed(capsys)
    assert listed["Alice"] == ("worker", "can sign in here")
    assert listed["Bob"] == ("manager", "can sign in here")
    env("alice passphrase", new="carl passphrase")
    for refused in (["worker", "add", "Carl"], ["worker", "remove", "Bob"], ["worker", "reset", "Bob"],
                    ["rekey"]):
        assert main([*refused, *db]) == 1, refused
        assert "Only a manager can" in capsys.readouterr().err
    env("alice passphrase", new="alice second passphrase")
    assert main(["passphrase", *db]) == 0
    env("bob passphrase", new="alice third passphrase")
    assert main(["worker", "reset", "Alice", *db]) == 0
    assert main(["worker", "reset", "Nobody", *db]) == 1
    assert main(["worker", "remove", "Alice", *db]) == 0
    capsys.readouterr()
    env("alice third passphrase")
    assert main(["worker", "list", *db]) == 3  # removed: her passphrase opens nothing
    assert "does not open" in capsys.readouterr().err
    env("bob passphrase")
    assert main(["rekey", *db]) == 0
    assert "recovery key" in capsys.readouterr().err
    assert main(["worker", "list", *db]) == 0  # everyone's passphrase still opens it
    assert _listed(capsys)["Alice"] == ("worker", "cannot sign in here")
    with pytest.raises(SystemExit) as usage:  # no name: argparse's usage error
        main(["worker", "add", *db])
    assert usage.value.code == 2


def test_a_youth_worker_is_refused_the_managers_services(store):
    ann = give_passphrase(store, "Ann Worker")
    store.close()
    as_ann = open_store(store.path, ann)
    try:
        ann_info = workers.acting_worker(as_ann)
        assert ann_info.name == "Ann Worker" and not ann_info.is_manager
        refusals = [
            lambda: workers.add_worker(as_ann, ann_info, "Zed", "zed passphrase"),
            lambda: workers.remove_worker(as_ann, ann_info, "Duty worker"),
            lambda: workers.reset_worker(as_ann, ann_info, "Duty worker", "a new one for you"),
            lambda: workers.rekey(as_ann, ann_info),
            lambda: actions.audit_log_page(as_ann, 0, 50, None),
            lambda: actions.save_protection_settings(as_ann, {"idle_minutes": "5"}, ann_info.id),
            lambda: actions.erase_person(as_ann, "x" * 32, ann_info, "YC-X"),
        ]
        for refused in refusals:
            with pytest.raises(UserError, match="Only a manager can"):
                refused()
    finally:
        as_ann.close()


def test_two_workers_each_unlock_as_themselves(store, env, capsys):
    bea = give_passphrase(store, "Bea Worker")
    store.close()
    for secret, name in ((PASSPHRASE, "Duty worker"), (bea, "Bea Worker")):
        env(secret)
        assert main(["worker", "list", "--db", str(store.path)]) == 0
        s = open_store(store.path, secret)
        try:
            assert s.acting is not None and s.acting[1] == name
            with s.read() as session:
                assert session.get(Worker, s.acting[0]).name == name  # the slot is the Worker row
        finally:
            s.close()
    s = open_store(store.path, PASSPHRASE)
    try:
        with s.read() as session:
            added = session.exec(select(AuditEntry).where(AuditEntry.entity == "worker")).one()
            assert added.action == "create" and added.worker_id == s.acting[0]
    finally:
        s.close()


def test_the_recovery_key_opens_a_file_whose_keys_file_was_deleted(tmp_path, env, monkeypatch, capsys):
    db = tmp_path / "data" / "yc.db"
    env("the first passphrase")
    assert main(["worker", "list", "--db", str(db)]) == 0
    err = capsys.readouterr().err
    code = err.split("again:")[1].split()[:14]
    keys_path(db).unlink()
    env(None, new="after the recovery")
    monkeypatch.setenv("YCWORKER_RECOVERY_CODE", " ".join(code[:-1] + ["0000"]))
    assert main(["unlock-recovery", "Manager", "--db", str(db)]) == 3  # a typo
    monkeypatch.setenv("YCWORKER_RECOVERY_CODE", " ".join(code))
    assert main(["unlock-recovery", "Manager", "--db", str(db)]) == 0
    assert "made again" in capsys.readouterr().out
    env("after the recovery")
    assert main(["worker", "list", "--db", str(db)]) == 0
    assert _listed(capsys)["Manager"] == ("manager", "can sign in here")


def _legacy_file(path: Path, passphrase: str) -> None:
    """A file made the way ycworker made them before key slots: PBKDF2(passphrase, salt), the
    raw key and salt handed to SQLCipher so the salt is in the header, no keys file."""
    from db.engine import Store, _make_engine, upgrade_store
    from db.keys import derive_key

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(16)
    store = Store(path=path, engine=_make_engine(path, derive_key(passphrase, salt).hex() + salt.hex()),
                  created=True)
    try:
        upgrade_store(store)
        with store.write() as session:
            session.add(District(name="Thanet"))
            session.add(Worker(name="Zoe Lead", role="manager"))
            session.add(Worker(name="Abe Worker"))
        store.checkpoint()
    finally:
        store.close()


def test_a_legacy_file_migrates_on_first_open_keeps_its_data_then_opens_by_slot(tmp_path, env, capsys):
    db = tmp_path / "data" / "old.db"
    _legacy_file(db, "the old shared one")
    assert not keys_path(db).exists()
    env("the old shared one")
    assert main(["worker", "list", "--db", str(db)]) == 0
    captured = capsys.readouterr()
    assert "recovery key" in captured.err and "Zoe Lead" in captured.err
    assert keys_path(db).exists()
    assert list(db.parent.glob("old.pre-keyslots-*.db"))  # the backup came first
    listed = {line.split("\t")[0]: line.split("\t")[1:] for line in captured.out.splitlines()}
    assert listed["Zoe Lead"] == ["manager", "can sign in here"]
    assert listed["Abe Worker"] == ["worker", "cannot sign in here"]
    s = open_store(db, "the old shared one")  # now through Zoe's slot, no recovery key again
    try:
        assert s.acting is not None and s.acting[1] == "Zoe Lead" and s.recovery_code is None
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["Thanet"]
    finally:
        s.close()


def _digest(db: Path) -> dict[str, str]:
    out = {}
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), keys_path(db)):
        out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "-"
    return out


def test_a_wrong_passphrase_changes_no_byte_of_the_database_or_its_keys(store, db_path, env, capsys):
    with store.write() as session:
        session.add(District(name="In the WAL"))
    before = _digest(db_path)
    env("not the passphrase at all")
    assert main(["worker", "list", "--db", str(db_path)]) == 3
    with pytest.raises(WrongPassphrase):
        open_store(db_path, "short")  # any length: wrong is wrong, exit 3 not a length rule
    assert _digest(db_path) == before
    assert Path(f"{db_path}.attempts").exists()  # counted in a file of its own


def test_nfc_and_nfd_open_the_same_slot(store):
    nfc = unicodedata.normalize("NFC", "café au lait 2026")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    workers.add_worker(store, workers.acting_worker(store), "Cleo", nfd)
    store.close()
    for typed in (nfc, nfd):
        s = open_store(store.path, typed)
        try:
            assert s.acting is not None and s.acting[1] == "Cleo"
        finally:
            s.close()


def test_a_passphrase_of_9_characters_is_refused_for_a_new_database(tmp_path, env, capsys):
    db = tmp_path / "data" / "new.db"
    env("123456789")
    assert main(["demo", "--carers", "1", "--db", str(db)]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert not db.exists() and not keys_path(db).exists()
    env("1234567890")
    assert main(["worker", "list", "--db", str(db)]) == 0
