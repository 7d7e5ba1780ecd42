"""When a young carer's support plan is next reviewed.

The due date is kept on the carer (``Carer.review_due_date``, migration 0010). It is set when the
plan is made (the first action added to a plan with no review date: that day + the service's review
weeks, a manager's setting, 12 by default), moved on by each review (the carer's latest review date
+ the weeks) and cleared by a review that closes the support request (step down or close). A review
is *overdue* when its due date is before today, and *due soon* within ``SOON_DAYS``.

The home screen lists reviews due soon and overdue (``ycworker.home.day``), the caseload filters
"review overdue" (``ycworker.caseload.search``) and the record says when it is due; all three read
the index ``ix_carer_review_due`` (status, archived_at, review_due_date).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import Carer, Review, utcnow
from ycworker.common import settings

SOON_DAYS = 14
WEEKS_RANGE = (1, 52)


def review_weeks(session: Session) -> int:
    """The service's setting (weeks between reviews), kept within 1 to 52."""
    try:
        weeks = int(settings.get(session, settings.REVIEW_WEEKS) or settings.DEFAULTS[settings.REVIEW_WEEKS])
    except ValueError:
        weeks = int(settings.DEFAULTS[settings.REVIEW_WEEKS])
    return min(max(weeks, WEEKS_RANGE[0]), WEEKS_RANGE[1])


def due_after(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


def describe(due: date | None, today: date) -> str:
    """'review due 03 Mar 2027', 'review due today', 'review overdue by 5 days' or ''."""
    if due is None:
        return ""
    if due == today:
        return "review due today"
    if due < today:
        days = (today - due).days
        return f"review overdue by {days} day{'' if days == 1 else 's'} (due {due:%d %b %Y})"
    return f"review due {due:%d %b %Y}"


def plan_made(session: Session, carer: Carer, day: date) -> None:
    """The plan has its first action: its review falls due the service's weeks after ``day``."""
    if carer.review_due_date is not None:
        return
    carer.review_due_date = due_after(day, review_weeks(session))
    carer.updated_at = utcnow()
    session.add(carer)


def reviewed(session: Session, carer: Carer, *, closed: bool) -> None:
    """After a review is recorded or corrected: due the weeks after the carer's latest review, or
    nothing when the review closed the support request."""
    if closed:
        carer.review_due_date = None
    else:
        latest = session.exec(select(func.max(col(Review.review_date)))
                              .where(Review.carer_id == carer.id)).one()
        if latest is None:
            return
        carer.review_due_date = due_after(latest, review_weeks(session))
    carer.updated_at = utcnow()
    session.add(carer)


__all__ = ["SOON_DAYS", "describe", "due_after", "is_overdue", "plan_made", "review_weeks", "reviewed"]
