"""Unlocking the store: open the file with the passphrase, prepare it, and read what the unlock screen needs.

The unlock screen calls ``unlock`` once, off the UI thread, and gets the open store with its
``UnlockInfo`` (the quick check, the workers to choose from, the lock policy) back, or a sentence:
``WrongPassphrase`` (counted as a failed unlock), another ``StoreError`` (the file would not open),
or ``UnlockFailed`` (it opened but could not be read; the store is closed again).

Importing this module loads no database code: ``open_file`` starts the passphrase's key derivation
on a second thread first, then imports SQLAlchemy, SQLModel and the models on this one.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import StoreError, WrongPassphrase
from ycworker.common.errors import UserError, describe

if TYPE_CHECKING:
    from db.engine import Store
    from ycworker.protection.session import UnlockInfo

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


def _load_store_code() -> None:
    """The database code an open needs: SQLAlchemy, SQLModel, the engine and every model
    (about 400 ms of imports at launch, the most of it holding the GIL)."""
    import db.engine
    import db.outbox  # noqa: F401  (the models, loaded by the engine's first connection)
    import ycworker.protection.session  # noqa: F401  (after_open, next)


def open_file(path: Path, passphrase: str) -> Store:
    """Open (creating and migrating if need be). Raises WrongPassphrase or StoreError.

    The worker's slot is opened (scrypt, which releases the GIL) on a second thread while this one
    imports the database code, so the two overlap instead of adding up; a wrong passphrase is
    told as before, once both are done."""
    from db.slot_unlock import open_slot

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ycworker-kdf") as pool:
        slot = pool.submit(open_slot, path, passphrase)
        _load_store_code()
        opened = slot.result()
    from db.engine import open_store

    return open_store(path, passphrase, opened=opened)


def unlock(path: Path, passphrase: str, prepare: Callable[[Store], object] | None = None) -> Unlocked:
    """Open the file, run ``prepare`` on it (the App's demo fill, when asked for), then
    ``after_open``. Any failure after the file opened closes it and raises ``UnlockFailed``."""
    from ycworker.protection.session import after_open

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
