"""Opening a worker's key slot with their passphrase, before any of the database code is loaded.

This is the part of an unlock that needs no SQLAlchemy, SQLModel or models: the delay that failed
attempts ask for, scrypt, and the data key proved on the file's first page. It imports only the
standard library, ``cryptography`` and the small db modules that need neither, so an unlock can run
it on one thread while another imports the database code: scrypt releases the GIL, so at launch
the two (about 180 ms each on a 2-core laptop) overlap instead of adding up
(``ycworker.protection.unlocking.open_file``). ``db.engine.open_store`` takes what it returns.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db import keyslots
from db.errors import StoreError, WrongPassphrase
from db.identify import identify, prove_key
from db.keys import last_worker, read_salt, record_id, slot_id
from db.unlock_attempts import Attempts


@dataclass(frozen=True)
class SlotOpened:
    """A slot the passphrase opened: the data key, who is acting, the failed attempts before."""

    path: Path
    data_key: bytes
    acting: tuple[str, str, str]  # (worker id, name, role)
    failed_unlocks: list[datetime]


def slot_error(exc: keyslots.KeySlotError) -> StoreError:
    if isinstance(exc, keyslots.WrongPassphrase):
        return WrongPassphrase("That passphrase does not open this database. Nothing was changed.")
    return StoreError(str(exc))


def _proves(path: Path) -> Callable[[bytes], bool]:
    def attempt(key: bytes) -> bool:
        try:
            prove_key(path, key.hex())
        except WrongPassphrase:
            return False
        return True
    return attempt


def unlock_slot(path: Path, passphrase: str, sleep: Callable[[float], object] = time.sleep
                ) -> tuple[bytes, tuple[str, str, str], list[datetime]]:
    """The data key of the slot ``passphrase`` opens (after the delay failed attempts ask for; a
    failure is counted in ``<db>.attempts`` and nothing else is written), who is acting, and the
    failed attempts before this one. Raises WrongPassphrase or StoreError."""
    attempts = Attempts(path)
    delay = attempts.delay_before_attempt()
    if delay > 0:
        sleep(delay)
    try:
        keys = keyslots.KeySlotFile.load(path)
        opened = keys.unlock(passphrase, try_key=_proves(path),
                             prefer=[slot_id(w) for w in last_worker(path)])
    except keyslots.WrongPassphrase:
        attempts.record_failure()
        raise WrongPassphrase("That passphrase does not open this database. Nothing was changed.") from None
    except keyslots.KeySlotError as exc:
        raise slot_error(exc) from None
    if opened.rekey_interrupted:
        keys.settle(opened.data_key)
    info = opened.slot
    return opened.data_key, (record_id(info.worker_id), info.name, info.role), attempts.record_success()


def open_slot(path: Path | str, passphrase: str, sleep: Callable[[float], object] = time.sleep
              ) -> SlotOpened | None:
    """For an existing file with a keys file: its slot opened (``unlock_slot``). None for a new
    file or one from before key slots: ``open_store`` does all of those itself. Raises
    NotADatabase, WrongPassphrase or StoreError, as ``open_store`` would."""
    path = Path(path).expanduser()
    identify(path)
    if read_salt(path) is None or not keyslots.keys_path(path).exists():
        return None
    key, acting, failures = unlock_slot(path, passphrase, sleep)
    return SlotOpened(path, key, acting, failures)
