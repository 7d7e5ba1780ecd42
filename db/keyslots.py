"""Key slots: the database's random data key, wrapped once per worker, in ``<db>.keys`` beside it.

The data key is 32 random bytes made when the database is made (and again by a rekey); SQLCipher is
given it raw. It is never derived from a passphrase. Each worker has a **slot** in the keys file:

- ``kdf``: scrypt parameters and the slot's own salt. scrypt (memory-hard) turns the worker's
  passphrase, NFC-normalised, into a 32-byte slot key.
- ``public_key`` / ``private_key``: the slot's X25519 key pair. The private half is sealed with
  AES-256-GCM under the slot key. The associated data binds it to the slot's worker id, role, name
  and public key, so editing any of them in the JSON makes the slot refuse every passphrase.
- ``wrap``: the data key sealed *to the public key* (an ephemeral X25519 agreement, HKDF-SHA256, then
  AES-256-GCM with the same binding as associated data), plus ``mac``: an HMAC of the binding under a
  key derived from the data key, which a rekey checks before trusting a public key.
- ``pending`` (only while a rekey is under way): the same as ``wrap`` for the new data key.

Why a key pair per slot and not the data key sealed straight under the slot key: a manager's rekey
must rewrap *every* slot, and the manager knows only their own passphrase. Sealing to each slot's
public key lets the rekey reach every slot, while opening a slot still needs that worker's
passphrase. A change of one's own passphrase reseals only that slot's private key and salt.

**Rekey in two phases.** Phase 1 writes ``pending`` into every slot (the file now holds the old and
the new data key, each sealed to every slot); the engine then rekeys the database; phase 2 makes the
pending wraps current. ``key_id`` and ``pending_key_id`` (HKDF of the key, 8 bytes) say which key
each is. A crash at any moment leaves the file openable with the passphrases it opened with before,
and whichever key the database is under: ``unlock(try_key=...)`` tries the current key and then the
pending one, and ``settle`` finishes or drops the interrupted rekey.

**Recovery key.** The recovery code *is* the data key, written in Crockford base32 (no I, L, O or U)
with a 24-bit checksum: 56 characters in 14 groups of 4. It opens the database with nothing else,
so losing or damaging the keys file loses nothing; a rekey makes a new data key and so a new code.
A typo is caught by the checksum (a miss is 1 in 16 million) before the database is even tried.
The code is as strong as the key (256 bits), so it needs no KDF.

Every change is written atomically (a temporary file in the same folder, written, fsync-ed, renamed
over the keys file, then the folder fsync-ed), 0600, under a lock so that two processes changing
slots at once do not lose each other's change. A wrong passphrase writes nothing.

One slot's cryptography is in ``db/slot_crypto.py``, the recovery code in ``db/recovery_code.py``,
the delay after failed attempts in ``db/unlock_attempts.py``; this module re-exports what callers need.
"""

from __future__ import annotations

import contextlib
import fcntl
import hmac
import json
import os
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag

from db.files import fsync_dir
from db.recovery_code import data_key_from_recovery, recovery_code
from db.slot_crypto import (
    DEFAULT_KDF,
    FORMAT,
    VERSION,
    KdfCost,
    KeysDoNotOpen,
    KeysFileDamaged,
    KeysFileMissing,
    KeySlotError,
    RecoveryCodeTypo,
    Slot,
    SlotInfo,
    WrongPassphrase,
    check_new_passphrase,
    key_id,
    new_data_key,
    new_slot,
    normalise,
    open_private,
    open_wrap,
    require_new_passphrase,
    seal_private,
    seal_to,
    slot_mac,
    unb64,
)

# -- files -------------------------------------------------------------------------------------------


def keys_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".keys")


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old file or the new, never a mix:
    a temporary file in the same folder (0600), written, fsync-ed, renamed, the folder fsync-ed."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One slot change at a time across processes (an advisory lock on the folder)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _parse(raw: bytes) -> tuple[list[Slot], str, str | None]:
    try:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("format") != FORMAT:
            raise ValueError("format")
        if doc.get("version") != VERSION:
            raise KeysFileDamaged("The keys file was written by a newer ycworker: update ycworker.")
        slots = [Slot(worker_id=s["worker_id"], name=s["name"], role=s["role"], kdf=dict(s["kdf"]),
                      public_key=s["public_key"], private_key=dict(s["private_key"]), wrap=dict(s["wrap"]),
                      pending=dict(s["pending"]) if s.get("pending") else None)
                 for s in doc["slots"]]
        return slots, str(doc["key_id"]), doc.get("pending_key_id")
    except KeysFileDamaged:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise KeysFileDamaged(
            "The keys file beside the database is damaged: open it with the recovery key.") from None


def _serialise(slots: list[Slot], current_id: str, pending_id: str | None) -> bytes:
    doc = {"format": FORMAT, "version": VERSION, "key_id": current_id, "pending_key_id": pending_id,
           "slots": [s.as_json() for s in slots]}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Unlocked:
    """The result of an unlock: who opened it, the data key that opens the database, and whether a
    rekey was found half done (call ``KeySlotFile.settle(data_key)`` to finish or drop it)."""

    slot: SlotInfo
    data_key: bytes
    rekey_interrupted: bool = False


class KeySlotFile:
    """The keys file of one database. Every change re-reads the file under a lock, then replaces it
    atomically; the object then shows what is on disk."""

    def __init__(self, db_path: Path | str, slots: list[Slot], key_id_: str, pending_id: str | None):
        self.db_path = Path(db_path)
        self.path = keys_path(self.db_path)
        self.slots = slots
        self.key_id = key_id_
        self.pending_key_id = pending_id

    # -- making and reading --

    @classmethod
    def create(cls, db_path: Path | str, first_manager_name: str, passphrase: str, *,
               worker_id: str | None = None, data_key: bytes | None = None,
               kdf: KdfCost = DEFAULT_KDF) -> tuple[KeySlotFile, bytes, str]:
        """A new keys file with one manager's slot. Returns (file, data key, recovery code). Refuses
        to replace an existing keys file. ``data_key`` is for a file re-made from a recovery key."""
        data_key = data_key or new_data_key()
        slot = new_slot(data_key, worker_id or str(uuid.uuid4()), first_manager_name, "manager",
                         passphrase, kdf)
        path = keys_path(db_path)
        with _locked(path.parent):
            if path.exists():
                raise KeySlotError("This database already has a keys file.")
            atomic_write(path, _serialise([slot], key_id(data_key), None))
        return cls(db_path, [slot], key_id(data_key), None), data_key, recovery_code(data_key)

    @classmethod
    def load(cls, db_path: Path | str) -> KeySlotFile:
        path = keys_path(db_path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise KeysFileMissing(
                "The keys file beside the database is missing: open it with the recovery key.") from None
        return cls(db_path, *_parse(raw))

    def _change(self, apply: Callable[[list[Slot], str, str | None], tuple[list[Slot], str, str | None]]
                ) -> None:
        with _locked(self.path.parent):
            for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):  # left by a crash
                with contextlib.suppress(OSError):
                    stale.unlink()
            fresh = KeySlotFile.load(self.db_path)
            slots, current, pending = apply(list(fresh.slots), fresh.key_id, fresh.pending_key_id)
            atomic_write(self.path, _serialise(slots, current, pending))
        self.slots, self.key_id, self.pending_key_id = slots, current, pending

    @property
    def workers(self) -> list[SlotInfo]:
        return [s.info for s in self.slots]

    # -- unlocking --

    def unlock(self, passphrase: str, *, try_key: Callable[[bytes], bool] | None = None,
               prefer: Iterable[str] = ()) -> Unlocked:
        """The slot the passphrase opens and the data key. Slots of the worker ids in ``prefer`` are
        tried first (each slot tried costs one KDF). With ``try_key`` the current key and then, during
        an interrupted rekey, the pending one are tried on the database. Writes nothing."""
        order = {wid: i for i, wid in enumerate(prefer)}
        for slot in sorted(self.slots, key=lambda s: order.get(s.worker_id, len(order))):
            private = open_private(slot, passphrase)
            if private is None:
                continue
            candidates = [slot.wrap] + ([slot.pending] if slot.pending else [])
            for wrap in candidates:
                try:
                    data_key = open_wrap(slot, private, wrap)
                except (InvalidTag, ValueError, KeyError):
                    continue
                if try_key is None or try_key(data_key):
                    return Unlocked(slot.info, data_key, self.pending_key_id is not None)
            raise KeysDoNotOpen("Your passphrase is right, but the keys file does not open this "
                                "database: open it with the recovery key.")
        raise WrongPassphrase("That passphrase opens no worker's slot on this database.")

    def settle(self, opened_key: bytes) -> None:
        """After an interrupted rekey: keep the wraps of the key that opened the database."""
        opened = key_id(opened_key)

        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            if pending is None:
                return slots, current, None
            if opened == pending:
                return [replace(s, wrap=s.pending, pending=None) if s.pending else s for s in slots], \
                    pending, None
            if opened == current:
                return [replace(s, pending=None) for s in slots], current, None
            raise KeysDoNotOpen("That key is not one of this keys file's keys.")

        self._change(apply)

    # -- the manager's slot operations (need the data key, i.e. an unlocked database) --

    def _check_key(self, data_key: bytes, current: str, pending: str | None) -> None:
        if pending is not None:
            raise KeySlotError("A change of key was interrupted: lock and unlock again to finish it, "
                               "then try again.")
        if key_id(data_key) != current:
            raise KeysDoNotOpen("That key is not this keys file's key.")

    def add_slot(self, data_key: bytes, name: str, role: str, passphrase: str, *,
                 worker_id: str | None = None, kdf: KdfCost = DEFAULT_KDF) -> SlotInfo:
        slot = new_slot(data_key, worker_id or str(uuid.uuid4()), name, role, passphrase, kdf)

        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            self._check_key(data_key, current, pending)
            if any(s.worker_id == slot.worker_id for s in slots):
                raise KeySlotError(f"{slot.name} already has a passphrase on this database.")
            if any(s.name.casefold() == slot.name.casefold() for s in slots):
                raise KeySlotError(f"There is already a worker called {slot.name}.")
            return slots + [slot], current, pending

        self._change(apply)
        return slot.info

    def remove_slot(self, worker_id: str) -> None:
        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            kept = [s for s in slots if s.worker_id != worker_id]
            if len(kept) == len(slots):
                raise KeySlotError("That worker has no passphrase on this database.")
            if not any(s.role == "manager" for s in kept):
                raise KeySlotError("The last manager cannot be removed: add another manager first.")
            return kept, current, pending

        self._change(apply)

    def reset(self, data_key: bytes, worker_id: str, passphrase: str, *,
              kdf: KdfCost = DEFAULT_KDF) -> SlotInfo:
        """A new slot (new key pair, new salt) for a worker who forgot their passphrase; the old goes."""
        old = next((s for s in self.slots if s.worker_id == worker_id), None)
        if old is None:
            raise KeySlotError("That worker has no passphrase on this database.")
        slot = new_slot(data_key, worker_id, old.name, old.role, passphrase, kdf)

        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            self._check_key(data_key, current, pending)
            if not any(s.worker_id == worker_id for s in slots):
                raise KeySlotError("That worker has no passphrase on this database.")
            return [slot if s.worker_id == worker_id else s for s in slots], current, pending

        self._change(apply)
        return slot.info

    # -- the worker's own passphrase --

    def change_own_passphrase(self, old_passphrase: str, new_passphrase: str, *,
                              kdf: KdfCost = DEFAULT_KDF) -> SlotInfo:
        """Reseal the private key of the slot the old passphrase opens; nothing else changes."""
        new_passphrase = require_new_passphrase(new_passphrase)
        for slot in self.slots:
            private = open_private(slot, old_passphrase)
            if private is not None:
                break
        else:
            raise WrongPassphrase("That is not your current passphrase.")
        resealed = seal_private(slot, private, new_passphrase, kdf)

        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            if slot not in slots:  # changed by another process since this file was read
                raise KeySlotError("Your slot was changed meanwhile: lock, unlock and try again.")
            return [resealed if s == slot else s for s in slots], current, pending

        self._change(apply)
        return slot.info

    # -- rekey, in two phases --

    def begin_rekey(self, data_key: bytes, new_key: bytes) -> str:
        """Phase 1: seal ``new_key`` to every slot beside the current wrap. Returns the new recovery
        code (show it before the database is rekeyed). Every slot's MAC is checked first, so a
        public key swapped into the file is never sent the new key."""
        if key_id(new_key) == key_id(data_key):
            raise KeySlotError("The new key is the old key.")

        def apply(slots: list[Slot], current: str, pending: str | None) -> tuple[list[Slot], str, str | None]:
            self._check_key(data_key, current, pending)
            for s in slots:
                if not hmac.compare_digest(unb64(s.wrap.get("mac", "")), slot_mac(s, data_key)):
                    raise KeysFileDamaged(f"The slot of {s.name} has been tampered with: reset it, "
                                          "then change the key.")
            return [replace(s, pending=seal_to(s, new_key)) for s in slots], current, key_id(new_key)

        self._change(apply)
        return recovery_code(new_key)

    def commit_rekey(self, new_key: bytes) -> None:
        """Phase 2: the new key's wraps become current (call once the database is rekeyed)."""
        if self.pending_key_id != key_id(new_key):
            raise KeySlotError("No change to that key is under way.")
        self.settle(new_key)

    def rewrap_all(self, data_key: bytes, new_key: bytes, rekey_database: Callable[[], None]) -> str:
        """A whole rekey: phase 1, ``rekey_database()``, phase 2. Returns the new recovery code. If
        ``rekey_database`` fails, the pending wraps stay: the next unlock with ``try_key`` finds which
        key the database is under and ``settle`` keeps that one."""
        code = self.begin_rekey(data_key, new_key)
        rekey_database()
        self.commit_rekey(new_key)
        return code


def recover(db_path: Path | str, code: str, manager_name: str, new_passphrase: str, *,
            try_key: Callable[[bytes], bool], worker_id: str | None = None,
            kdf: KdfCost = DEFAULT_KDF) -> tuple[KeySlotFile, bytes, SlotInfo]:
    """Open with the recovery code and give the named manager a new passphrase.

    The code must open the database (``try_key``). If the keys file is readable and holds that key,
    the manager's slot is reset (or added); an interrupted rekey is settled first. If the keys file
    is missing, damaged or of another key, it is set aside as ``<db>.keys.damaged`` and a new one
    is made with this manager's slot alone (the other workers are then given slots again)."""
    data_key = data_key_from_recovery(code)
    if not try_key(data_key):
        raise WrongPassphrase("That recovery key does not open this database.")
    require_new_passphrase(new_passphrase)
    try:
        keys = KeySlotFile.load(db_path)
        if key_id(data_key) not in (keys.key_id, keys.pending_key_id):
            raise KeysFileDamaged("The keys file is of another key.")
    except (KeysFileMissing, KeysFileDamaged):
        path = keys_path(db_path)
        with _locked(path.parent):
            if path.exists():
                os.replace(path, path.with_name(path.name + ".damaged"))
                fsync_dir(path.parent)
        keys, _, _ = KeySlotFile.create(db_path, manager_name, new_passphrase, worker_id=worker_id,
                                        data_key=data_key, kdf=kdf)
        return keys, data_key, keys.slots[0].info
    keys.settle(data_key)
    name = normalise(manager_name).strip().casefold()
    match = next((s for s in keys.slots if (worker_id and s.worker_id == worker_id)
                  or (not worker_id and s.name.casefold() == name)), None)
    if match is not None and match.role != "manager":
        raise KeySlotError(f"{match.name} is not a manager.")
    if match is None:
        info = keys.add_slot(data_key, manager_name, "manager", new_passphrase, worker_id=worker_id, kdf=kdf)
    else:
        info = keys.reset(data_key, match.worker_id, new_passphrase, kdf=kdf)
    return keys, data_key, info


__all__ = [
    "DEFAULT_KDF", "KdfCost", "KeySlotError", "KeySlotFile", "KeysDoNotOpen", "KeysFileDamaged",
    "KeysFileMissing", "RecoveryCodeTypo", "SlotInfo", "Unlocked", "WrongPassphrase", "atomic_write",
    "check_new_passphrase", "data_key_from_recovery", "key_id", "keys_path", "new_data_key",
    "normalise", "recover", "recovery_code",
]
