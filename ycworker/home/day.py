"""The worker's day: what the home screen shows.

Sessions today, allocations and assessments due within the next two working days or
overdue, carers turning 18 within six months (transition assessment), overdue plan actions
and walk-ins that still need referral details. Each list is bounded; counts are exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, literal_column
from sqlmodel import Session, and_, or_, select

from db.engine import Store
from db.models import Carer, Club, ClubSession, PlanAction, Referral
from ycworker.common import workdays

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
    needs_details: list[DayItem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _name(first: str, last: str, preferred: str = "") -> str:
    return f"{preferred or first} {last}"


def _deadline_items(rows, deadline_of, horizon: date, today: date, what: str) -> list[DayItem]:
    items = []
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
    items.sort(key=lambda i: i.when)
    return items


def worker_day(session: Session, worker_id: str | None, today: date, *, everyone: bool = False) -> WorkerDay:
    day = WorkerDay(today=today)
    horizon = workdays.working_days_after(today, SOON_WORKING_DAYS)
    mine_only = worker_id is not None and not everyone
    person = (Carer.id, Carer.first_name, Carer.last_name, Carer.preferred_name, Carer.carer_ref)

    # Sessions today.
    q = (
        select(ClubSession.id, Club.name, Club.venue, ClubSession.start_time, Club.worker_id)
        .join(Club, Club.id == ClubSession.club_id)
        .where(ClubSession.session_date == today, ClubSession.cancelled == False)  # noqa: E712
        .order_by(ClubSession.start_time, Club.name)
    )
    if mine_only:
        q = q.where(Club.worker_id == worker_id)
    for sid, name, venue, start, _w in session.exec(q.limit(LIST_LIMIT)).all():
        at = start.strftime("%H:%M") if start else "today"
        day.sessions.append(DayItem(None, name, f"{at} at {venue}" if venue else at, today, ref_id=sid))

    # Allocations: unallocated open referrals (anyone may pick these up), oldest first.
    open_unallocated = and_(
        Referral.allocated_date.is_(None), Referral.closed_date.is_(None), Referral.consent != "refused"
    )
    rows = session.exec(
        select(Referral.id, Carer.id, Carer.first_name, Carer.last_name, Carer.preferred_name,
               Carer.carer_ref, Referral.referral_date)
        .join(Carer, Carer.id == Referral.carer_id)
        .where(open_unallocated)
        .order_by(Referral.referral_date)
        .limit(2000)
    ).all()
    day.allocations = _deadline_items(rows, workdays.allocation_deadline, horizon, today, "allocation")

    # Assessments: allocated, not yet assessed, open; the worker's own unless everyone.
    q = (
        select(Referral.id, Carer.id, Carer.first_name, Carer.last_name, Carer.preferred_name,
               Carer.carer_ref, Referral.allocated_date)
        .join(Carer, Carer.id == Referral.carer_id)
        .where(Referral.allocated_date.is_not(None), Referral.assessment_completed_date.is_(None),
               Referral.closed_date.is_(None))
        .order_by(Referral.allocated_date)
        .limit(2000)
    )
    if mine_only:
        q = q.where(Referral.worker_id == worker_id)
    day.assessments = _deadline_items(session.exec(q).all(), workdays.assessment_deadline, horizon,
                                      today, "assessment")

    # Turning 18 within six months: 18th birthday after today and on or before today + 6 months.
    born_after = today - relativedelta(years=18)
    born_by = today + relativedelta(months=TRANSITION_MONTHS) - relativedelta(years=18)
    q = (
        select(*person, Carer.date_of_birth)
        .where(Carer.status == "open", Carer.archived_at.is_(None),
               Carer.date_of_birth > born_after, Carer.date_of_birth <= born_by)
        .order_by(Carer.date_of_birth)
    )
    if mine_only:
        q = q.where(Carer.worker_id == worker_id)
    for cid, first, last, preferred, ref, dob in session.exec(q.limit(LIST_LIMIT)).all():
        birthday = dob + relativedelta(years=18)
        day.turning_18.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                      f"turns 18 on {birthday:%d %b %Y}: transition assessment",
                                      birthday))

    # Overdue plan actions of open cases (a closed case's plan is over).
    overdue = (PlanAction.status == "open", PlanAction.due_date < today)
    if mine_only:
        # From the worker's carers to their actions: the hints tell SQLite these two terms are
        # not selective, or it walks every overdue action of the service in date order.
        overdue = tuple(func.likelihood(term, literal_column("0.9")) for term in overdue)
    q = (
        select(PlanAction.id, *person, PlanAction.what, PlanAction.due_date)
        .join(Carer, Carer.id == PlanAction.carer_id)
        .where(*overdue, Carer.status == "open", Carer.archived_at.is_(None))
        .order_by(PlanAction.due_date)
    )
    if mine_only:
        q = q.where(Carer.worker_id == worker_id)
    for aid, cid, first, last, preferred, ref, what, due in session.exec(q.limit(LIST_LIMIT)).all():
        day.plan_actions.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                        f"{what}: due {due:%d %b %Y}", due, overdue=True, ref_id=aid))

    # Walk-ins and quick adds that still need referral details.
    q = select(*person).where(Carer.needs_referral_details == True, Carer.archived_at.is_(None))  # noqa: E712
    rows = session.exec(q.order_by(Carer.created_at).limit(LIST_LIMIT)).all()
    for cid, first, last, preferred, ref in rows:
        day.needs_details.append(DayItem(cid, f"{_name(first, last, preferred)} ({ref})",
                                         "needs referral details"))

    day.counts = {
        "sessions": len(day.sessions),
        "allocations_overdue": sum(i.overdue for i in day.allocations),
        "assessments_overdue": sum(i.overdue for i in day.assessments),
        "open_carers": session.exec(
            select(func.count()).select_from(Carer).where(Carer.status == "open",
                                                          or_(Carer.archived_at.is_(None)))
        ).one(),
    }
    return day


def load_day(store: Store, worker_id: str | None, today: date, everyone: bool) -> WorkerDay:
    """The worker's day (everyone's, for a manager), read in one transaction."""
    with store.read() as session:
        return worker_day(session, worker_id, today, everyone=everyone)
