"""Session protection: the idle lock and session length, and changing one's own passphrase.

The App asks ``load_policy`` at every unlock and locks when the worker has been idle for
``idle_minutes`` or the session has lasted ``max_hours`` (one working day by default): the
engine is disposed (``Store.close``), the key dropped and the unlock screen shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col

from db import keyslots
from ycworker.common import audit, settings
from ycworker.common.errors import FieldError, FormErrors
from ycworker.common.workers import WorkerInfo

if TYPE_CHECKING:
    from db.engine import Store

IDLE_RANGE = (1, 120)
SESSION_RANGE = (1, 12)


@dataclass(frozen=True)
class LockPolicy:
    idle_minutes: int = 10
    max_hours: int = 9

    @property
    def idle_seconds(self) -> float:
        return self.idle_minutes * 60.0

    @property
    def max_seconds(self) -> float:
        return self.max_hours * 3600.0


def _int_setting(session: Session, key: str, low: int, high: int) -> int:
    try:
        value = int(settings.get(session, key) or settings.DEFAULTS[key])
    except ValueError:
        value = int(settings.DEFAULTS[key])
    return min(max(value, low), high)


def load_policy(session: Session) -> LockPolicy:
    return LockPolicy(
        idle_minutes=_int_setting(session, settings.IDLE_LOCK_MINUTES, *IDLE_RANGE),
        max_hours=_int_setting(session, settings.MAX_SESSION_HOURS, *SESSION_RANGE),
    )


def _parse_whole(field: str, text: str | int, low: int, high: int, unit: str) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise FieldError(field, f"Write a whole number of {unit}, {low} to {high}.") from None
    if not low <= value <= high:
        raise FieldError(field, f"Choose between {low} and {high} {unit}.")
    return value


def save_policy(session: Session, idle_minutes: str | int, max_hours: str | int,
                worker_id: str | None = None) -> LockPolicy:
    """Validate and keep the lock settings (both fields checked; errors name the field)."""
    errors, values = [], {}
    for field, text, rng, unit in (("idle_minutes", idle_minutes, IDLE_RANGE, "minutes"),
                                   ("max_hours", max_hours, SESSION_RANGE, "hours")):
        try:
            values[field] = _parse_whole(field, text, *rng, unit)
        except FieldError as exc:
            errors.append(exc)
    if errors:
        raise FormErrors(errors)
    settings.put(session, settings.IDLE_LOCK_MINUTES, str(values["idle_minutes"]))
    settings.put(session, settings.MAX_SESSION_HOURS, str(values["max_hours"]))
    audit.record(session, "update", "setting", "lock_policy", worker_id)
    return LockPolicy(values["idle_minutes"], values["max_hours"])


RETENTION_RANGE = (1, 25)
GENERATIONS_RANGE = (1, 60)
REVIEW_WEEKS_RANGE = (1, 52)


@dataclass(frozen=True)
class ProtectionSettings:
    """What a manager can set: the lock, the retention period, the backups kept."""

    idle_minutes: int
    max_hours: int
    retention_years: int
    backups_kept: int
    review_weeks: int = 12

    @property
    def policy(self) -> LockPolicy:
        return LockPolicy(self.idle_minutes, self.max_hours)


def load_settings(session: Session) -> ProtectionSettings:
    policy = load_policy(session)
    return ProtectionSettings(
        policy.idle_minutes, policy.max_hours,
        _int_setting(session, settings.RETENTION_YEARS, *RETENTION_RANGE),
        _int_setting(session, settings.BACKUP_GENERATIONS, *GENERATIONS_RANGE),
        _int_setting(session, settings.REVIEW_WEEKS, *REVIEW_WEEKS_RANGE),
    )


def save_settings(session: Session, form: dict, worker_id: str | None = None) -> ProtectionSettings:
    """Validate and keep the settings; every bad field is named (FormErrors), none is kept.
    A form without ``review_weeks`` (an older caller) keeps the weeks in force."""
    fields = (
        ("idle_minutes", IDLE_RANGE, "minutes", settings.IDLE_LOCK_MINUTES),
        ("max_hours", SESSION_RANGE, "hours", settings.MAX_SESSION_HOURS),
        ("retention_years", RETENTION_RANGE, "years", settings.RETENTION_YEARS),
        ("backups_kept", GENERATIONS_RANGE, "backups", settings.BACKUP_GENERATIONS),
        ("review_weeks", REVIEW_WEEKS_RANGE, "weeks", settings.REVIEW_WEEKS),
    )
    form = dict(form)
    form.setdefault("review_weeks", str(_int_setting(session, settings.REVIEW_WEEKS, *REVIEW_WEEKS_RANGE)))
    errors, values = [], {}
    for field, rng, unit, _key in fields:
        try:
            values[field] = _parse_whole(field, form.get(field, ""), *rng, unit)
        except FieldError as exc:
            errors.append(exc)
    if errors:
        raise FormErrors(errors)
    for field, _rng, _unit, key in fields:
        settings.put(session, key, str(values[field]))
    audit.record(session, "update", "setting", "protection", worker_id)
    return ProtectionSettings(**values)


def validate_new_passphrase(old: str, new: str, again: str) -> None:
    problem = keyslots.check_new_passphrase(new)
    if problem:
        raise FieldError("new", problem)
    if new != again:
        raise FieldError("again", "The two new passphrases do not match.")
    if keyslots.normalise(new) == keyslots.normalise(old):
        raise FieldError("new", "The new passphrase is the same as the old one.")


def change_passphrase(path: Path, old: str, new: str, again: str | None = None) -> None:
    """Change the passphrase of the slot ``old`` opens in the keys file of the database at ``path``
    (one slot resealed; the database and every other slot are untouched). Raises
    FieldError("old", ...) if ``old`` opens no slot; nothing is then written."""
    validate_new_passphrase(old, new, new if again is None else again)
    try:
        keyslots.KeySlotFile.load(path).change_own_passphrase(old, new)
    except keyslots.WrongPassphrase:
        raise FieldError("old", "That is not your current passphrase. Nothing was changed.") from None
    except keyslots.KeySlotError as exc:
        raise FieldError("", str(exc)) from None


@dataclass
class Rekeyed:
    store: Store  # the same store, still open: the file's key does not change
    backup: str  # the name of the new backup (with the new keys file) ("" if it could not be made)
    backup_error: str = ""


class RekeyFailed(FieldError):
    """The passphrase was not changed; ``store`` is the database, still open."""

    def __init__(self, field: str, message: str, store: Store):
        super().__init__(field, message)
        self.store = store


def rekey_store(store: Store, old: str, new: str, again: str, worker_id: str | None = None) -> Rekeyed:
    """The acting worker changes their OWN passphrase: their slot in the keys file is resealed;
    the database, its key and every other worker's slot stay as they were, so the store stays open.
    A FieldError (the form, or ``old`` is not their passphrase) changes nothing. Audited, then a
    backup is made that carries the new keys file."""
    from ycworker.common.errors import UserError
    from ycworker.common.workers import WorkerInfo
    from ycworker.protection import workers

    validate_new_passphrase(old, new, again)
    acting = WorkerInfo(*store.acting) if store.acting else None
    if acting is None or (worker_id is not None and worker_id != acting.id):
        raise FieldError("old", "Only the worker who unlocked can change their passphrase here.")
    try:
        workers.change_own_passphrase(store, acting, old, new)
    except keyslots.WrongPassphrase:
        raise FieldError("old", "That is not your current passphrase. Nothing was changed.") from None
    except UserError as exc:
        raise RekeyFailed("", str(exc), store) from None
    from ycworker.protection.backups import make_backup

    try:
        made = make_backup(store, reason="manual", worker_id=acting.id).backup.name
    except Exception as exc:  # the passphrase is changed all the same; say the backup was not made
        return Rekeyed(store, "", str(exc))
    return Rekeyed(store, made)


# -- unlocking: integrity, who is using the laptop, the audit of it ---------------------------

@dataclass
class UnlockInfo:
    """What the unlock screen needs once the store is open."""

    workers: list[WorkerInfo]
    remembered: WorkerInfo | None
    check: object  # integrity.CheckResult
    policy: LockPolicy
    damaged: str | None  # the plain message when the quick check failed (writing is stopped)
    restore_from: Path | None = None  # then: the newest good backup, offered for restore
    #: A large file: the quick check was not run here; the App runs it in the background.
    check_deferred: bool = False


def after_open(store) -> UnlockInfo:
    """Quick check, the workers to choose from, the lock policy. Writes nothing if damaged."""
    from ycworker.common import workers
    from ycworker.protection import integrity

    deferred = integrity.check_in_background(store)
    check = None if deferred else integrity.check_at_unlock(store)
    if store.writing_stopped:
        with store.read() as session:
            listed = workers.list_workers(session)
            policy = load_policy(session)
        remembered = listed[0] if listed else None
        with store.read() as session:
            last = store.acting[0] if store.acting else settings.get(session, settings.LAST_WORKER)
        remembered = next((w for w in listed if w.id == last), remembered)
        return UnlockInfo(listed, remembered, check, policy, store.writing_stopped,
                          getattr(check, "restore_from", None))
    with store.write() as session:
        remembered = _acting(session, store) or workers.current_worker(session)
        listed = workers.list_workers(session)
        policy = load_policy(session)
    return UnlockInfo(listed, remembered, check, policy, None, check_deferred=deferred)


def _acting(session: Session, store) -> WorkerInfo | None:
    """The worker whose slot opened the store; their Worker row is made if it is missing (a keys
    file re-made from the recovery key names a manager the records may not have)."""
    from db.models import Worker
    from ycworker.common.workers import WorkerInfo

    if store.acting is None:
        return None
    wid, name, role = store.acting
    row = session.get(Worker, wid)
    if row is None:
        row = Worker(id=wid, name=name, role=role, initials="".join(p[0] for p in name.split())[:3].upper())
        session.add(row)
    row.active, row.role = True, role
    session.flush()
    return WorkerInfo(wid, row.name, role)


def start_session(store: Store, worker_id: str | None = None,
                  failed_at: list[datetime] | None = None) -> WorkerInfo:
    """Start the session of the worker whose passphrase opened the store (``store.acting``; the
    ``worker_id`` of a store opened without a slot, for tests of old files); audit the unlock and
    the failed attempts before it (they could not be written while the store was locked: those of
    ``<db>.attempts``, else ``failed_at``). Returns the WorkerInfo."""
    from db.models import AuditEntry
    from ycworker.common import workers

    if store.acting is not None:
        worker_id = store.acting[0]
    if store.writing_stopped:
        if store.acting is not None:
            return WorkerInfo(*store.acting)
        with store.read() as session:
            return next(w for w in workers.list_workers(session) if w.id == worker_id)
    with store.write() as session:
        acting = _acting(session, store)
        worker = workers.choose(session, acting.id if acting else str(worker_id))
        for when in store.failed_unlocks or failed_at or []:
            session.add(AuditEntry(action="failed_unlock", at=when, worker_id=None))
        audit.record(session, "unlock", worker_id=worker.id)
    return worker


def record_lock(store, worker_id: str | None, reason: str) -> None:
    """Audit a lock (idle, session length, or by hand) just before the key is dropped."""
    if store.writing_stopped:
        return
    with store.write() as session:
        audit.record(session, "lock", "session", reason, worker_id)


def current_key_matches(store, passphrase: str) -> bool:
    """Does this passphrase open a slot that gives the key the store was unlocked with? (No file
    is touched.)"""
    from db.engine import StoreError, key_for_file

    try:
        return bool(store.key_hex[:64] == key_for_file(store.path, passphrase))
    except StoreError:
        return False


# -- the audit log, for a manager ------------------------------------------------------------

@dataclass(frozen=True)
class AuditRow:
    at: object  # aware datetime (UTC)
    worker: str
    action: str
    entity: str
    record_id: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int


def audit_page(session: Session, page: int = 0, size: int = 50, action: str | None = None) -> AuditPage:
    """Newest first, ``size`` a page. Worker names come from the worker table (the log holds ids)."""
    from sqlalchemy import select as sa_select
    from sqlmodel import func, select

    from db.models import AuditEntry, Worker

    where = [col(AuditEntry.action) == action] if action else []
    total = session.exec(select(func.count()).select_from(AuditEntry).where(*where)).one()
    pages = max(1, -(-total // size))
    page = min(max(0, page), pages - 1)
    rows = session.execute(
        sa_select(col(AuditEntry.at), col(Worker.name), col(AuditEntry.worker_id), col(AuditEntry.action),
                  col(AuditEntry.entity), col(AuditEntry.record_id))
        .outerjoin(Worker, col(Worker.id) == AuditEntry.worker_id)
        .where(*where)
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id))
        .offset(page * size).limit(size)
    ).all()
    out = [AuditRow(at, name or ("(unknown)" if wid else "—"), act, ent, rid)
           for at, name, wid, act, ent, rid in rows]
    return AuditPage(out, page, pages, total)
