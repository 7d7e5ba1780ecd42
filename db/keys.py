"""The key of a store file: the passphrase stretched with PBKDF2-HMAC-SHA512 and the file's 16-byte salt.

The salt is SQLCipher's own: the first 16 bytes of the file (see ``db.engine``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from db.errors import NotADatabase
from db.identify import identify

KDF_ITERATIONS = 256_000
SALT_BYTES = 16


def derive_key(passphrase: str, salt: bytes, iterations: int = KDF_ITERATIONS) -> bytes:
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, iterations, dklen=32)


def read_salt(path: Path) -> bytes | None:
    """The salt SQLCipher keeps in the first 16 bytes of an existing file, or None for a new one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return head if len(head) == SALT_BYTES else None


def key_for_file(path: Path | str, passphrase: str) -> str:
    """The raw key (hex) that ``passphrase`` gives for the existing file at ``path``."""
    identify(Path(path))
    salt = read_salt(Path(path))
    if salt is None:
        raise NotADatabase(f"{path} is not a ycworker database (it is empty or missing).")
    return derive_key(passphrase, salt).hex()
