"""Protection's use cases, one per user action: each owns its one transaction and returns plain data.

The protection screens (audit log, retention review, erasure, settings) call these through
``run_db``; none of them opens a transaction itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.engine import Store
from ycworker.common.workers import WorkerInfo
from ycworker.protection import erasure, retention
from ycworker.protection import session as protection
from ycworker.protection.backups import BackupResult, make_backup
from ycworker.protection.generations import BackupInfo, list_backups


def _require_manager(store: Store, worker_id: str | None, what: str) -> None:
    """Refuse a manager's work to anyone else: the worker who unlocked the store (their slot's
    role), else (a store opened without a slot) the worker named by ``worker_id``."""
    from db.models import Worker
    from ycworker.protection.workers import require_manager

    if store.acting is not None:
        require_manager(WorkerInfo(*store.acting), what)
        return
    with store.read() as session:
        row = session.get(Worker, worker_id) if worker_id else None
        acting = WorkerInfo(row.id, row.name, row.role) if row is not None else None
    require_manager(acting, what)


def audit_log_page(store: Store, page: int, size: int, action: str | None) -> protection.AuditPage:
    """One page of the audit log, newest first, optionally one kind of action only (a manager's)."""
    _require_manager(store, None, "read the audit log")
    with store.read() as session:
        return protection.audit_page(session, page, size, action)


@dataclass(frozen=True)
class RetentionReview:
    """The retention period in years and the closed cases past it, oldest closure first."""

    years: int
    due: list[retention.DueForReview]


def retention_review(store: Store, today: date) -> RetentionReview:
    """The closed cases a manager should review for erasure today."""
    with store.read() as session:
        return RetentionReview(retention.retention_years(session), retention.due_for_review(session, today))


@dataclass(frozen=True)
class ErasurePreview:
    """Who a reference names and what erasing them would remove."""

    found: erasure.Found
    plan: erasure.ErasurePlan


def preview_erasure(store: Store, carer_ref: str) -> ErasurePreview:
    """Find a young carer by reference and work out what erasing them removes (nothing is changed)."""
    with store.read() as session:
        found = erasure.find_by_ref(session, carer_ref)
    return ErasurePreview(found, erasure.preview(store, found.carer_id))


def erase_person(store: Store, carer_id: str, worker: WorkerInfo, confirm: str) -> erasure.ErasureResult:
    """Erase a young carer for good; ``confirm`` must repeat their reference."""
    return erasure.erase_carer(store, carer_id, by=worker, confirm=confirm)


def protection_settings(store: Store) -> protection.ProtectionSettings:
    """The lock, retention and backup settings as they are now."""
    with store.read() as session:
        return protection.load_settings(session)


def save_protection_settings(
    store: Store, form: dict[str, str], worker_id: str | None
) -> protection.ProtectionSettings:
    """Check and save the settings form (FormErrors names every bad field); audited. A manager's."""
    _require_manager(store, worker_id, "change the settings")
    with store.write() as session:
        return protection.save_settings(session, form, worker_id)


def backups_kept(store: Store) -> list[BackupInfo]:
    """The backups of the open database, newest first (reading the backups folder only)."""
    return list_backups(store.path)


def back_up_now(store: Store, worker_id: str | None) -> BackupResult:
    """A backup made by hand: full check first, written, verified, older generations pruned."""
    return make_backup(store, reason="manual", worker_id=worker_id)
