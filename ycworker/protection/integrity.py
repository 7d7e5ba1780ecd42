"""Integrity checks: a quick one at every unlock, a full one before a backup or an export.

On failure the store stops taking writes (``Store.stop_writing``) and the caller shows
``damaged_message``: what happened, in plain words, and the newest good backup to restore (the
newest that opens with the key and passes its own full check).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.engine import DamagedDatabase, Store, StoreError, classify_error, long_work
from ycworker.common.errors import UserError
from ycworker.protection.generations import newest_good_backup


@dataclass
class CheckResult:
    ok: bool
    kind: str  # quick | full | export (the tables a return reads)
    problems: list[str] = field(default_factory=list)
    restore_from: Path | None = None  # when damaged: the newest backup that opens and is sound

    def summary(self, limit: int = 3) -> str:
        if self.ok:
            return "ok"
        shown = "; ".join(self.problems[:limit])
        more = len(self.problems) - limit
        return shown + (f" (and {more} more)" if more > 0 else "")


class IntegrityFailure(UserError):
    """The database failed an integrity check; writing has been stopped."""

    def __init__(self, result: CheckResult, message: str):
        super().__init__(message, 1)
        self.result = result


def _check_once(store: Store, pragma: str, foreign_keys: bool,
                tables: tuple[str, ...] | None = None) -> list[str]:
    """One check on a fresh connection of its own (never a pooled one: see ``Store.fresh``).

    ``tables``: only those tables and their indexes (``PRAGMA quick_check(t)``,
    ``PRAGMA foreign_key_check(t)``); None: the whole file.
    A file too damaged to finish the check (SQLite raises "database disk image is malformed",
    inside foreign_key_check or anywhere) is a finding, not a crash."""
    import sqlcipher3

    try:
        conn = store.fresh_connection()
    except DamagedDatabase:  # even the schema cannot be read
        return ["the start of the file cannot be read (SQLite: the disk image is malformed)"]
    try:
        with long_work(conn):
            try:
                targets = [""] if tables is None else [f'("{_name(t)}")' for t in tables]
                problems = []
                for target in targets:
                    rows = [line for row in conn.execute(f"PRAGMA {pragma}{target}").fetchall()
                            for line in str(row[0]).splitlines()
                            if line.strip() and not line.startswith("*** in database")]
                    problems += [] if rows == ["ok"] else rows
                if foreign_keys:
                    for target in targets:
                        for table, rowid, parent, _fk in conn.execute(
                                f"PRAGMA foreign_key_check{target}").fetchall():
                            problems.append(f"a row of {table} (rowid {rowid}) points at a missing {parent}")
            except sqlcipher3.DatabaseError as exc:
                if "interrupt" in str(exc).lower():
                    raise  # long_work makes it Interrupted
                if not isinstance(classify_error(exc, store.path), DamagedDatabase):
                    raise classify_error(exc, store.path) or StoreError(
                        f"The check of {store.path.name} could not run. Nothing was changed.") from None
                problems = ["a part of the file cannot be read (SQLite: the disk image is malformed)"]
    finally:
        conn.close()
    return problems


def _name(table: str) -> str:
    if not table.replace("_", "").isalnum():
        raise ValueError(f"not a table name: {table!r}")
    return table


def _check(store: Store, kind: str, tables: tuple[str, ...] | None = None) -> CheckResult:
    """The check, and any failure confirmed on a second fresh connection before it counts:
    a check must never call a sound file damaged."""
    pragma, fks = {"full": ("integrity_check", True), "quick": ("quick_check", False),
                   "export": ("quick_check", True)}[kind]
    extra = () if tables is None else (tables,)  # the whole file: called as it always was
    problems = _check_once(store, pragma, fks, *extra)
    if problems:
        problems = _check_once(store, pragma, fks, *extra)
    return CheckResult(not problems, kind, problems)


def quick_check(store: Store) -> CheckResult:
    """``PRAGMA quick_check``: fast (no index cross-checks), run at every unlock."""
    return _check(store, "quick")


def full_check(store: Store) -> CheckResult:
    """``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``: before a backup or export."""
    return _check(store, "full")


def tables_check(store: Store, tables: Iterable[str]) -> CheckResult:
    """Before an export: the tables a return reads, each with its indexes, and nothing else.

    ``PRAGMA quick_check(t)`` reads every page of the table's b-tree and of each of its indexes'
    b-trees and checks their structure; SQLCipher also checks each page's HMAC as it reads it, so
    a damaged page anywhere in them is found. ``PRAGMA foreign_key_check(t)``: no row of those
    tables points at a missing row. What it leaves to the full check (before a backup): the other
    tables, and the cross-check of index entries against table rows (which disk damage cannot
    make consistent again without breaking a page's HMAC). At 50,000 carers about 3 s instead of
    the whole file's 15."""
    return _check(store, "export", tuple(tables))


def damaged_message(path: Path, result: CheckResult, newest_backup: Path | None) -> str:
    lines = [
        f"The database {path.name} failed its {result.kind} check: it is damaged.",
        "ycworker has stopped saving to it so nothing more is lost. You can still read it.",
        f"What was found: {result.summary()}.",
    ]
    if newest_backup is not None:
        lines.append(f"The newest good backup is {newest_backup.name}: restore it "
                     f"(ycworker restore {newest_backup}) and tell your manager.")
    else:
        lines.append("There is no good backup to restore. Tell your manager before doing anything else.")
    return "\n".join(lines)


@dataclass
class _CheckedAhead:
    """A sound ``tables_check`` and the file's state it saw: ``version`` is SQLite's
    ``data_version`` on ``watch``, a connection of its own that never writes, read before the check
    began. Any commit since, by this process or another, changes what ``watch`` reads."""

    watch: Any
    version: int
    tables: frozenset[str]
    result: CheckResult

    def close(self) -> None:
        self.watch.close()

    def still_holds(self, tables: Iterable[str]) -> bool:
        try:
            return (frozenset(tables) <= self.tables
                    and self.watch.execute("PRAGMA data_version").fetchone()[0] == self.version)
        except Exception:  # the watching connection has gone: check again
            return False


def check_ahead(store: Store, tables: Iterable[str]) -> bool:
    """Run the export's check (``tables_check``) now, while the worker reads the figures, and keep
    the sound result with the store until anything is written to the file: an export straight
    after it (``require_sound`` with the same tables) then needs no second check. A damaged file
    keeps nothing (the export's own check finds it and says so). Never raises: at worst the export
    checks as before. True when a sound result is kept."""
    tables = tuple(tables)
    try:
        watch = store.fresh_connection()
    except Exception:
        return False
    try:
        version = watch.execute("PRAGMA data_version").fetchone()[0]
        result = tables_check(store, tables)
    except Exception:  # locked, closed or interrupted meanwhile
        watch.close()
        return False
    if not result.ok:
        watch.close()
        return False
    return store.keep_aside(_CheckedAhead(watch, version, frozenset(tables), result))


def require_sound(store: Store, *, before: str = "a backup",
                  tables: Iterable[str] | None = None) -> CheckResult:
    """Run the full check (or, given ``tables``, ``tables_check`` of just those); on failure stop
    writing and raise IntegrityFailure (plain message).

    Export code calls this before writing a return with the tables the return reads:
    ``integrity.require_sound(store, before="an export", tables=...)``. A sound ``check_ahead`` of
    those tables with nothing written since stands for the check (and is used once).
    """
    if tables is not None:
        tables = tuple(tables)
        ahead = store.aside
        if isinstance(ahead, _CheckedAhead) and ahead.still_holds(tables):
            store.keep_aside(None)  # once: the export writes its seal, the next one checks
            return ahead.result
    result = full_check(store) if tables is None else tables_check(store, tables)
    if not result.ok:
        message = damaged_message(store.path, result, newest_good_backup(store.path, store.key_hex))
        store.stop_writing(message)
        raise IntegrityFailure(result, f"Not making {before}. " + message)
    return result


#: Up to this size the quick check runs before the home screen shows (about a second). A larger
#: file (a whole service's caseload: 1 GB at 50,000 carers, 10 s of checking) is checked in the
#: background straight after unlock, so the worker is not kept waiting at every unlock.
INLINE_CHECK_BYTES = 128 * 1024 * 1024


def check_in_background(store: Store) -> bool:
    """Is this file big enough that the unlock check should not hold up the home screen?"""
    size = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            size += Path(str(store.path) + suffix).stat().st_size
    return size > INLINE_CHECK_BYTES


def check_at_unlock(store: Store) -> CheckResult:
    """Quick check at unlock; on failure writing stops (the caller shows damaged_message)."""
    result = quick_check(store)
    if not result.ok:
        result.restore_from = newest_good_backup(store.path, store.key_hex)
        store.stop_writing(damaged_message(store.path, result, result.restore_from))
    return result
