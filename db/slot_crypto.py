"""The cryptography of one key slot: scrypt from a passphrase, an X25519 key pair, AES-256-GCM seals.

All primitives come from `cryptography` (scrypt, X25519, HKDF-SHA256, AES-GCM); nothing here is
hand-written. How the slots fit together, and why, is in ``db/keyslots.py``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

FORMAT = "ycworker-keys"
VERSION = 1
DATA_KEY_BYTES = 32
MIN_PASSPHRASE = 10
ROLES = ("worker", "manager")


@dataclass(frozen=True)
class KdfCost:
    """scrypt's cost: memory is 128 * n * r bytes (64 MiB for the default)."""

    n: int = 2**16
    r: int = 8
    p: int = 1


#: About 220 ms and 64 MiB per slot tried on the reference laptop (2 cores); see the README.
DEFAULT_KDF = KdfCost()
_MAX_N, _MAX_R, _MAX_P = 2**20, 32, 16  # refuse a keys file that asks for gigabytes


class KeySlotError(Exception):
    """A problem with the keys file a person can act on (the message is a sentence)."""


class WrongPassphrase(KeySlotError):
    """The passphrase opens no slot (exit code 3)."""


class KeysFileMissing(KeySlotError):
    """There is no keys file beside the database."""


class KeysFileDamaged(KeySlotError):
    """The keys file cannot be read."""


class RecoveryCodeTypo(KeySlotError):
    """The recovery code is mistyped (caught by its checksum, before the database is tried)."""


class KeysDoNotOpen(KeySlotError):
    """A slot opened, but none of its keys opens the database."""


# -- passphrases ---------------------------------------------------------------------------------


def normalise(passphrase: str) -> str:
    """The passphrase as used everywhere: Unicode NFC ("café" typed either way is the same)."""
    return unicodedata.normalize("NFC", passphrase)


def check_new_passphrase(passphrase: str) -> str | None:
    """Why a new passphrase is refused, as a sentence, or None if it will do. Unlock never asks."""
    length = len(normalise(passphrase))
    if length < MIN_PASSPHRASE:
        return f"A passphrase needs at least {MIN_PASSPHRASE} characters; this one has {length}."
    return None


def require_new_passphrase(passphrase: str) -> str:
    problem = check_new_passphrase(passphrase)
    if problem:
        raise KeySlotError(problem)
    return normalise(passphrase)


# -- primitives (all from `cryptography`) ---------------------------------------------------------


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def key_id(data_key: bytes) -> str:
    """A short public name of a data key (which key a wrap holds, without holding it)."""
    return hkdf(data_key, b"ycworker key id v1")[:8].hex()


def _slot_key(passphrase: str, kdf: dict[str, Any]) -> bytes:
    n, r, p = kdf["n"], kdf["r"], kdf["p"]
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= _MAX_R and 0 < p <= _MAX_P):
        raise KeysFileDamaged("The keys file asks for an impossible key derivation: it is damaged.")
    scrypt = Scrypt(salt=unb64(kdf["salt"]), length=32, n=n, r=r, p=p)
    return scrypt.derive(normalise(passphrase).encode("utf-8"))


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


# -- slots -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotInfo:
    """Who a slot belongs to: all a caller needs after an unlock."""

    worker_id: str
    name: str
    role: str


@dataclass(frozen=True)
class Slot:
    worker_id: str
    name: str
    role: str
    kdf: dict[str, Any]  # {"name": "scrypt", "n", "r", "p", "salt"}
    public_key: str
    private_key: dict[str, Any]  # {"nonce", "sealed"}
    wrap: dict[str, Any]  # {"ephemeral", "nonce", "sealed", "mac"}
    pending: dict[str, Any] | None = None

    @property
    def info(self) -> SlotInfo:
        return SlotInfo(self.worker_id, self.name, self.role)

    def binding(self) -> bytes:
        """The associated data of every seal in this slot: who it is for, in what role."""
        fields = {"format": f"{FORMAT}/{VERSION}", "worker_id": self.worker_id, "name": self.name,
                  "role": self.role, "public_key": self.public_key}
        return json.dumps(fields, sort_keys=True, ensure_ascii=True).encode("ascii")

    def as_json(self) -> dict[str, Any]:
        out = {"worker_id": self.worker_id, "name": self.name, "role": self.role, "kdf": self.kdf,
               "public_key": self.public_key, "private_key": self.private_key, "wrap": self.wrap}
        if self.pending is not None:
            out["pending"] = self.pending
        return out


def seal_to(slot: Slot, data_key: bytes) -> dict[str, Any]:
    """The data key sealed to the slot's public key, with a MAC of the slot under the data key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_pub = _raw_public(ephemeral.public_key())
    slot_pub = unb64(slot.public_key)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot_pub))
    wrap_key = hkdf(shared, b"ycworker slot wrap v1" + ephemeral_pub + slot_pub)
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(wrap_key).encrypt(nonce, data_key, slot.binding())
    return {"ephemeral": b64(ephemeral_pub), "nonce": b64(nonce), "sealed": b64(sealed),
            "mac": b64(slot_mac(slot, data_key))}


def slot_mac(slot: Slot, data_key: bytes) -> bytes:
    return hmac.new(hkdf(data_key, b"ycworker slot mac v1"), slot.binding(), hashlib.sha256).digest()


def open_wrap(slot: Slot, private: X25519PrivateKey, wrap: dict[str, Any]) -> bytes:
    ephemeral_pub = unb64(wrap["ephemeral"])
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_pub))
    wrap_key = hkdf(shared, b"ycworker slot wrap v1" + ephemeral_pub + unb64(slot.public_key))
    return AESGCM(wrap_key).decrypt(unb64(wrap["nonce"]), unb64(wrap["sealed"]), slot.binding())


def seal_private(slot: Slot, private: X25519PrivateKey, passphrase: str, cost: KdfCost) -> Slot:
    """The slot with a new salt and its private key sealed under the new passphrase."""
    kdf = {"name": "scrypt", "n": cost.n, "r": cost.r, "p": cost.p, "salt": b64(secrets.token_bytes(16))}
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_slot_key(passphrase, kdf)).encrypt(nonce, _raw_private(private), slot.binding())
    return replace(slot, kdf=kdf, private_key={"nonce": b64(nonce), "sealed": b64(sealed)})


def open_private(slot: Slot, passphrase: str) -> X25519PrivateKey | None:
    """The slot's private key, or None if the passphrase (or a damaged slot) does not open it:
    one damaged slot never keeps the other workers out."""
    if slot.kdf.get("name") != "scrypt":
        return None
    try:
        raw = AESGCM(_slot_key(passphrase, slot.kdf)).decrypt(
            unb64(slot.private_key["nonce"]), unb64(slot.private_key["sealed"]), slot.binding())
        return X25519PrivateKey.from_private_bytes(raw)
    except (InvalidTag, KeysFileDamaged, ValueError, KeyError, TypeError):
        return None


def new_slot(data_key: bytes, worker_id: str, name: str, role: str, passphrase: str,
              cost: KdfCost) -> Slot:
    if role not in ROLES:
        raise KeySlotError(f"A worker's role is worker or manager, not {role!r}.")
    name = normalise(name).strip()
    if not name:
        raise KeySlotError("A worker needs a name.")
    private = X25519PrivateKey.generate()
    slot = Slot(worker_id=str(uuid.UUID(worker_id)), name=name, role=role, kdf={},
                public_key=b64(_raw_public(private.public_key())), private_key={}, wrap={})
    slot = seal_private(slot, private, require_new_passphrase(passphrase), cost)
    return replace(slot, wrap=seal_to(slot, data_key))


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)
