"""The store's typed errors, each a plain sentence: wrong passphrase, not a database, damaged,
busy, read-only, disk full; and ``classify_error``, which turns a driver error into one of them.

No SQL, parameters or secrets ever reach these messages.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A problem with the database file a user can act on. Its text is a plain sentence (no
    SQL, no parameters): it may be shown as it is."""


class WrongPassphrase(StoreError):
    """The passphrase does not open this file. Exit code 3 on the command line."""


class NotADatabase(StoreError):
    """The file is not a ycworker database: a folder, a plain SQLite file, a text file (a CSV),
    a file cut short. Said as what it is, never as a wrong passphrase."""


class DamagedDatabase(StoreError):
    """SQLite found damage in the file (a page it cannot read). Writing has stopped."""


class DatabaseBusy(StoreError):
    """Another ycworker (another window or command) kept the file busy for the whole wait."""


class ReadOnlyDatabase(StoreError):
    """The file (or its folder) does not allow writing; ycworker will not change that."""


class DiskFull(StoreError):
    """The disk is full: the write was not made (SQLite rolled it back)."""


def damaged_sentence(path: Path) -> str:
    return (f"The database {Path(path).name} is damaged: SQLite found a part of the file it cannot "
            "read. ycworker has stopped saving to it so nothing more is lost. Tell your manager; "
            "restore the newest good backup (F9, Backups, or ycworker restore FILE).")


def busy_sentence(path: Path) -> str:
    return (f"Another ycworker is working on {Path(path).name} (another window or command) and "
            "kept it busy. Nothing was changed; try again when it has finished.")


def read_only_sentence(path: Path) -> str:
    return (f"ycworker cannot write to {Path(path).name}: the file or its folder is read-only "
            "(its permissions do not allow writing). Nothing was changed; you can still read it.")


def disk_full_sentence(path: Path) -> str:
    return (f"The disk holding {Path(path).name} is full: nothing was saved. Free some space "
            "(or ask IT), then try again.")


def classify_error(exc: BaseException, path: Path) -> StoreError | None:
    """A driver error as a plain StoreError of its kind, or None if it is not about the file."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "malformed" in text or "file is not a database" in text or "file is encrypted" in text:
        return DamagedDatabase(damaged_sentence(path))
    if "database is locked" in text or "database is busy" in text or "database table is locked" in text:
        return DatabaseBusy(busy_sentence(path))
    if "readonly database" in text or "read-only" in text:
        return ReadOnlyDatabase(read_only_sentence(path))
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(disk_full_sentence(path))
    if "disk i/o error" in text:
        return StoreError(f"The disk holding {Path(path).name} could not be read or written "
                          "(a disk error). Nothing more was saved; try again, then tell your manager.")
    return None
