"""Issue 12, the storage side: items 1 (stale check), 13 (wrong passphrase with a crash's WAL),
14 (permissions), 15 (damage stops writing), 18 (say what the file is; another ycworker)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import func, select

from db.engine import (
    WAITING_LINE,
    DamagedDatabase,
    DatabaseBusy,
    DiskFull,
    NotADatabase,
    ReadOnlyDatabase,
    StoreError,
    WrongPassphrase,
    classify_error,
    open_store,
)
from db.models import Carer
from tests.conftest import PASSPHRASE
from tests.helpers import factories
from ycworker.protection import integrity

ROOT = Path(__file__).resolve().parents[2]


def _hashes(path: Path) -> dict[str, str | None]:
    out = {}
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        out[suffix] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    return out


def _add_carers(store, n: int, prefix: str = "Child") -> None:
    with store.write() as session:
        for i in range(n):
            factories.carer(session, first_name=f"{prefix}{i}", last_name="Known")


def _carers(store) -> int:
    with store.read() as session:
        return session.exec(select(func.count()).select_from(Carer)).one()


# -- item 1: a check never calls a sound file damaged --------------------------------------------

def test_full_check_after_another_connection_updated_the_search_index_says_ok(store):
    """Connection A checks (ok); B renames a carer (the FTS5 triggers fire) and commits; A goes
    back to the pool. SQLite 3.53 reports "fts5: checksum mismatch" on A's next integrity_check
    although the file is sound: the app's check must say ok."""
    _add_carers(store, 40)
    with store.raw() as a:
        assert a.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        with store.fresh() as b:  # another connection, as another thread or window would be
            b.execute("UPDATE carer SET first_name = 'Renamed' WHERE id = "
                      "(SELECT min(id) FROM carer)")
    full = integrity.full_check(store)
    assert full.ok, full.problems
    assert integrity.quick_check(store).ok
    integrity.require_sound(store)  # raises IntegrityFailure on a false alarm
    assert store.writing_stopped is None
    _add_carers(store, 1, prefix="After")  # still saving


def test_a_failure_counts_only_when_a_second_fresh_connection_confirms_it(store, monkeypatch):
    answers = [["fts5: checksum mismatch for table \"carer_fts\""], []]
    calls = []

    def once(st, pragma, fks):
        calls.append(pragma)
        return answers[len(calls) - 1]

    monkeypatch.setattr(integrity, "_check_once", once)
    assert integrity.full_check(store).ok
    assert calls == ["integrity_check", "integrity_check"]

    answers[1] = ["row 3 missing from index x"]
    calls.clear()
    with pytest.raises(integrity.IntegrityFailure, match="damaged"):
        integrity.require_sound(store)
    assert store.writing_stopped
    with pytest.raises(DamagedDatabase):
        _add_carers(store, 1)


def test_checks_never_use_a_pooled_connection(store, monkeypatch):
    def no_pool():
        raise AssertionError("a check used a pooled connection")

    monkeypatch.setattr(store, "raw", no_pool)
    assert integrity.full_check(store).ok
    assert integrity.quick_check(store).ok


# -- item 13: a wrong passphrase touches nothing, even with a crash's WAL ----------------------

def _crash_with_wal(path: Path) -> None:
    """Another process writes 30 carers and dies without closing: -wal and -shm are left."""
    code = (
        "import os, sys\n"
        "from db.engine import open_store\n"
        "from tests.helpers import factories\n"
        f"s = open_store({str(path)!r}, {PASSPHRASE!r})\n"
        "with s.write() as ses:\n"
        "    for i in range(30):\n"
        "        factories.carer(ses, first_name=f'Crash{i}')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_wrong_passphrase_with_a_crash_wal_changes_no_byte(db_path):
    _crash_with_wal(db_path)
    before = _hashes(db_path)
    assert before["-wal"] is not None and before["-shm"] is not None
    with pytest.raises(WrongPassphrase, match="Nothing was changed"):
        open_store(db_path, "not the passphrase")
    assert _hashes(db_path) == before
    store = open_store(db_path, PASSPHRASE)  # the right one: the crash's work is all there
    try:
        assert _carers(store) == 30
    finally:
        store.close()


# -- item 14: folders and files keep the permissions the user gave them ------------------------

@pytest.mark.parametrize("mode", [0o1777, 0o755])
def test_an_existing_folder_is_left_alone_and_warned_about(tmp_path, template_db, mode):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    shutil.copyfile(template_db, folder / "yc.db")
    shutil.copyfile(f"{template_db}.keys", folder / "yc.db.keys")
    (folder / "yc.db").chmod(0o600)
    store = open_store(folder / "yc.db", PASSPHRASE)
    try:
        assert stat.S_IMODE(folder.stat().st_mode) == mode
        assert len(store.warnings) == 1
        assert "Other users of this computer" in store.warnings[0]
        assert "has not changed it" in store.warnings[0]
    finally:
        store.close()
    assert stat.S_IMODE(folder.stat().st_mode) == mode


def test_folders_the_app_makes_are_private_and_a_private_folder_gets_no_warning(tmp_path):
    store = open_store(tmp_path / "a" / "b" / "yc.db", PASSPHRASE)
    try:
        for folder in (tmp_path / "a", tmp_path / "a" / "b"):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        assert store.warnings == []
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(store.path) + suffix)
            if p.exists():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        store.close()


def test_a_read_only_database_stays_read_only_and_refuses_writes_plainly(db_path):
    db_path.chmod(0o400)
    before = _hashes(db_path)["" ]
    store = open_store(db_path, PASSPHRASE)
    try:
        assert _carers(store) == 0
        for _ in range(2):  # the second write too
            with pytest.raises(ReadOnlyDatabase, match="read-only") as info:
                _add_carers(store, 1)
            assert "INSERT" not in str(info.value)
    finally:
        store.close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o400
    assert _hashes(db_path)[""] == before


# -- item 15: damage is reported as damage, and writing stops ----------------------------------

def _damage(path: Path) -> None:
    """Flip bytes in pages well past the schema (the carers added last) of a checkpointed file."""
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for page in range(7 * pages // 10, 9 * pages // 10):
        at = page * 4096 + 1000
        data[at:at + 64] = bytes(b ^ 0xFF for b in data[at:at + 64])
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_db(db_path) -> Path:
    store = open_store(db_path, PASSPHRASE)
    _add_carers(store, 300)
    store.checkpoint()
    store.close()
    _damage(db_path)
    return db_path


def test_checks_report_damage_as_damage_not_a_crash(damaged_db):
    store = open_store(damaged_db, PASSPHRASE)
    try:
        quick = integrity.check_at_unlock(store)
        assert not quick.ok and quick.problems
        assert store.writing_stopped and "damaged" in store.writing_stopped
        with pytest.raises(DamagedDatabase):
            _add_carers(store, 1)
        full = integrity.full_check(store)  # must not raise "database disk image is malformed"
        assert not full.ok
    finally:
        store.close()


def test_a_statement_hitting_damage_stops_writing(damaged_db):
    store = open_store(damaged_db, PASSPHRASE)
    try:
        with pytest.raises(DamagedDatabase, match="damaged") as info, store.read() as session:
            session.exec(select(Carer)).all()
        assert "SELECT" not in str(info.value)
        assert store.writing_stopped
        with pytest.raises(DamagedDatabase):
            _add_carers(store, 1)
    finally:
        store.close()


def test_import_caseload_on_a_damaged_file_adds_nothing(damaged_db, tmp_path, monkeypatch, capsys):
    from ycworker.cli import main

    csv = tmp_path / "caseload.csv"
    csv.write_text(
        "carer_ref,first_name,last_name,date_of_birth,sex,ethnicity,district,school,household_ref,"
        "referral_date,referral_source,consent,allocated_date,assessment_completed_date,"
        "impact_level,closed_date,closure_reason\r\n"
        "K9,New,Child,2012-05-01,F,ABAN,Dover,,,2025-03-10,school,given,,,,,\r\n")
    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    before = _hashes(damaged_db)[""]
    code = main(["import", "caseload", str(csv), "--db", str(damaged_db)])
    err = capsys.readouterr().err
    assert code == 1
    assert "damaged" in err and "stopped saving" in err
    assert "malformed" not in err and "Error" not in err
    assert _hashes(damaged_db)[""] == before


# -- item 18: say what the file is; another ycworker working -----------------------------------

def test_a_plain_sqlite_file_is_named_as_such(tmp_path):
    plain = tmp_path / "plain.db"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = _hashes(plain)
    with pytest.raises(NotADatabase, match="plain SQLite file, not encrypted"):
        open_store(plain, PASSPHRASE)
    assert _hashes(plain) == before


def test_a_truncated_file_and_a_csv_are_named_not_a_wrong_passphrase(tmp_path, template_db):
    short = tmp_path / "short.db"
    short.write_bytes(template_db.read_bytes()[:1000])
    with pytest.raises(NotADatabase, match="too short"):
        open_store(short, PASSPHRASE)
    cut = tmp_path / "cut.db"
    cut.write_bytes(template_db.read_bytes()[:4096 * 3 + 100])
    with pytest.raises(NotADatabase, match="not whole pages"):
        open_store(cut, PASSPHRASE)
    csv = tmp_path / "caseload.csv"
    csv.write_text("carer_ref,first_name\r\nK1,Amira\r\n" * 200)
    with pytest.raises(NotADatabase, match="text file"):
        open_store(csv, PASSPHRASE)
    from db.engine import key_for_file  # what a restore asks first

    with pytest.raises(NotADatabase, match="text file"):
        key_for_file(csv, PASSPHRASE)


def test_a_folder_or_a_place_that_cannot_be_made_is_a_sentence(tmp_path):
    with pytest.raises(NotADatabase, match="is a folder"):
        open_store(tmp_path, PASSPHRASE)
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot be made") as info:
        open_store(blocker / "sub" / "yc.db", PASSPHRASE)
    assert "Errno" not in str(info.value)


def test_cli_says_what_a_folder_and_a_plain_sqlite_file_are(tmp_path, monkeypatch, capsys):
    from ycworker.cli import main

    monkeypatch.setenv("YCWORKER_PASSPHRASE", PASSPHRASE)
    csv = tmp_path / "c.csv"
    csv.write_text("a,b\r\n")
    assert main(["import", "caseload", str(csv), "--db", str(tmp_path)]) == 1
    assert "is a folder" in capsys.readouterr().err
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.commit()
    assert main(["import", "caseload", str(csv), "--db", str(plain)]) == 1
    err = capsys.readouterr().err
    assert "plain SQLite file" in err and "passphrase" not in err


def test_driver_errors_become_sentences_of_their_kind(tmp_path):
    path = tmp_path / "yc.db"
    assert isinstance(classify_error(sqlite3.OperationalError("database or disk is full"), path), DiskFull)
    assert isinstance(classify_error(sqlite3.OperationalError("database is locked"), path), DatabaseBusy)
    assert isinstance(classify_error(sqlite3.DatabaseError("database disk image is malformed"), path),
                      DamagedDatabase)
    assert isinstance(classify_error(sqlite3.OperationalError(
        "attempt to write a readonly database"), path), ReadOnlyDatabase)
    assert classify_error(ValueError("no such column"), path) is None


def test_a_second_writer_waits_saying_so_then_says_plainly_who_has_the_file(store):
    lines = []
    store.waiting(on_wait=lambda: lines.append(WAITING_LINE), seconds=1.5)
    with store.fresh() as other:  # another ycworker in the middle of a long write
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusy, match="Another ycworker is working") as info:
            _add_carers(store, 1)
        assert "locked" not in str(info.value)
        other.execute("ROLLBACK")
    assert lines == [WAITING_LINE]
    _add_carers(store, 1)  # the file free again: the same store writes
    assert _carers(store) == 1


def test_a_second_writer_goes_ahead_when_the_first_finishes_within_the_wait(store):
    lines = []
    store.waiting(on_wait=lambda: lines.append("waiting"), seconds=120)
    other_ready, release = threading.Event(), threading.Event()

    def other_writer():
        with store.fresh() as other:
            other.execute("BEGIN IMMEDIATE")
            other_ready.set()
            release.wait(60)
            other.execute("COMMIT")

    thread = threading.Thread(target=other_writer)
    thread.start()
    assert other_ready.wait(60)
    original = store.engine.ycw_wait["on_wait"]

    def on_wait():  # the line is shown, then the other writer finishes
        original()
        release.set()

    store.engine.ycw_wait["on_wait"] = on_wait
    _add_carers(store, 1)
    thread.join(60)
    assert lines == ["waiting"]
    assert _carers(store) == 1


def test_opening_takes_no_write_lock_while_another_ycworker_writes(db_path):
    """Opening an up-to-date file only reads: it neither waits nor says it is waiting."""
    holder = open_store(db_path, PASSPHRASE)
    lines = []
    try:
        with holder.fresh() as other:
            other.execute("BEGIN IMMEDIATE")
            second = open_store(db_path, PASSPHRASE, on_wait=lambda: lines.append(1), wait_seconds=1)
            assert _carers(second) == 0
            second.close()
            other.execute("ROLLBACK")
    finally:
        holder.close()
    assert lines == []
