"""Satisfaction feedback (KPI 6): each response is satisfied or not, from a review, survey or event.

KPI 6 is the share of the responses in the period that are satisfied (target 90%). A response may
name the young carer (by their ref) or be anonymous; the comment is free text and never leaves
the database (the return carries counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carer, Feedback
from ycworker.common.percent import percent_text
from ycworker.service_log import entries as log

SOURCES = {"review": "Review", "survey": "Survey", "event": "Event", "other": "Other"}


@dataclass(frozen=True)
class FeedbackRow:
    id: str
    feedback_date: date
    satisfied: bool
    source: str
    carer_ref: str
    comment: str


def list_feedback(session: Session, w: log.Window, limit: int = log.LIMIT) -> log.Listing:
    f = Feedback
    where = log.within(f.feedback_date, w)
    q = (sa_select(col(f.id), col(f.feedback_date), col(f.satisfied), col(f.source), col(Carer.carer_ref),
                   col(f.comment))
         .outerjoin(Carer, col(Carer.id) == f.carer_id).where(*where)
         .order_by(col(f.feedback_date).desc(), col(f.created_at).desc()).limit(limit))
    rows = [FeedbackRow(i, d, bool(ok), src, ref or "", comment) for i, d, ok, src, ref, comment
            in session.execute(q)]
    total, happy = session.exec(select(func.count(), func.coalesce(func.sum(case((col(f.satisfied), 1),
                                                                                  else_=0)), 0))
                                .select_from(f).where(*where)).one()
    share = percent_text(happy, total)
    summary = (f"{total} response{'s' if total != 1 else ''}, {happy} satisfied"
               + (f": {share}% (KPI 6, target 90%)" if share else " (KPI 6, target 90%)"))
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str) -> dict[str, str]:
    row = log.get(session, Feedback, entry_id, "response")
    return {"feedback_date": log.uk(row.feedback_date), "satisfied": "yes" if row.satisfied else "no",
            "source": row.source or "other", "carer": log.carer_ref(session, row.carer_id),
            "comment": row.comment}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    day = check(log.field_date, "feedback_date", form.get("feedback_date", ""), today, label="The date")
    satisfied = check(log.field_yes_no, "satisfied", form.get("satisfied", ""), "Satisfied")
    source = check(log.field_key, "source", form.get("source", ""), SOURCES, "Where it came from")
    carer_id = check(log.find_carer, session, "carer", form.get("carer", ""), required=False)
    comment = check(log.field_text, "comment", form.get("comment", ""), "The comment",
                    limit=log.MAX_LONG_TEXT)
    check.done()
    values = {"feedback_date": day, "satisfied": satisfied, "source": source, "carer_id": carer_id,
              "comment": comment}
    return log.save(session, Feedback, entry_id, values, worker_id, "response")
