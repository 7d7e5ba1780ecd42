"""The worker's day: what the home screen shows.

Sessions today, the commissioner's return when it is due within 20 working days or overdue
(``return_due``), allocations and assessments due within the next two working days or overdue,
carers turning 18 within six months (transition assessment), overdue plan actions, support-plan
reviews due within two weeks or overdue, and walk-ins that still need referral details. Each list
is bounded; counts are exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, func, literal_column
from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, or_, select

from db.engine import Store
from db.models import Carer, Club, ClubSession, PlanAction, Referral
from ycworker.caseload import review_schedule
from ycworker.common import workdays
from ycworker.home.return_due import ReturnDue, returns_due

LIST_LIMIT = 50
SOON_WORKING_DAYS = 2
TRANSITION_MONTHS = 6


@dataclass(frozen=True)
class DayItem:
    carer_id: str | None
    title: str
    detail: str
    when: date | None = None
    overdue: bool = False
    ref_id: str | None = None  # the referral, session or action the line is about


@dataclass
class WorkerDay:
    today: date
    sessions: list[DayItem] = field(default_factory=list)
    allocations: list[DayItem] = field(default_factory=list)
    assessments: list[DayItem] = field(default_factory=list)
    turning_18: list[DayItem] = field(default_factory=list)
    plan_actions: list[DayItem] = field(default_factory=list)
    reviews: list[DayItem] = field(default_factory=list)
    needs_details: list[DayItem] = field(default_factory=list)
    returns: list[ReturnDue] = field(default_factory=list)  # the commissioner's return, when due soon
    counts: dict[str, int] = field(default_factory=dict)


def _name(first: str, last: str, preferred: str = "") -> str:
    return f"{preferred or first} {last}"


def _deadline_items(rows: Iterable[Sequence[Any]], deadline_of: Callable[[date], date], horizon: date,
                    today: date, what: str) -> list[DayItem]:
    items: list[DayItem] = []
    for ref_id, carer_id, first, last, preferred, carer_ref, start in rows:
        deadline = deadline_of(start)
        if deadline > horizon:
            continue
        items.append(
            DayItem(
                carer_id=carer_id,
                title=f"{_name(first, last, preferred)} ({carer_ref})",
                detail=f"{what} {workdays.describe_deadline(deadline, today)}",
                when=deadline,
                overdue=deadline < today,
                ref_id=ref_id,
            )
        )
    items.sort(key=lambda i: i.when or date.min)  # every item here has its deadline
    return items


def worker_day(session: Session, worker_id: str | None, today: date, *, everyone: bool = False) -> WorkerDay:
    day = WorkerDay(today=today)
    horizon = workdays.working_days_after(today, SOON_WORKING_DAYS)
    mine_only = worker_id is not None and not everyone
    person = (col(Carer.id), col(Carer.first_name), col(Carer.last_name), col(Carer.preferred_name),
              col(Carer.carer_ref))

    # Sessions today.
    sessions_q = (
        sa_select(col(ClubSession.id), col(Club.name), col(Club.venue), col(ClubSession.start_time),
                  col(Club.worker_id))
        .join(Club, col(Club.id) == ClubSession.club_id)
        .where(col(ClubSession.session_date) == today, col(ClubSession.cancelled) == False)  # noqa: E712
        .order_by(col(ClubSession.start_time), col(Club.name))
    )
    if mine_only:
        sessions_q = sessions_q.where(col(Club.worker_id) == worker_id)
    for sid, name, venue, start, _w in session.execute(sessions_q.limit(LIST_LIMIT)).all():
        at = start.strftime("%H:%M") if start else "today"
        day.sessions.append(DayItem(None, name, f"{at} at {venue}" if venue else at, today, ref_id=sid))

    # Allocations: unallocated open referrals (anyone may pick these up), oldest first.
    open_unallocated = and_(
        col(Referral.allocated_date).is_(None), col(Referral.closed_date).is_(None),
        col(Referral.consent) != "refused"
    )
    unallocated = session.execute(
        sa_select(col(Referral.id), *person, col(Referral.referral_date))
        .join(Carer, col(Carer.id) == Referral.carer_id)
        .where(open_unallocated)
        .order_by(col(Referral.referral_date))
        .limit(2000)
    ).all()
    day.allocations = _deadline_items(unallocated, workdays.allocation_deadline, horizon, today,
                                      "allocation")

    # Assessments: allocated, not yet assessed, open; the worker's own unless everyone.
    assess_q = (
        sa_select(col(Referral.id), *person, col(Referral.allocated_date))
        .join(Carer, col(Carer.id) == Referral.carer_id)
        .where(col(Referral.allocated_date).is_not(None), col(Referral.assessment_completed_date).is_(None),
               col(Referral.closed_date).is_(None))
        .order_by(col(Referral.allocated_date))
        .limit(2000)
    )
    if mine_only:
        assess_q = assess_q.where(col(Referral.worker_id) == worker_id)
    day.assessments = _deadline_items(session.execute(assess_q).all(), workdays.assessment_deadline,
                                      horizon, today, "assessment")

    # Turning 18 within six months: 18th birthday after today and on or before today + 6 months.
    born_after = today - relativedelta(years=18)
    born_by = today + relativedelta(months=TRANSITION_MONTHS) - relativedelta(years=18)
    turning_q = (
        sa_select(*person, col(Carer.date_of_birth))
        .where(col(Carer.status) == "open", col(Carer.archived_at).is_(None),
               col(Carer.date_of_birth) > born_after, col(Carer.date_of_birth) <= born_by)
        .order_by(col(Carer.date_of_birth))
    )
    if mine_only:
        turning_q = turning_q.where(col(Carer.worker_id) == worker_id)
    for cid, first, last, preferred, ref, dob in session.execute(turning_q.limit(LIST_LIMIT)).all():
        birthday = dob + relativedelta(years=18)
        day.turning_18.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                      f"turns 18 on {birthday:%d %b %Y}: transition assessment",
                                      birthday))

    # Overdue plan actions of open cases (a closed case's plan is over).
    overdue: tuple[ColumnElement[Any], ...] = (col(PlanAction.status) == "open",
                                               col(PlanAction.due_date) < today)
    if mine_only:
        # From the worker's carers to their actions: the hints tell SQLite these two terms are
        # not selective, or it walks every overdue action of the service in date order.
        overdue = tuple(func.likelihood(term, literal_column("0.9")) for term in overdue)
    actions_q = (
        sa_select(col(PlanAction.id), *person, col(PlanAction.what), col(PlanAction.due_date))
        .join(Carer, col(Carer.id) == PlanAction.carer_id)
        .where(*overdue, col(Carer.status) == "open", col(Carer.archived_at).is_(None))
        .order_by(col(PlanAction.due_date))
    )
    if mine_only:
        actions_q = actions_q.where(col(Carer.worker_id) == worker_id)
    actions = session.execute(actions_q.limit(LIST_LIMIT)).all()
    for aid, cid, first, last, preferred, ref, what, due in actions:
        day.plan_actions.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                        f"{what}: due {due:%d %b %Y}", due, overdue=True, ref_id=aid))

    # Support-plan reviews due within SOON_DAYS or overdue, of open carers, soonest (most overdue) first:
    # a range of ix_carer_review_due.
    review_horizon = today + timedelta(days=review_schedule.SOON_DAYS)
    reviews_where = (col(Carer.status) == "open", col(Carer.archived_at).is_(None),
                     col(Carer.review_due_date) <= review_horizon)
    reviews_q = sa_select(*person, col(Carer.review_due_date)).where(*reviews_where)
    overdue_q = select(func.count()).select_from(Carer).where(
        col(Carer.status) == "open", col(Carer.archived_at).is_(None), col(Carer.review_due_date) < today)
    if mine_only:
        reviews_q = reviews_q.where(col(Carer.worker_id) == worker_id)
        overdue_q = overdue_q.where(col(Carer.worker_id) == worker_id)
    for cid, first, last, preferred, ref, due in session.execute(
            reviews_q.order_by(col(Carer.review_due_date)).limit(LIST_LIMIT)).all():
        day.reviews.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                   review_schedule.describe(due, today), due,
                                   overdue=review_schedule.is_overdue(due, today)))

    # Walk-ins and quick adds that still need referral details.
    details_q = sa_select(*person).where(col(Carer.needs_referral_details) == True,  # noqa: E712
                                         col(Carer.archived_at).is_(None))
    for cid, first, last, preferred, ref in session.execute(
            details_q.order_by(col(Carer.created_at)).limit(LIST_LIMIT)).all():
        day.needs_details.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                         "needs referral details"))

    day.returns = returns_due(session, today)

    day.counts = {
        "sessions": len(day.sessions),
        "allocations_overdue": sum(i.overdue for i in day.allocations),
        "assessments_overdue": sum(i.overdue for i in day.assessments),
        "reviews_overdue": session.exec(overdue_q).one(),
        "open_carers": session.exec(
            select(func.count()).select_from(Carer).where(Carer.status == "open",
                                                          or_(col(Carer.archived_at).is_(None)))
        ).one(),
    }
    return day


def load_day(store: Store, worker_id: str | None, today: date, everyone: bool) -> WorkerDay:
    """The worker's day (everyone's, for a manager), read in one transaction."""
    with store.read() as session:
        return worker_day(session, worker_id, today, everyone=everyone)
