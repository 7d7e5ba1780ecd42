"""When a case closes: what ends with it (the carer's support plan has nothing left open).

Closing the last open support request (``referrals.close``), or closing at a review, ends the
case; the open actions of the carer's plan are then dropped, so a closed case has nothing overdue.
The rule lives here, below the assessment area, so the caseload needs nothing from above it;
``ycworker.assessment.plans`` uses it too.
"""

from __future__ import annotations

from sqlmodel import Session, select

from db.models import PlanAction, utcnow
from ycworker.common import audit


def drop_open_plan_actions(session: Session, carer_id: str, worker_id: str | None = None) -> int:
    """At closure: open plan actions are dropped (each audited). Returns how many."""
    rows = session.exec(select(PlanAction).where(PlanAction.carer_id == carer_id,
                                                 PlanAction.status == "open")).all()
    for a in rows:
        a.status, a.updated_at = "dropped", utcnow()
        session.add(a)
        audit.record(session, "update", "plan_action", a.id, worker_id)
    session.flush()
    return len(rows)


__all__ = ["drop_open_plan_actions"]
