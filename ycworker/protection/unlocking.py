"""Unlocking the store, for the UI: the screens call this, never db.engine directly."""

from __future__ import annotations

from pathlib import Path

from db.engine import Store, StoreError, WrongPassphrase, open_store

__all__ = ["Store", "StoreError", "WrongPassphrase", "is_new_database", "unlock"]


def is_new_database(path: Path) -> bool:
    return not path.exists() or path.stat().st_size == 0


def unlock(path: Path, passphrase: str) -> Store:
    """Open (creating and migrating if need be). Raises WrongPassphrase or StoreError."""
    return open_store(path, passphrase)
