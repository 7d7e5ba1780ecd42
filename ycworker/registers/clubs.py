"""Clubs: who belongs, and their sessions. When a club meets (its recurrence) is in
``ycworker/registers/recurrence.py``; its names are re-exported here.

Sessions are materialised into ``club_session`` rows for a window, idempotently: a date that
already has a row (held, cancelled or one-off) is left alone. Bank holidays: a session still
falls on the day unless the worker cancels it; the sessions list flags the bank holiday so the
worker can decide (many community venues stay open, schools do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Attendance, Club, ClubMember, ClubSession, District, utcnow
from ycworker.common import audit, workdays
from ycworker.common.errors import FieldError, FormErrors
from ycworker.registers.members import (  # noqa: F401  (re-exported: clubs.add_member etc.)
    Added,
    MemberRow,
    add_member,
    age_on,
    age_warning,
    find_carers,
    members,
    remove_member,
)
from ycworker.registers.recurrence import (  # noqa: F401  (re-exported: clubs.Recurrence etc.)
    FREQUENCIES,
    NTH_NAMES,
    WEEKDAY_NAMES,
    Recurrence,
    check,
    dates_between,
    describe,
    next_date,
    rule,
)

MIN_AGE, MAX_AGE = 5, 24
# The window of sessions kept materialised around today.
WINDOW_BEFORE = timedelta(weeks=8)
WINDOW_AFTER = timedelta(weeks=12)


# -- clubs ---------------------------------------------------------------------------------------


@dataclass
class ClubForm:
    """What the club form sends: text as typed, checked by ``save_club``."""

    name: str = ""
    district_id: str | None = None
    venue: str = ""
    min_age: str = "5"
    max_age: str = "18"
    frequency: str = "weekly"
    weekday: int = 0
    nth_weekday: int | None = None
    month_day: str = ""
    start_time: str = ""
    end_time: str = ""
    first_date: str = ""
    last_date: str = ""
    worker_id: str | None = None


@dataclass(frozen=True)
class ClubRow:
    id: str
    name: str
    district: str
    venue: str
    min_age: int
    max_age: int
    when: str  # "Every other Tuesday, 16:30-18:00"
    worker_id: str | None
    members: int
    next_session: date | None
    active: bool


@dataclass(frozen=True)
class SessionRow:
    id: str
    club_id: str
    club_name: str
    venue: str
    session_date: date
    start_time: time | None
    end_time: time | None
    one_off: bool
    cancelled: bool
    cancel_reason: str
    bank_holiday: bool
    present: int = 0
    late: int = 0
    absent: int = 0

    @property
    def times(self) -> str:
        return format_times(self.start_time, self.end_time)


def format_times(start: time | None, end: time | None) -> str:
    if start and end:
        return f"{start:%H:%M}-{end:%H:%M}"
    return f"{start:%H:%M}" if start else ""


def parse_date(text: str, field_name: str, *, required: bool = False) -> date | None:
    """YYYY-MM-DD or DD/MM/YYYY."""
    text = text.strip()
    if not text:
        if required:
            raise FieldError(field_name, "Give a date, e.g. 24/11/2026.")
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise FieldError(field_name, f"'{text}' is not a date: type it as 24/11/2026 or 2026-11-24.")


def parse_time(text: str, field_name: str) -> time | None:
    """16:30, 1630, 4:30pm."""
    text = text.strip().lower().replace(".", ":")
    if not text:
        return None
    for fmt in ("%H:%M", "%H%M", "%I:%M%p", "%I%p", "%I:%M %p", "%I %p"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise FieldError(field_name, f"'{text}' is not a time: type it as 16:30.")


def _parse_int(text: str, field_name: str, what: str) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise FieldError(field_name, f"{what} is a whole number.") from None


def save_club(session: Session, form: ClubForm, *, worker_id: str | None, today: date,
              club_id: str | None = None) -> str:
    """Create or update a club from the form, then materialise its sessions around today."""
    errors: list[FieldError] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except FieldError as e:
            errors.append(e)
            return None

    name = " ".join(form.name.split())
    if not name:
        errors.append(FieldError("name", "Give the club a name."))
    min_age = attempt(_parse_int, form.min_age, "min_age", "The youngest age")
    max_age = attempt(_parse_int, form.max_age, "max_age", "The oldest age")
    if min_age is not None and not MIN_AGE <= min_age <= MAX_AGE:
        errors.append(FieldError("min_age", f"The service works with ages {MIN_AGE} to {MAX_AGE}."))
    if max_age is not None and not MIN_AGE <= max_age <= MAX_AGE:
        errors.append(FieldError("max_age", f"The service works with ages {MIN_AGE} to {MAX_AGE}."))
    if min_age is not None and max_age is not None and max_age < min_age:
        errors.append(FieldError("max_age", "The oldest age is below the youngest."))
    month_day = attempt(_parse_int, form.month_day, "month_day", "The date in the month") \
        if form.frequency == "monthly" and form.month_day.strip() else None
    start_time = attempt(parse_time, form.start_time, "start_time")
    end_time = attempt(parse_time, form.end_time, "end_time")
    if start_time and end_time and end_time <= start_time:
        errors.append(FieldError("end_time", "The club ends before it starts."))
    first_date = attempt(parse_date, form.first_date, "first_date")
    last_date = attempt(parse_date, form.last_date, "last_date")
    if first_date is None and not any(e.field == "first_date" for e in errors):
        first_date = today
    rec = Recurrence(form.frequency, form.weekday,
                     form.nth_weekday if form.frequency == "monthly" and not month_day else None,
                     month_day, first_date, last_date)
    errors.extend(e for e in check(rec) if e.field not in {x.field for x in errors})
    if form.district_id and session.get(District, form.district_id) is None:
        errors.append(FieldError("district_id", "That district is not on this laptop."))
    if errors:
        raise FormErrors(errors)

    club = session.get(Club, club_id) if club_id else Club(name=name)
    if club is None:
        raise FormErrors([FieldError("name", "That club is no longer on this laptop.")])
    club.name = name
    club.district_id = form.district_id or None
    club.venue = form.venue.strip()
    club.min_age, club.max_age = min_age, max_age
    club.frequency, club.weekday = rec.frequency, rec.weekday
    club.nth_weekday, club.month_day = rec.nth_weekday, rec.month_day
    club.start_time, club.end_time = start_time, end_time
    club.first_date, club.last_date = first_date, last_date
    club.worker_id = form.worker_id or worker_id
    club.updated_at = utcnow()
    session.add(club)
    session.flush()
    audit.record(session, "update" if club_id else "create", "club", club.id, worker_id)
    materialise(session, club.id, today - WINDOW_BEFORE, today + WINDOW_AFTER, today=today)
    return club.id


def club_form(session: Session, club_id: str) -> ClubForm:
    c = session.get(Club, club_id)
    if c is None:
        raise FieldError("name", "That club is no longer on this laptop.")
    return ClubForm(
        name=c.name, district_id=c.district_id, venue=c.venue, min_age=str(c.min_age),
        max_age=str(c.max_age), frequency=c.frequency, weekday=c.weekday, nth_weekday=c.nth_weekday,
        month_day=str(c.month_day or ""), start_time=f"{c.start_time:%H:%M}" if c.start_time else "",
        end_time=f"{c.end_time:%H:%M}" if c.end_time else "",
        first_date=f"{c.first_date:%d/%m/%Y}" if c.first_date else "",
        last_date=f"{c.last_date:%d/%m/%Y}" if c.last_date else "", worker_id=c.worker_id,
    )


def districts(session: Session) -> list[tuple[str, str]]:
    return [(n, i) for i, n in session.exec(select(District.id, District.name).order_by(District.name))]


def list_clubs(session: Session, worker_id: str | None, today: date, *, everyone: bool = False
               ) -> list[ClubRow]:
    """Active clubs (the worker's own unless everyone), with member counts and next session."""
    member_counts = (
        select(ClubMember.club_id, func.count().label("n"))
        .where(col(ClubMember.left_date).is_(None))
        .group_by(ClubMember.club_id)
        .subquery()
    )
    upcoming = (
        select(ClubSession.club_id, func.min(ClubSession.session_date).label("d"))
        .where(ClubSession.session_date >= today, ClubSession.cancelled == False)  # noqa: E712
        .group_by(ClubSession.club_id)
        .subquery()
    )
    q = (
        select(Club, District.name, func.coalesce(member_counts.c.n, 0), upcoming.c.d)
        .join(District, col(District.id) == Club.district_id, isouter=True)
        .join(member_counts, member_counts.c.club_id == Club.id, isouter=True)
        .join(upcoming, upcoming.c.club_id == Club.id, isouter=True)
        .where(Club.active == True)  # noqa: E712
        .order_by(Club.name)
    )
    if worker_id is not None and not everyone:
        q = q.where(Club.worker_id == worker_id)
    out: list[ClubRow] = []
    for club, district, n, next_d in session.exec(q).all():
        when = describe(Recurrence.of(club))
        times = format_times(club.start_time, club.end_time)
        out.append(ClubRow(club.id, club.name, district or "", club.venue, club.min_age, club.max_age,
                           f"{when}, {times}" if times else when, club.worker_id, n, next_d, club.active))
    return out


# -- sessions ------------------------------------------------------------------------------------


def materialise(session: Session, club_id: str, start: date, end: date, *, today: date) -> int:
    """Make the club_session rows the recurrence asks for from start to end. Idempotent.

    A generated session in the future that no longer fits the recurrence (the club changed day)
    and has no marks and is not cancelled is removed. Returns the number of rows added.
    """
    club = session.get(Club, club_id)
    if club is None or not club.active:
        return 0
    wanted = set(dates_between(Recurrence.of(club), start, end))
    existing = session.exec(
        select(col(ClubSession.id), col(ClubSession.session_date), col(ClubSession.one_off),
               col(ClubSession.cancelled))
        .where(ClubSession.club_id == club_id, col(ClubSession.session_date) >= start,
               col(ClubSession.session_date) <= end)
    ).all()
    have = {d for _i, d, _o, _c in existing}
    stale = [i for i, d, one_off, cancelled in existing
             if d >= today and d not in wanted and not one_off and not cancelled]
    if stale:
        marked = set(session.exec(select(Attendance.session_id).where(col(Attendance.session_id).in_(stale))))
        for sid in stale:
            if sid not in marked:
                session.delete(session.get(ClubSession, sid))
    added = 0
    for d in sorted(wanted - have):
        session.add(ClubSession(club_id=club_id, session_date=d, start_time=club.start_time,
                                end_time=club.end_time))
        added += 1
    session.flush()
    return added


def materialise_all(session: Session, today: date, *, worker_id: str | None = None) -> int:
    """Materialise every active club's window around today (the worker's own clubs if given)."""
    q = select(Club.id).where(Club.active == True)  # noqa: E712
    if worker_id is not None:
        q = q.where(Club.worker_id == worker_id)
    return sum(materialise(session, cid, today - WINDOW_BEFORE, today + WINDOW_AFTER, today=today)
               for cid in session.exec(q).all())


_SessionSelect = Select[str, str, str, str, date, time | None, time | None, bool, bool, str]


def _session_rows(session: Session, q: _SessionSelect, *, counts: bool = True) -> list[SessionRow]:
    rows = session.execute(q).all()
    if not rows:
        return []
    dates = [r[4] for r in rows]
    hols = set(workdays.bank_holidays(min(dates), max(dates)))
    marks: dict[str, dict[str, int]] = {}
    if counts:
        # Counted for these sessions only (an indexed lookup, not the whole attendance table).
        ids = [r[0] for r in rows]
        for i in range(0, len(ids), 500):
            for sid, status, n in session.exec(
                select(Attendance.session_id, Attendance.status, func.count())
                .where(col(Attendance.session_id).in_(ids[i:i + 500]))
                .group_by(Attendance.session_id, Attendance.status)
            ).all():
                marks.setdefault(sid, {})[status] = n
    out: list[SessionRow] = []
    for sid, club_id, name, venue, day, start, end, one_off, cancelled, reason in rows:
        m = marks.get(sid, {})
        out.append(SessionRow(sid, club_id, name, venue, day, start, end, one_off, cancelled, reason,
                              day in hols, m.get("present", 0), m.get("late", 0), m.get("absent", 0)))
    return out


def _session_select() -> _SessionSelect:
    return (
        sa_select(col(ClubSession.id), col(ClubSession.club_id), col(Club.name), col(Club.venue),
                  col(ClubSession.session_date), col(ClubSession.start_time), col(ClubSession.end_time),
                  col(ClubSession.one_off), col(ClubSession.cancelled), col(ClubSession.cancel_reason))
        .join(Club, col(Club.id) == ClubSession.club_id)
    )


def club_sessions(session: Session, club_id: str, start: date, end: date) -> list[SessionRow]:
    q = (_session_select()
         .where(col(ClubSession.club_id) == club_id, col(ClubSession.session_date) >= start,
                col(ClubSession.session_date) <= end)
         .order_by(col(ClubSession.session_date), col(ClubSession.start_time)))
    return _session_rows(session, q)


def sessions_on(session: Session, day: date, worker_id: str | None, *, everyone: bool = False
                ) -> list[SessionRow]:
    """Sessions on a day (cancelled ones included, flagged), the worker's clubs unless everyone."""
    q = (_session_select()
         .where(col(ClubSession.session_date) == day, col(Club.active) == True)  # noqa: E712
         .order_by(col(ClubSession.start_time), col(Club.name)))
    if worker_id is not None and not everyone:
        q = q.where(col(Club.worker_id) == worker_id)
    return _session_rows(session, q)


def get_session(session: Session, session_id: str, *, counts: bool = True) -> SessionRow:
    rows = _session_rows(session, _session_select().where(col(ClubSession.id) == session_id), counts=counts)
    if not rows:
        raise FieldError("session", "That session is no longer on this laptop.")
    return rows[0]


def add_one_off(session: Session, club_id: str, day_text: str, start_text: str = "", end_text: str = "",
                *, worker_id: str | None = None) -> str:
    """A one-off session (an extra meeting, a trip). Times default to the club's."""
    club = session.get(Club, club_id)
    if club is None:
        raise FieldError("date", "That club is no longer on this laptop.")
    errors: list[FieldError] = []
    day: date | None = None
    try:
        day = parse_date(day_text, "date", required=True)
    except FieldError as e:
        errors.append(e)
    try:
        start = parse_time(start_text, "start_time") or club.start_time
    except FieldError as e:
        errors.append(e)
        start = None
    try:
        end = parse_time(end_text, "end_time") or club.end_time
    except FieldError as e:
        errors.append(e)
        end = None
    if errors:
        raise FormErrors(errors)
    assert day is not None  # required=True: no date raised a FieldError
    clash = session.exec(
        select(ClubSession.id).where(ClubSession.club_id == club_id, ClubSession.session_date == day,
                                     ClubSession.start_time == start if start else
                                     col(ClubSession.start_time).is_(None))
    ).first()
    if clash:
        raise FormErrors([FieldError("date",
                                     f"{club.name} already meets on {day:%a %d %b %Y} at that time.")])
    row = ClubSession(club_id=club_id, session_date=day, start_time=start, end_time=end, one_off=True)
    session.add(row)
    session.flush()
    audit.record(session, "create", "club_session", row.id, worker_id)
    return row.id


def cancel_session(session: Session, session_id: str, reason: str, *, worker_id: str | None = None) -> None:
    """Cancel a session with a reason. Its members are not marked absent; marks made stay on record."""
    reason = " ".join(reason.split())
    if not reason:
        raise FormErrors([FieldError("reason", "Say why, e.g. 'venue closed: bank holiday'.")])
    row = session.get(ClubSession, session_id)
    if row is None:
        raise FormErrors([FieldError("reason", "That session is no longer on this laptop.")])
    row.cancelled, row.cancel_reason, row.updated_at = True, reason[:200], utcnow()
    session.add(row)
    audit.record(session, "update", "club_session", row.id, worker_id)


def reinstate_session(session: Session, session_id: str, *, worker_id: str | None = None) -> None:
    row = session.get(ClubSession, session_id)
    if row is None:
        raise FieldError("session", "That session is no longer on this laptop.")
    row.cancelled, row.cancel_reason, row.updated_at = False, "", utcnow()
    session.add(row)
    audit.record(session, "update", "club_session", row.id, worker_id)
