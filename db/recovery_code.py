"""The recovery code: the data key itself, in groups a person copies onto paper, with a checksum.

Crockford base32 (no I, L, O or U; O is read as 0, I and L as 1), the 32-byte key and a 3-byte
checksum (SHA-256 of the key): 56 characters in 14 groups of 4. A typo is caught by the checksum
(1 in 16 million slips through) before the database is tried.
"""

from __future__ import annotations

import hashlib
import hmac

from db.slot_crypto import DATA_KEY_BYTES, RecoveryCodeTypo

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_CHECK_BYTES = 3
RECOVERY_CHARS = (DATA_KEY_BYTES + _CHECK_BYTES) * 8 // 5  # 56
RECOVERY_GROUP = 4


def _check(data_key: bytes) -> bytes:
    return hashlib.sha256(b"ycworker recovery key v1" + data_key).digest()[:_CHECK_BYTES]


def recovery_code(data_key: bytes) -> str:
    """The data key as a code a person copies onto paper: 14 groups of 4, e.g. ``7KQ2 M0XD ...``."""
    number = int.from_bytes(data_key + _check(data_key), "big")
    chars = [_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(RECOVERY_CHARS))]
    text = "".join(chars)
    return " ".join(text[i:i + RECOVERY_GROUP] for i in range(0, RECOVERY_CHARS, RECOVERY_GROUP))


def data_key_from_recovery(code: str) -> bytes:
    """The data key a recovery code holds. Spaces, dashes and case do not matter; O reads as 0 and
    I or L as 1. Raises RecoveryCodeTypo (a sentence saying what is wrong) before any file is tried."""
    text = "".join(_READ_AS.get(c, c) for c in code.upper() if c not in " -\t\r\n")
    if len(text) != RECOVERY_CHARS:
        raise RecoveryCodeTypo(
            f"A recovery key has {RECOVERY_CHARS} letters and digits "
            f"({RECOVERY_CHARS // RECOVERY_GROUP} groups of {RECOVERY_GROUP}); this one has {len(text)}.")
    strange = sorted({c for c in text if c not in _ALPHABET})
    if strange:
        raise RecoveryCodeTypo(
            f"A recovery key has no {', '.join(repr(c) for c in strange)}: check it against the paper.")
    number = 0
    for c in text:
        number = (number << 5) | _ALPHABET.index(c)
    raw = number.to_bytes(DATA_KEY_BYTES + _CHECK_BYTES, "big")
    data_key, check = raw[:DATA_KEY_BYTES], raw[DATA_KEY_BYTES:]
    if not hmac.compare_digest(check, _check(data_key)):
        raise RecoveryCodeTypo("That recovery key has a typo: check each group against the paper.")
    return data_key
