"""Holiday activities: what they are, who may come, and the list of carers to invite.

An activity (a winter party, a day trip, a HAF week) has one or more days with times, a venue,
a capacity (places per day), an age range and an eligibility rule: impact levels (e.g. medium or
high) and, for the Holiday Activities and Food programme (HAF), benefits-related free school
meals and Reception to Year 11.

School years follow England's 1 September cut-off: a child is in Reception in the school year
(1 September to 31 August) that starts when they are four, so the school year on a date is
``age on the 31 August before (or on) that date - 4``; Reception is 0, Year 11 is 11.
Ages and school years are taken on the activity's first day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import ActivityDay, Booking, BookingDay, Carer, District, HolidayActivity, utcnow
from ycworker.bookings.activity_input import (  # noqa: F401  (re-exported: activities.ActivityInput etc.)
    IMPACT_LEVELS,
    ActivityInput,
    DayInput,
    format_cost,
    format_days,
    parse_cost,
    parse_date,
    parse_days,
    parse_impact,
    parse_time,
    validate,
)
from ycworker.bookings.offers import HOLDING, Offer, offer_free_places
from ycworker.bookings.school_years import (  # noqa: F401  (re-exported: activities.school_year etc.)
    age_on,
    born_between_for_ages,
    born_between_for_years,
    describe_school_year,
    school_year,
    school_year_start,
)
from ycworker.caseload import search as caseload
from ycworker.common import audit
from ycworker.common.errors import FieldError, UserError

HAF_FIRST_YEAR = 0  # Reception
HAF_LAST_YEAR = 11
PAGE = 50


# -- reads ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivityRow:
    id: str
    title: str
    venue: str
    holiday_period: str
    first_day: date | None
    last_day: date | None
    day_count: int
    capacity: int
    booked: int  # children holding a place (booked or offered) on at least one day
    waiting: int
    haf: bool
    archived: bool


@dataclass(frozen=True)
class DayInfo:
    id: str
    day_date: date
    start_time: time | None
    end_time: time | None
    taken: int  # places held (booked or offered)
    attended: int  # present or late

    def label(self) -> str:
        text = f"{self.day_date:%a %d %b %Y}"
        if self.start_time and self.end_time:
            text += f" {self.start_time:%H:%M}-{self.end_time:%H:%M}"
        return text


@dataclass
class ActivityDetail:
    id: str
    data: ActivityInput
    days: list[DayInfo] = field(default_factory=list)
    archived: bool = False

    @property
    def title(self) -> str:
        return self.data.title

    def eligibility_text(self) -> str:
        return describe_eligibility(self.data)


def describe_eligibility(data: ActivityInput) -> str:
    parts = [f"ages {data.min_age}-{data.max_age}"]
    if data.eligible_impact:
        parts.append(" or ".join(data.eligible_impact) + " impact")
    if data.haf:
        parts.append("HAF: free school meals, Reception to Year 11")
    return "; ".join(parts)


def list_activities(session: Session, today: date, *, include_past: bool = False,
                    include_archived: bool = False) -> list[ActivityRow]:
    """Activities, soonest first; past ones (last day before today) only if asked."""
    days = (
        select(col(ActivityDay.activity_id).label("aid"), func.min(ActivityDay.day_date).label("first"),
               func.max(ActivityDay.day_date).label("last"), func.count().label("n"))
        .group_by(ActivityDay.activity_id).subquery()
    )
    counts = (
        select(col(Booking.activity_id).label("aid"),
               func.sum(case((col(Booking.status).in_(HOLDING), 1), else_=0)).label("held"),
               func.sum(case((col(Booking.status) == "waiting", 1), else_=0)).label("waiting"))
        .group_by(Booking.activity_id).subquery()
    )
    q = (
        sa_select(col(HolidayActivity.id), col(HolidayActivity.title), col(HolidayActivity.venue),
                  col(HolidayActivity.holiday_period), days.c.first, days.c.last, days.c.n,
                  col(HolidayActivity.capacity), counts.c.held, counts.c.waiting, col(HolidayActivity.haf),
                  col(HolidayActivity.archived_at))
        .outerjoin(days, days.c.aid == HolidayActivity.id)
        .outerjoin(counts, counts.c.aid == HolidayActivity.id)
    )
    if not include_archived:
        q = q.where(col(HolidayActivity.archived_at).is_(None))
    if not include_past:
        q = q.where(or_(days.c.last.is_(None), days.c.last >= today))
    q = q.order_by(days.c.first.is_(None), days.c.first, col(HolidayActivity.title))
    return [
        ActivityRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6] or 0, r[7], r[8] or 0, r[9] or 0,
                    bool(r[10]), r[11] is not None)
        for r in session.execute(q).all()
    ]


def day_infos(session: Session, activity_id: str) -> list[DayInfo]:
    held = (
        select(col(BookingDay.day_id).label("day_id"), func.count().label("n"),
               func.sum(case((col(BookingDay.attendance).in_(("present", "late")), 1), else_=0)).label("att"))
        .join(Booking, col(Booking.id) == BookingDay.booking_id)
        .where(Booking.activity_id == activity_id, col(Booking.status).in_(HOLDING))
        .group_by(BookingDay.day_id).subquery()
    )
    rows = session.execute(
        sa_select(col(ActivityDay.id), col(ActivityDay.day_date), col(ActivityDay.start_time),
                  col(ActivityDay.end_time), held.c.n, held.c.att)
        .outerjoin(held, held.c.day_id == ActivityDay.id)
        .where(col(ActivityDay.activity_id) == activity_id)
        .order_by(col(ActivityDay.day_date), col(ActivityDay.start_time))
    ).all()
    return [DayInfo(r[0], r[1], r[2], r[3], r[4] or 0, r[5] or 0) for r in rows]


def get_activity(session: Session, activity_id: str) -> ActivityDetail:
    a = session.get(HolidayActivity, activity_id)
    if a is None:
        raise FieldError("activity", "That activity no longer exists.")
    days = day_infos(session, activity_id)
    data = ActivityInput(
        title=a.title, venue=a.venue, holiday_period=a.holiday_period, capacity=a.capacity,
        min_age=a.min_age, max_age=a.max_age,
        eligible_impact=tuple(p for p in a.eligible_impact.split(",") if p), haf=a.haf,
        funding=a.funding, cost_pence=a.cost_pence, staff_notes=a.staff_notes,
        district_id=a.district_id,
        days=[DayInput(d.day_date, d.start_time, d.end_time) for d in days],
    )
    return ActivityDetail(activity_id, data, days, a.archived_at is not None)


# -- writes ---------------------------------------------------------------------------------------

def _apply(a: HolidayActivity, data: ActivityInput) -> None:
    a.title = data.title.strip()
    a.venue = data.venue.strip()
    a.holiday_period = data.holiday_period.strip()
    a.capacity = data.capacity
    a.min_age = data.min_age
    a.max_age = data.max_age
    a.eligible_impact = ",".join(data.eligible_impact)
    a.haf = data.haf
    a.funding = data.funding.strip() or ("HAF" if data.haf else "")
    a.cost_pence = data.cost_pence
    a.staff_notes = data.staff_notes.strip()
    a.district_id = data.district_id
    a.updated_at = utcnow()


def create_activity(session: Session, data: ActivityInput, worker_id: str | None) -> str:
    validate(data)
    a = HolidayActivity(title=data.title.strip())
    _apply(a, data)
    session.add(a)
    session.flush()
    for d in sorted(data.days, key=lambda d: d.day_date):
        session.add(ActivityDay(activity_id=a.id, day_date=d.day_date, start_time=d.start_time,
                                end_time=d.end_time))
    audit.record(session, "create", "holiday_activity", a.id, worker_id)
    session.flush()
    return a.id


def update_activity(session: Session, activity_id: str, data: ActivityInput,
                    worker_id: str | None) -> list[Offer]:
    """Save changes. Days are matched by date: a new date adds a day, a missing one removes it
    (refused while anyone is booked on it). Capacity cannot drop below the places already held
    on any day; raising it offers the new places to the waiting list. Returns the offers made."""
    validate(data)
    a = session.get(HolidayActivity, activity_id)
    if a is None:
        raise FieldError("title", "That activity no longer exists.")
    existing = {d.day_date: d for d in day_infos(session, activity_id)}
    wanted = {d.day_date: d for d in data.days}
    for day_date, info in existing.items():
        if day_date not in wanted and info.taken:
            raise FieldError("days", f"{info.day_date:%a %d %b} has {info.taken} booked: cancel those "
                                     "bookings before removing the day.")
    busiest = max((i.taken for i in existing.values() if i.day_date in wanted), default=0)
    if data.capacity < busiest:
        raise FieldError("capacity", f"{busiest} places are already taken on the busiest day: "
                                     f"capacity cannot be less than {busiest}.")
    _apply(a, data)
    session.add(a)
    for day_date, info in existing.items():
        day = session.get(ActivityDay, info.id)
        if day is None:
            raise UserError("A day of this activity is no longer on this laptop.")
        if day_date not in wanted:
            for bd in session.exec(select(BookingDay).where(BookingDay.day_id == info.id)).all():
                session.delete(bd)  # cancelled or waiting bookings' claims on the removed day
            session.delete(day)
        else:
            new = wanted[day_date]
            if (day.start_time, day.end_time) != (new.start_time, new.end_time):
                day.start_time, day.end_time, day.updated_at = new.start_time, new.end_time, utcnow()
                session.add(day)
    for day_date, new in wanted.items():
        if day_date not in existing:
            session.add(ActivityDay(activity_id=activity_id, day_date=day_date,
                                    start_time=new.start_time, end_time=new.end_time))
    audit.record(session, "update", "holiday_activity", activity_id, worker_id)
    session.flush()
    return offer_free_places(session, activity_id, worker_id)


def archive_activity(session: Session, activity_id: str, worker_id: str | None) -> None:
    a = session.get(HolidayActivity, activity_id)
    if a is None:
        raise FieldError("activity", "That activity no longer exists.")
    a.archived_at = utcnow()
    a.updated_at = utcnow()
    session.add(a)
    audit.record(session, "archive", "holiday_activity", activity_id, worker_id)


# -- eligibility and the invitation list ----------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """An activity's eligibility, resolved to dates of birth on its first day."""

    on: date
    min_age: int
    max_age: int
    impact: tuple[str, ...]
    haf: bool

    def dob_range(self) -> tuple[date, date]:
        earliest, latest = born_between_for_ages(self.min_age, self.max_age, self.on)
        if self.haf:
            e2, l2 = born_between_for_years(HAF_FIRST_YEAR, HAF_LAST_YEAR, self.on)
            earliest, latest = max(earliest, e2), min(latest, l2)
        return earliest, latest


def rule_for(session: Session, activity_id: str, today: date) -> Rule:
    a = session.get(HolidayActivity, activity_id)
    if a is None:
        raise FieldError("activity", "That activity no longer exists.")
    first = session.exec(
        select(func.min(ActivityDay.day_date)).where(ActivityDay.activity_id == activity_id)
    ).one()
    return Rule(first or today, a.min_age, a.max_age,
                tuple(p for p in a.eligible_impact.split(",") if p), a.haf)


def reasons_not_eligible(rule: Rule, date_of_birth: date, impact_level: str | None, fsm: bool) -> list[str]:
    """Plain reasons a child does not meet the activity's rule (empty when eligible)."""
    reasons = []
    age = age_on(date_of_birth, rule.on)
    if not rule.min_age <= age <= rule.max_age:
        reasons.append(f"aged {age} (the activity is for {rule.min_age}-{rule.max_age})")
    if rule.impact and (impact_level or "") not in rule.impact:
        reasons.append(f"impact {impact_level or 'not assessed'} (the activity is for "
                       f"{' or '.join(rule.impact)})")
    if rule.haf:
        year = school_year(date_of_birth, rule.on)
        if not HAF_FIRST_YEAR <= year <= HAF_LAST_YEAR:
            reasons.append(f"{describe_school_year(year)} (HAF is Reception to Year 11)")
        if not fsm:
            reasons.append("not on benefits-related free school meals (HAF)")
    return reasons


@dataclass
class InviteFilter:
    """How the worker narrows the invitation list."""

    text: str = ""  # words of a name, carer ref, school or household, as the caseload search reads them
    impact: tuple[str, ...] | None = None  # None: the activity's own rule
    fsm_only: bool = False
    send_only: bool = False
    district_id: str | None = None
    eligible_only: bool = True  # ages, school years, impact and FSM from the activity's rule
    include_booked: bool = False


@dataclass(frozen=True)
class InviteRow:
    carer_id: str
    name: str
    carer_ref: str
    date_of_birth: date
    age: int
    school_year: str
    impact_level: str
    fsm: bool
    send: bool
    district: str
    booking_status: str  # "" when not booked


@dataclass
class InvitePage:
    rows: list[InviteRow]
    offset: int
    has_more: bool
    capped: bool = False  # the search matched more children than the search index hands back


def invitation_list(session: Session, activity_id: str, flt: InviteFilter, today: date, *,
                    limit: int = PAGE, offset: int = 0) -> InvitePage:
    """Open young carers to invite, by name, a page at a time (LIMIT/OFFSET on the name index)."""
    rule = rule_for(session, activity_id, today)
    booked = (
        select(Booking.status).where(Booking.activity_id == activity_id, Booking.carer_id == Carer.id,
                                     Booking.status != "cancelled")
        .correlate(Carer).scalar_subquery()
    )
    # The caseload's own search (its FTS indexes): "abena abdi", "abdi abe" and "willow moo" find
    # the child whatever the order of the words, as on the caseload; no second matcher here.
    ids, capped = caseload.candidates(session, flt.text)
    # A search is a bounded set of ids (at most two SEARCH_CAPs): read those by primary key and test
    # the filters on each (``pick``: unindexed), then sort the few left. Left to itself SQLite
    # walked every open carer in name order (ix_carer_status_name) to find the few that matched
    # ("moh": 36 ms at 50,000 carers).
    pick = caseload.unindexed if ids is not None else col
    q = (
        sa_select(col(Carer.id), col(Carer.first_name), col(Carer.last_name), col(Carer.preferred_name),
                  col(Carer.carer_ref), col(Carer.date_of_birth), col(Carer.impact_level), col(Carer.fsm),
                  col(Carer.send), col(District.name), booked)
        .outerjoin(District, col(District.id) == Carer.district_id)
        .where(pick(Carer.status) == "open", pick(Carer.archived_at).is_(None))
    )
    if flt.eligible_only:
        earliest, latest = rule.dob_range()
        q = q.where(pick(Carer.date_of_birth) >= earliest, pick(Carer.date_of_birth) <= latest)
        if rule.haf:
            q = q.where(pick(Carer.fsm) == True)  # noqa: E712
    impact = flt.impact if flt.impact is not None else (rule.impact if flt.eligible_only else ())
    if impact:
        q = q.where(pick(Carer.impact_level).in_(impact))
    if flt.fsm_only:
        q = q.where(pick(Carer.fsm) == True)  # noqa: E712
    if flt.send_only:
        q = q.where(pick(Carer.send) == True)  # noqa: E712
    if flt.district_id:
        q = q.where(pick(Carer.district_id) == flt.district_id)
    if ids is not None:
        q = q.where(col(Carer.id).in_(sorted(ids)))
    if not flt.include_booked:
        q = q.where(booked.is_(None))
    q = q.order_by(pick(Carer.last_name), pick(Carer.first_name), col(Carer.id))
    q = q.offset(offset).limit(limit + 1)
    rows = session.execute(q).all()
    out = [
        InviteRow(r[0], f"{r[3] or r[1]} {r[2]}", r[4], r[5], age_on(r[5], rule.on),
                  describe_school_year(school_year(r[5], rule.on)), r[6] or "", bool(r[7]), bool(r[8]),
                  r[9] or "", r[10] or "")
        for r in rows[:limit]
    ]
    return InvitePage(out, offset, len(rows) > limit, capped)


def districts(session: Session) -> list[tuple[str, str]]:
    rows = session.exec(select(District.id, District.name).order_by(District.name)).all()
    return [(r[0], r[1]) for r in rows]


__all__ = [
    "ActivityDetail", "ActivityInput", "ActivityRow", "DayInfo", "DayInput", "InviteFilter", "InvitePage",
    "InviteRow", "Rule", "age_on", "archive_activity", "create_activity", "describe_eligibility",
    "describe_school_year", "format_cost", "format_days", "get_activity", "invitation_list",
    "list_activities", "parse_cost", "parse_days", "parse_impact", "reasons_not_eligible", "rule_for",
    "school_year", "update_activity", "validate",
]
