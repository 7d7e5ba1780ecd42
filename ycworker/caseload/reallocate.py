"""Reallocation: a manager moves one case or many (a leaver's whole caseload) to another worker.

One transaction for the lot: each carer's ``worker_id`` (and the worker of their open, allocated
support requests, whose assessment clock goes with the case) changes through the session, so the
team queue (``db.outbox``) records every change for the next sync like any edit, and each moved
carer gets an audit entry. A manager's work only: anyone else is refused with a sentence.

Also here: who may see the whole service's caseload ("everyone"). A manager always; a worker who
is not a manager only when the service allows it (``EVERYONE_SETTING``, off unless a manager turns
it on), otherwise the caseload keeps to their own cases whatever the screen asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from db.models import Carer, Referral, Worker
from db.models.base import utcnow
from ycworker.caseload.search import CaseloadQuery
from ycworker.common import audit, settings
from ycworker.common.context import Context
from ycworker.common.errors import UserError
from ycworker.common.workers import WorkerInfo

#: Setting: "1" lets a worker who is not a manager see every worker's cases in the caseload.
EVERYONE_SETTING = "caseload.workers_see_everyone"
CHUNK = 500


@dataclass(frozen=True)
class Moved:
    """What a reallocation did: how many cases moved, to whom."""

    count: int
    to_name: str

    def sentence(self) -> str:
        noun = "case" if self.count == 1 else "cases"
        return f"{self.count:,} {noun} moved to {self.to_name}; they go to the team with the next sync."


def acting_worker(store: Any, worker_id: str | None, session: Session | None = None) -> WorkerInfo | None:
    """Who is acting: the worker who unlocked the store (their slot's role), else (a store
    opened without a slot) the worker named by ``worker_id`` (read in ``session`` if given)."""
    if getattr(store, "acting", None) is not None:
        return WorkerInfo(*store.acting)
    if not worker_id:
        return None
    if session is None:
        with store.read() as own:
            return acting_worker(store, worker_id, own)
    row = session.get(Worker, worker_id)
    return WorkerInfo(row.id, row.name, row.role) if row is not None else None


def require_manager(store: Any, worker_id: str | None, what: str) -> WorkerInfo:
    """Refuse a manager's work to anyone else: "Only a manager can <what>." """
    acting = acting_worker(store, worker_id)
    if acting is None or not acting.is_manager:
        raise UserError(f"Only a manager can {what}.")
    return acting


def _chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def move_cases(session: Session, carer_ids: Sequence[str], to_worker_id: str,
               by: str | None) -> Moved:
    """Move the carers to the worker (in the caller's transaction); carers already theirs stay."""
    target = session.get(Worker, to_worker_id)
    if target is None or not target.active:
        raise UserError("Choose a worker who is on the team now to take the cases.")
    ids = sorted(set(carer_ids))
    moved: list[str] = []
    stamp = utcnow()
    for chunk in _chunks(ids):
        for carer in session.exec(select(Carer).where(col(Carer.id).in_(chunk))).all():
            if carer.worker_id == target.id:
                continue
            carer.worker_id = target.id
            carer.updated_at = stamp
            session.add(carer)
            moved.append(carer.id)
    for chunk in _chunks(moved):
        requests = session.exec(select(Referral).where(
            col(Referral.carer_id).in_(chunk), col(Referral.closed_date).is_(None),
            col(Referral.allocated_date).is_not(None))).all()
        for r in requests:
            if r.worker_id != target.id:
                r.worker_id = target.id
                r.updated_at = stamp
                session.add(r)
    session.flush()
    for cid in moved:
        audit.record(session, "update", "carer", cid, by)
    return Moved(len(moved), target.name)


def reallocate(store: Any, carer_ids: Sequence[str], to_worker_id: str, ctx: Context) -> Moved:
    """A manager moves the chosen cases to another worker, in one transaction (use case)."""
    require_manager(store, ctx.worker_id, "move cases to another worker")
    if not carer_ids:
        raise UserError("Mark the cases to move first (space marks one).")
    with store.write() as session:
        return move_cases(session, carer_ids, to_worker_id, ctx.worker_id)


def reallocate_caseload(store: Any, from_worker_id: str, to_worker_id: str, ctx: Context) -> Moved:
    """A manager moves every open case of one worker (a leaver) to another, in one transaction."""
    require_manager(store, ctx.worker_id, "move cases to another worker")
    if from_worker_id == to_worker_id:
        raise UserError("Choose another worker to take the cases.")
    with store.write() as session:
        ids = list(session.exec(select(Carer.id).where(
            Carer.worker_id == from_worker_id, Carer.status == "open",
            col(Carer.archived_at).is_(None))).all())
        if not ids:
            raise UserError("This worker holds no open cases to move.")
        return move_cases(session, ids, to_worker_id, ctx.worker_id)


def workers_to_take(store: Any, except_id: str | None) -> list[tuple[str, str]]:
    """(name, id) of the workers on the team now who could take cases (not ``except_id``)."""
    with store.read() as session:
        rows = session.exec(select(Worker.name, Worker.id).where(col(Worker.active))
                            .order_by(Worker.name)).all()
    return [(name, wid) for name, wid in rows if wid != except_id]


# -- who sees "everyone" ------------------------------------------------------------------------------


def workers_see_everyone(session: Session) -> bool:
    return settings.get(session, EVERYONE_SETTING) == "1"


def may_see_everyone(store: Any, session: Session, worker_id: str | None) -> bool:
    """A manager sees the whole service's caseload; a worker who is not, only when the service
    allows it. (No acting worker at all: a script's read, unrestricted.)"""
    acting = acting_worker(store, worker_id, session)
    if acting is None or acting.is_manager:
        return True
    return workers_see_everyone(session)


def scoped(store: Any, session: Session, query: CaseloadQuery, worker_id: str | None) -> CaseloadQuery:
    """The query as this worker may run it: "everyone" (or another worker's caseload) becomes
    their own caseload when they may not see everyone."""
    acting = acting_worker(store, worker_id, session)
    if acting is None or acting.is_manager or query.worker_id == acting.id or workers_see_everyone(session):
        return query
    return query.with_(worker_id=acting.id)


def set_workers_see_everyone(store: Any, allowed: bool, ctx: Context) -> bool:
    """A manager lets workers who are not managers see everyone's caseload, or stops it; audited."""
    require_manager(store, ctx.worker_id, "change who sees everyone's caseload")
    with store.write() as session:
        settings.put(session, EVERYONE_SETTING, "1" if allowed else "0")
        audit.record(session, "update", "setting", EVERYONE_SETTING, ctx.worker_id)
    return allowed
