"""The check before an export reads the tables the return reads (issue 17): a damaged page in any
of them, or in one of their indexes, stops the export with a sentence; the return reads no table
that check leaves out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from db.engine import open_store
from db.models import SealedReturn
from tests.conftest import PASSPHRASE
from tests.helpers import return_data
from ycworker.common.paths import outbox_dir
from ycworker.common.periods import parse_quarter
from ycworker.protection import integrity
from ycworker.returns import export as returns

TODAY = date(2026, 11, 24)
Q2 = parse_quarter("2025-26-Q2")
SQLITE_READ = 20  # the authorizer's action code for reading a column


def _root_page(store, name: str) -> int:
    with store.raw() as conn:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    assert row is not None and row[0] > 1, name
    return int(row[0])


def _damage_page(path: Path, page: int, page_size: int = 4096) -> None:
    """Flip 64 bytes in the middle of one page of a checkpointed, closed file."""
    with path.open("r+b") as fh:
        at = (page - 1) * page_size + 1500
        fh.seek(at)
        data = fh.read(64)
        fh.seek(at)
        fh.write(bytes(b ^ 0xFF for b in data))


@pytest.mark.parametrize("damaged", ["referral", "review_outcome", "ix_referral_closed_date",
                                     "sqlite_autoindex_carer_1"])
def test_a_damaged_page_in_what_the_return_reads_stops_the_export(db_path, tmp_path, damaged):
    store = open_store(db_path, PASSPHRASE)
    with store.write() as s:
        return_data.seed(s)
    page = _root_page(store, damaged)
    store.checkpoint()
    store.close()
    _damage_page(db_path, page)

    store = open_store(db_path, PASSPHRASE)
    try:
        with pytest.raises(integrity.IntegrityFailure) as err:
            returns.export_return(store, Q2, tmp_path / "usb", today=TODAY)
        message = str(err.value)
        assert message.startswith("Not making an export. The database ycworker.db failed its export check")
        assert "malformed" not in message.splitlines()[0] and "SELECT" not in message
        assert "restore" in message or "Tell your manager" in message  # what to do next
        assert store.writing_stopped
        assert not (tmp_path / "usb").exists() or list((tmp_path / "usb").iterdir()) == []
        assert not outbox_dir(db_path).exists() or list(outbox_dir(db_path).iterdir()) == []
    finally:
        store.close()


def test_the_check_before_an_export_passes_a_sound_file_and_covers_what_the_return_reads(
        db_path, tmp_path):
    """Every table the export reads (SQLite's authorizer sees each column read) is one the check
    before it reads page by page."""
    store = open_store(db_path, PASSPHRASE)
    try:
        with store.write() as s:
            return_data.seed(s)
        assert integrity.tables_check(store, returns.RETURN_TABLES).ok
        read: set[str] = set()

        def watch(action, table, _column, _db, _trigger):
            if action == SQLITE_READ and table and not table.startswith("sqlite_"):
                read.add(table)
            return 0  # SQLITE_OK

        store.engine.dispose()  # every connection from here on reports what it reads
        sa.event.listen(store.engine, "connect", lambda conn, _record: conn.set_authorizer(watch))
        result = returns.export_return(store, Q2, tmp_path / "usb", today=TODAY, check=False)
        assert result.path.exists()
        assert {"referral", "carer", "review_outcome", "setting"} <= read  # the watch saw the reads
        assert read <= set(returns.RETURN_TABLES) | {"audit_log"}, read - set(returns.RETURN_TABLES)
        with store.read() as s:
            assert len(s.exec(select(SealedReturn)).all()) == 1
    finally:
        store.close()
