"""The encrypted store: key, pragmas, permissions, migrations."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from db.engine import WrongPassphrase, open_store, read_salt, upgrade_store
from db.migrate import current_revision, head_revision
from db.models import District
from tests.conftest import PASSPHRASE


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_connection_has_the_safety_pragmas(store):
    with store.raw() as conn:
        pragmas = {
            name: conn.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "secure_delete")
        }
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                       "busy_timeout": 10000, "secure_delete": 1}


def test_file_is_encrypted_and_private(store):
    with store.write() as session:
        session.add(District(name="Canary-Thanet-XYZZY"))
    store.checkpoint()
    data = store.path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    assert b"Canary-Thanet-XYZZY" not in data
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


def test_new_database_in_new_folder_is_private(tmp_path):
    s = open_store(tmp_path / "new" / "deeper" / "yc.db", PASSPHRASE)
    try:
        assert s.created
        assert stat.S_IMODE((tmp_path / "new" / "deeper").stat().st_mode) == 0o700
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(s.path) + suffix)
            if p.exists():
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    finally:
        s.close()


def test_wrong_passphrase_is_refused_and_file_untouched(db_path):
    before = _sha(db_path)
    with pytest.raises(WrongPassphrase, match="does not open"):
        open_store(db_path, "not the passphrase")
    assert _sha(db_path) == before
    s = open_store(db_path, PASSPHRASE)
    s.close()


def test_salt_lives_in_the_file_header(db_path):
    salt = read_salt(db_path)
    assert salt is not None and len(salt) == 16
    assert db_path.read_bytes()[:16] == salt


def test_committed_rows_survive_reopening(db_path):
    s = open_store(db_path, PASSPHRASE)
    with s.write() as session:
        session.add(District(name="Dover"))
    s.close()
    s = open_store(db_path, PASSPHRASE)
    with s.read() as session:
        assert session.exec(select(District.name)).all() == ["Dover"]
    s.close()


def test_failed_write_transaction_rolls_back(store):
    with pytest.raises(RuntimeError), store.write() as session:
        session.add(District(name="Ashford"))
        session.flush()
        raise RuntimeError("boom")
    with store.read() as session:
        assert session.exec(select(District)).all() == []


def test_writes_begin_immediate_and_reads_do_not(store):
    seen = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cur, stmt, *a: seen.append(stmt))
    with store.write() as session:
        session.add(District(name="Swale"))
    with store.read() as session:
        session.exec(select(District)).all()
    begins = [s for s in seen if s.startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_models_match_the_migrated_schema(store):
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # FTS/virtual tables made by migrations are not models; only model drift counts.
    drift = [d for d in diff if not (d[0] == "remove_table" and "fts" in d[1].name)]
    drift = [d for d in drift if not (isinstance(d, tuple) and d[0] == "remove_index"
                                      and "fts" in str(d[1].name))]
    assert drift == [], drift


def test_upgrade_from_the_first_migration_keeps_data_and_backs_up(tmp_path):
    path = tmp_path / "old.db"
    s = open_store(path, PASSPHRASE, migrate=False)
    upgrade_store(s, "0001")
    assert current_revision(s) == "0001"
    with s.write() as session:
        session.add(District(name="Canterbury"))
    s.close()

    s = open_store(path, PASSPHRASE)
    try:
        assert current_revision(s) == head_revision()
        assert s.backup_path is not None and s.backup_path.exists()
        assert s.backup_path.parent == path.parent
        assert stat.S_IMODE(s.backup_path.stat().st_mode) == 0o600
        with s.read() as session:
            assert session.exec(select(District.name)).all() == ["Canterbury"]
    finally:
        s.close()
    backup = open_store(s.backup_path, PASSPHRASE, migrate=False)
    try:
        assert current_revision(backup) == "0001"
    finally:
        backup.close()


def test_opening_an_up_to_date_file_writes_no_backup(db_path):
    s = open_store(db_path, PASSPHRASE)
    s.close()
    assert s.backup_path is None
    assert sorted(p.name for p in db_path.parent.iterdir() if p.suffix == ".db") == ["ycworker.db"]


def test_the_quick_revision_check_agrees_with_alembic(tmp_path, store):
    """The unlock asks "is the file up to date?" without Alembic: its answers are Alembic's."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from db.migrate import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(cfg).get_current_head()

    with store.engine.connect() as conn:
        assert current_revision(store) == MigrationContext.configure(conn).get_current_revision()
    fresh = open_store(tmp_path / "fresh.db", PASSPHRASE, migrate=False)  # no migration has run
    try:
        assert current_revision(fresh) is None
        upgrade_store(fresh, "0003")
        assert current_revision(fresh) == "0003"
    finally:
        fresh.close()


def test_an_unlock_of_an_up_to_date_file_does_not_import_alembic(db_path):
    import subprocess
    import sys

    code = ("import sys; from db.engine import open_store; "
            f"open_store({str(db_path)!r}, {PASSPHRASE!r}).close(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "[]", out.stderr
