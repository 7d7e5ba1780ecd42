"""The key of a store file: a random data key opened through the worker's key slot (``db/keyslots.py``),
or, for a file made before key slots (a *legacy* file), PBKDF2-HMAC-SHA512 of the passphrase and the
file's 16-byte salt (SQLCipher's own: the first 16 bytes of the file).

``key_for_file`` gives the raw key (hex) a passphrase gives for a file: through ``<file>.keys`` when
there is one (a database, or a backup with its copy of the keys file), else the legacy way.
``rekey_raw`` moves a closed file from one raw key to another (``PRAGMA rekey``), used by a manager's
rekey, the migration of a legacy file, and a restore.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from db.errors import NotADatabase, StoreError, WrongPassphrase
from db.identify import identify
from db.slot_crypto import normalise

KDF_ITERATIONS = 256_000
SALT_BYTES = 16
LAST_WORKER_SUFFIX = ".last-worker"


def derive_key(passphrase: str, salt: bytes, iterations: int = KDF_ITERATIONS) -> bytes:
    """The legacy key (files made before key slots). The passphrase is used as typed then."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, dklen=32)


def legacy_keys(passphrase: str, salt: bytes) -> list[str]:
    """The legacy key as typed, and NFC-normalised if that differs (hex)."""
    keys = [derive_key(passphrase, salt).hex()]
    if normalise(passphrase) != passphrase:
        keys.append(derive_key(normalise(passphrase), salt).hex())
    return keys


def read_salt(path: Path) -> bytes | None:
    """The salt SQLCipher keeps in the first 16 bytes of an existing file, or None for a new one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return head if len(head) == SALT_BYTES else None


def key_for_file(path: Path | str, passphrase: str) -> str:
    """The raw key (hex) that ``passphrase`` gives for the existing file at ``path``: the data key
    of the slot it opens in ``<path>.keys``, else (no keys file) the legacy PBKDF2 key. Raises
    WrongPassphrase when the passphrase opens no slot."""
    from db import keyslots

    path = Path(path)
    identify(path)
    salt = read_salt(path)
    if salt is None:
        raise NotADatabase(f"{path} is not a ycworker database (it is empty or missing).")
    if keyslots.keys_path(path).exists():
        try:
            return keyslots.KeySlotFile.load(path).unlock(passphrase).data_key.hex()
        except keyslots.WrongPassphrase:
            raise WrongPassphrase(
                "That passphrase does not open this database. Nothing was changed.") from None
        except keyslots.KeySlotError as exc:
            raise StoreError(str(exc)) from None
    return derive_key(passphrase, salt).hex()


def last_worker_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LAST_WORKER_SUFFIX)


def last_worker(db_path: Path) -> list[str]:
    """The worker id that unlocked last (its slot is tried first), or nothing."""
    import uuid

    try:
        text = last_worker_path(db_path).read_text("ascii").strip()
        uuid.UUID(text)
    except (OSError, UnicodeDecodeError, ValueError):
        return []
    return [text]


def remember_worker(db_path: Path, worker_id: str) -> None:
    """Kept beside the file (an id, no name), so the next unlock tries that slot first."""
    import contextlib
    import os

    path = last_worker_path(db_path)
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, worker_id.encode("ascii", "ignore"))
        finally:
            os.close(fd)


def record_id(slot_worker_id: str) -> str:
    """The Worker row's id (32 hex digits, as every record's) of a slot's worker id (a UUID)."""
    import uuid

    return uuid.UUID(slot_worker_id).hex


def slot_id(worker_record_id: str) -> str:
    """The slot's worker id (a UUID with dashes, as the keys file keeps it) of a Worker row's id."""
    import uuid

    return str(uuid.UUID(worker_record_id))
