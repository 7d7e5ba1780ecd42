"""Youth workers: who is using the app."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from db.models import Worker
from ycworker.common import settings


@dataclass(frozen=True)
class WorkerInfo:
    id: str
    name: str
    role: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


def list_workers(session: Session) -> list[WorkerInfo]:
    rows = session.exec(
        select(Worker.id, Worker.name, Worker.role).where(Worker.active).order_by(Worker.name)
    ).all()
    return [WorkerInfo(*row) for row in rows]


def ensure_worker(session: Session, name: str = "Duty worker", role: str = "manager") -> WorkerInfo:
    """A database with no workers gets one, so a new service can start work at once."""
    workers = list_workers(session)
    if workers:
        return workers[0]
    worker = Worker(name=name, role=role, initials="".join(p[0] for p in name.split())[:3])
    session.add(worker)
    session.flush()
    return WorkerInfo(worker.id, worker.name, worker.role)


def current_worker(session: Session) -> WorkerInfo:
    """The worker last chosen on this database, else the first manager, else anyone."""
    last = settings.get(session, settings.LAST_WORKER)
    workers = list_workers(session)
    for w in workers:
        if w.id == last:
            return w
    for w in workers:
        if w.is_manager:
            return w
    if workers:
        return workers[0]
    return ensure_worker(session)


def choose(session: Session, worker_id: str) -> WorkerInfo:
    worker = session.get(Worker, worker_id)
    if worker is None or not worker.active:
        raise ValueError("No such worker")
    settings.put(session, settings.LAST_WORKER, worker_id)
    return WorkerInfo(worker.id, worker.name, worker.role)
