"""Retention review: closed cases kept longer than the retention period (default 6 years).

Nothing is deleted here. A case is due for review when the young carer's record is closed, no
support request is open, and the latest closure is more than ``retention_years`` ago; the
manager then reviews the list and erases (``ycworker.protection.erasure``) or keeps each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carer, Referral
from ycworker.common import settings


@dataclass(frozen=True)
class DueForReview:
    carer_id: str
    carer_ref: str
    name: str
    closed_on: date
    review_from: date  # closed_on + retention years

    def describe(self, today: date) -> str:
        years = (today - self.closed_on).days // 365
        return f"{self.name} ({self.carer_ref}): closed {self.closed_on:%d %b %Y}, {years} years ago"


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_years(session: Session) -> int:
    try:
        return max(1, int(settings.get(session, settings.RETENTION_YEARS) or 6))
    except ValueError:
        return 6


def due_for_review(session: Session, today: date, years: int | None = None) -> list[DueForReview]:
    """Closed cases whose latest closure is at least ``years`` before ``today``, oldest first."""
    years = retention_years(session) if years is None else years
    cutoff = add_years(today, -years)
    latest = (
        select(Referral.carer_id, func.max(Referral.closed_date).label("closed"),
               func.sum(func.iif(col(Referral.closed_date).is_(None), 1, 0)).label("open_count"))
        .group_by(Referral.carer_id)
        .subquery()
    )
    rows = session.execute(
        sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  latest.c.closed)
        .join(latest, latest.c.carer_id == Carer.id)
        .where(col(Carer.status) == "closed", latest.c.open_count == 0, latest.c.closed <= cutoff)
        .order_by(latest.c.closed, Carer.last_name, Carer.first_name)
    ).all()
    return [
        DueForReview(cid, ref, f"{first} {last}", closed, add_years(closed, years))
        for cid, ref, first, last, closed in rows
    ]
