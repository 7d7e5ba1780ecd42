"""Training sessions for professionals (KPI 7): date, title, who it was for, how many trained.

KPI 7 adds up the professionals trained at sessions held in the period (``ycworker.returns.kpis``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import TrainingSession
from ycworker.service_log import entries as log

MAX_TRAINED = 2000


@dataclass(frozen=True)
class TrainingRow:
    id: str
    session_date: date
    title: str
    audience: str
    professionals_trained: int


def list_sessions(session: Session, w: log.Window, limit: int = log.LIMIT) -> log.Listing:
    t = TrainingSession
    where = log.within(t.session_date, w)
    q = (sa_select(col(t.id), col(t.session_date), col(t.title), col(t.audience),
                   col(t.professionals_trained))
         .where(*where).order_by(col(t.session_date).desc(), col(t.created_at).desc()).limit(limit))
    rows = [TrainingRow(*r) for r in session.execute(q)]
    total, trained = session.exec(select(func.count(), func.coalesce(func.sum(t.professionals_trained), 0))
                                  .select_from(t).where(*where)).one()
    summary = (f"{total} training session{'s' if total != 1 else ''}; "
               f"{trained:,} professionals trained (KPI 7)")
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str) -> dict[str, str]:
    row = log.get(session, TrainingSession, entry_id, "training session")
    return {"session_date": log.uk(row.session_date), "title": row.title, "audience": row.audience,
            "professionals_trained": str(row.professionals_trained)}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    day = check(log.field_date, "session_date", form.get("session_date", ""), today, label="The date")
    title = check(log.field_text, "title", form.get("title", ""), "The title", required=True)
    audience = check(log.field_text, "audience", form.get("audience", ""), "Who it was for")
    trained = check(log.field_int, "professionals_trained", form.get("professionals_trained", ""),
                    "Professionals trained", minimum=1, maximum=MAX_TRAINED)
    check.done()
    values = {"session_date": day, "title": title, "audience": audience, "professionals_trained": trained}
    if entry_id is None:
        values["worker_id"] = worker_id
    return log.save(session, TrainingSession, entry_id, values, worker_id, "training session")
