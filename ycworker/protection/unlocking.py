"""Unlocking the store: open the file with the passphrase, prepare it, and read what the unlock screen needs.

The unlock screen calls ``unlock`` once, off the UI thread, and gets the open store with its
``UnlockInfo`` (the quick check, the workers to choose from, the lock policy) back, or a sentence:
``WrongPassphrase`` (counted as a failed unlock), another ``StoreError`` (the file would not open),
or ``UnlockFailed`` (it opened but could not be read; the store is closed again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from db.engine import Store, StoreError, WrongPassphrase, open_store
from ycworker.common.errors import UserError, describe
from ycworker.protection.session import UnlockInfo, after_open

__all__ = ["RemovedFromTeam", "StoreError", "UnlockFailed", "Unlocked", "WrongPassphrase", "open_file",
           "refuse_if_removed", "unlock"]


class UnlockFailed(UserError):
    """The database opened with the passphrase but could not be read (it was closed again)."""


class RemovedFromTeam(UnlockFailed):
    """This laptop was removed from its team: no passphrase opens it (``common.team_removal``)."""


def refuse_if_removed(store: Store) -> None:
    """Close the store and raise ``RemovedFromTeam`` when the team server removed this laptop."""
    from ycworker.common import team_removal

    with store.read() as session:
        sentence = team_removal.refusal(session)
    if sentence is not None:
        store.close()
        raise RemovedFromTeam(sentence)


@dataclass
class Unlocked:
    """The open store and what the unlock screen shows next (a damage panel or the worker picker)."""

    store: Store
    info: UnlockInfo


def open_file(path: Path, passphrase: str) -> Store:
    """Open (creating and migrating if need be). Raises WrongPassphrase or StoreError."""
    return open_store(path, passphrase)


def unlock(path: Path, passphrase: str, prepare: Callable[[Store], object] | None = None) -> Unlocked:
    """Open the file, run ``prepare`` on it (the App's demo fill, when asked for), then
    ``after_open``. Any failure after the file opened closes it and raises ``UnlockFailed``."""
    store = open_file(path, passphrase)
    refuse_if_removed(store)
    try:
        if prepare is not None:
            prepare(store)
        info = after_open(store)
    except Exception as exc:
        store.close()
        raise UnlockFailed(f"The database opened but could not be read. {describe(exc)}") from exc
    return Unlocked(store, info)
