"""Workers and their passphrases: who can sign in here, a manager adding, removing and resetting
workers, a worker changing their own passphrase, a manager's rekey.

Each service takes the open store and the acting worker (who unlocked it: ``store.acting``) and
refuses a manager's work to anyone else with a sentence ("Only a manager can ..."). A worker's
records live in the database (the Worker row); their passphrase is a slot in ``<db>.keys`` with the
same id. New slots take the key-derivation cost recorded in the acting worker's own slot (the cost
the file was made with), so a file keeps one cost throughout.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select

from db import keyslots
from db.engine import Store, StoreError, rekey_raw, reopen
from db.keys import record_id, slot_id
from db.keyslots import KdfCost, KeySlotError, KeySlotFile
from db.slot_crypto import open_private
from ycworker.common import audit, team_removal
from ycworker.common.errors import UserError
from ycworker.common.workers import WorkerInfo

ROLES = ("worker", "manager")


@dataclass(frozen=True)
class WorkerLine:
    """One worker as ``worker list`` shows them."""

    name: str
    role: str
    can_sign_in: bool
    id: str = ""


def acting_worker(store: Store) -> WorkerInfo:
    """Who unlocked the store (the slot the passphrase opened)."""
    if store.acting is None:
        raise UserError("Nobody is signed in on this database.")
    return WorkerInfo(*store.acting)


def require_manager(acting: WorkerInfo | None, what: str) -> None:
    """Refuse a manager's work to anyone else: "Only a manager can <what>." """
    if acting is None or not acting.is_manager:
        raise UserError(f"Only a manager can {what}.")


def _keys(store: Store) -> KeySlotFile:
    try:
        return KeySlotFile.load(store.path)
    except KeySlotError as exc:
        raise UserError(str(exc)) from None


def _cost(keys: KeySlotFile, acting: WorkerInfo) -> KdfCost:
    slot = next((s for s in keys.slots if record_id(s.worker_id) == acting.id), None)
    if slot is None:
        return keyslots.DEFAULT_KDF
    return KdfCost(n=int(slot.kdf["n"]), r=int(slot.kdf["r"]), p=int(slot.kdf["p"]))


def _check_new(passphrase: str) -> None:
    problem = keyslots.check_new_passphrase(passphrase)
    if problem:
        raise UserError(problem)


def list_workers(store: Store) -> list[WorkerLine]:
    """Every active worker (name order), their role, and whether they can sign in on this laptop
    (a slot in the keys file)."""
    from db.models import Worker

    keys = _keys(store)
    slotted = {record_id(s.worker_id): s for s in keys.slots}
    with store.read() as session:
        rows = session.exec(select(Worker.id, Worker.name, Worker.role)
                            .where(col(Worker.active)).order_by(col(Worker.name))).all()
    lines = [WorkerLine(name, slotted[wid].role if wid in slotted else role, wid in slotted, wid)
             for wid, name, role in rows]
    known = {line.id for line in lines}
    lines += [WorkerLine(s.name, s.role, True, record_id(s.worker_id)) for s in keys.slots
              if record_id(s.worker_id) not in known]
    return sorted(lines, key=lambda w: w.name.casefold())


def _find(store: Store, name: str) -> tuple[str, str, str] | None:
    """(id, name, role) of the active worker of that name (any case), or None."""
    from db.models import Worker

    wanted = keyslots.normalise(name).strip().casefold()
    with store.read() as session:
        rows = session.exec(select(Worker.id, Worker.name, Worker.role).where(col(Worker.active))).all()
    return next(((wid, n, r) for wid, n, r in rows if n.casefold() == wanted), None)


def add_worker(store: Store, acting: WorkerInfo, name: str, passphrase: str, *,
               manager: bool = False) -> WorkerLine:
    """A manager gives a worker a first passphrase: a new worker, or one already in the records
    (the demo's, a migrated file's) who has no slot yet. Refused: not a manager, a name taken."""
    from db.models import Worker

    require_manager(acting, "add a worker")
    name = keyslots.normalise(name).strip()
    if not name:
        raise UserError("A worker needs a name.")
    _check_new(passphrase)
    keys = _keys(store)
    role = "manager" if manager else "worker"
    existing = _find(store, name)
    if existing is not None and any(record_id(s.worker_id) == existing[0] for s in keys.slots):
        raise UserError(f"There is already a worker called {existing[1]} who can sign in here.")
    with store.write() as session:
        if existing is None:
            worker = Worker(name=name, role=role, initials="".join(p[0] for p in name.split())[:3].upper())
            session.add(worker)
            session.flush()
            worker_id = worker.id
        else:
            worker_id, name = existing[0], existing[1]
            row = session.get(Worker, worker_id)
            assert row is not None
            row.role = role
        audit.record(session, "create", "worker", worker_id, acting.id)
        try:  # the slot last: a refusal rolls back the row
            keys.add_slot(store.data_key, name, role, passphrase, worker_id=worker_id,
                          kdf=_cost(keys, acting))
        except KeySlotError as exc:
            raise UserError(str(exc)) from None
    return WorkerLine(name, role, True, worker_id)


def _slot_of(store: Store, keys: KeySlotFile, name: str) -> keyslots.SlotInfo:
    wanted = keyslots.normalise(name).strip().casefold()
    found = _find(store, name)
    for slot in keys.workers:
        if (found and record_id(slot.worker_id) == found[0]) or slot.name.casefold() == wanted:
            return slot
    if found is not None:
        raise UserError(f"{found[1]} has no passphrase on this database.")
    raise UserError(f"There is no worker called {name.strip()}.")


def remove_worker(store: Store, acting: WorkerInfo, name: str) -> WorkerLine:
    """A manager removes a worker's slot: they can no longer sign in; their records stay."""
    require_manager(acting, "remove a worker")
    keys = _keys(store)
    slot = _slot_of(store, keys, name)
    with store.write() as session:
        audit.record(session, "update", "worker", record_id(slot.worker_id), acting.id)
        try:
            keys.remove_slot(slot.worker_id)
        except KeySlotError as exc:
            raise UserError(str(exc)) from None
    return WorkerLine(slot.name, slot.role, False, record_id(slot.worker_id))


def reset_worker(store: Store, acting: WorkerInfo, name: str, passphrase: str) -> WorkerLine:
    """A manager sets a new passphrase for a worker who forgot theirs (a new slot; the old goes)."""
    require_manager(acting, "reset a worker's passphrase")
    _check_new(passphrase)
    keys = _keys(store)
    slot = _slot_of(store, keys, name)
    with store.write() as session:
        audit.record(session, "update", "worker", record_id(slot.worker_id), acting.id)
        try:
            keys.reset(store.data_key, slot.worker_id, passphrase, kdf=_cost(keys, acting))
        except KeySlotError as exc:
            raise UserError(str(exc)) from None
    return WorkerLine(slot.name, slot.role, True, record_id(slot.worker_id))


def change_own_passphrase(store: Store, acting: WorkerInfo, old: str, new: str) -> None:
    """The acting worker reseals their own slot; nothing else in the file changes. Raises
    keyslots.WrongPassphrase if ``old`` is not their current passphrase."""
    _check_new(new)
    if keyslots.normalise(new) == keyslots.normalise(old):
        raise UserError("The new passphrase is the same as the old one.")
    keys = _keys(store)
    mine = [s for s in keys.slots if record_id(s.worker_id) == acting.id]
    if not mine or open_private(mine[0], old) is None:
        raise keyslots.WrongPassphrase("That is not your current passphrase. Nothing was changed.")
    own = KeySlotFile(store.path, mine, keys.key_id, keys.pending_key_id)  # only their slot is tried
    try:
        own.change_own_passphrase(old, new, kdf=_cost(keys, acting))
    except KeySlotError as exc:
        raise UserError(str(exc)) from None
    if not store.writing_stopped and not store.read_only:
        with store.write() as session:
            audit.record(session, "update", "passphrase", acting.id, acting.id)


@dataclass
class Rekeyed:
    store: Store  # the file opened again under its new key
    recovery_code: str  # the new recovery key: show it once


def _settle(store: Store, keys: KeySlotFile, old_key: bytes, new_key: bytes) -> None:
    """After a failed rekey: keep the wraps of whichever key the database is under."""
    from db.engine import WrongPassphrase, prove_key

    for key in (old_key, new_key):
        try:
            prove_key(store.path, key.hex())
            keys.settle(key)
            return
        except (WrongPassphrase, KeySlotError):
            continue


def rekey(store: Store, acting: WorkerInfo) -> Rekeyed:
    """A manager replaces the data key (a suspected leak): every slot rewrapped in two phases,
    the database rekeyed between them. The store is closed and opened again under the new key;
    the old recovery key no longer opens the file. A crash at any moment leaves a file that opens
    with the passphrases it had, under the old key or the new."""
    require_manager(acting, "change the database's key")
    keys = _keys(store)
    old_key = store.data_key
    new_key = keyslots.new_data_key()
    store.checkpoint()
    store.close()
    try:
        code = keys.rewrap_all(old_key, new_key, lambda: rekey_raw(store.path, old_key.hex(), new_key.hex()))
    except (KeySlotError, StoreError) as exc:
        _settle(store, keys, old_key, new_key)
        raise UserError(f"{exc} The database still opens with everyone's passphrase.") from None
    fresh = reopen(store, new_key.hex())
    with fresh.write() as session:
        audit.record(session, "rekey", "database", "", acting.id)
    return Rekeyed(fresh, code)


@dataclass
class Recovered:
    store: Store  # open, the named manager acting
    worker: WorkerInfo
    keys_remade: bool  # the keys file was missing or damaged: the other workers need slots again


def unlock_with_recovery(path: Path, code: str, manager_name: str, new_passphrase: str) -> Recovered:
    """Open with the recovery key and give the named manager a new passphrase (a new slot; a keys
    file that is missing or damaged is set aside and made again with that manager alone).
    Raises keyslots.RecoveryCodeTypo or keyslots.WrongPassphrase (exit 3) before anything is written;
    UserError when the name is another worker's who is not a manager."""
    from db.engine import WrongPassphrase as StoreWrongPassphrase
    from db.engine import open_with_key, prove_key
    from db.models import Worker

    data_key = keyslots.data_key_from_recovery(code)
    try:
        prove_key(path, data_key.hex())
    except StoreWrongPassphrase:
        raise keyslots.WrongPassphrase("That recovery key does not open this database. Nothing was "
                                       "changed.") from None
    _check_new(new_passphrase)
    name = keyslots.normalise(manager_name).strip()
    if not name:
        raise UserError("Give the name of the manager who will sign in.")
    store = open_with_key(path, data_key)
    try:
        found = _find(store, name)
        if found is not None and found[2] != "manager":
            raise UserError(f"{found[1]} is not a manager: give a manager's name.")
        worker_id = found[0] if found else uuid.uuid4().hex
        name = found[1] if found else name
        try:
            cost = keyslots.DEFAULT_KDF
            with contextlib.suppress(KeySlotError, IndexError):  # the cost the file was made with
                keys_now = KeySlotFile.load(path)
                first = keys_now.workers[0]
                cost = _cost(keys_now, WorkerInfo(record_id(first.worker_id), first.name, first.role))
            remade = not keyslots.keys_path(path).exists()
            keys, _, info = keyslots.recover(path, code, name, new_passphrase,
                                             try_key=lambda k: k == data_key, worker_id=slot_id(worker_id),
                                             kdf=cost)
            remade = remade or len(keys.slots) == 1 and not found
        except KeySlotError as exc:
            raise UserError(str(exc)) from None
        with store.write() as session:
            row = session.get(Worker, worker_id)
            if row is None:
                session.add(Worker(id=worker_id, name=name, role="manager",
                                   initials="".join(p[0] for p in name.split())[:3].upper()))
            audit.record(session, "update", "passphrase", worker_id, worker_id)
            if team_removal.lift_with_recovery_key(session):  # removed from its team: it works alone
                audit.record(session, "update", "setting", team_removal.REMOVED, worker_id)
    except BaseException:
        store.close()
        raise
    store.acting = (record_id(info.worker_id), info.name, info.role)
    return Recovered(store, WorkerInfo(*store.acting), remade)
