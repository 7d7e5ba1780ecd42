"""Attendance on an activity's day: the booked children with their marks, and marking them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import ActivityDay, Booking, BookingDay, Carer, HolidayActivity, utcnow
from ycworker.bookings.offers import _name
from ycworker.bookings.school_years import describe_school_year, school_year
from ycworker.common import audit
from ycworker.common.errors import FieldError
from ycworker.common.marking import not_yet

MARKS = ("present", "late", "absent")
ATTENDED = ("present", "late")


@dataclass(frozen=True)
class AttendanceRow:
    booking_day_id: str
    carer_id: str
    name: str
    carer_ref: str
    school_year: str
    fsm: bool
    send: bool
    needs: bool
    mark: str | None


def attendance_list(session: Session, day_id: str) -> list[AttendanceRow]:
    """The booked children on one day, by name, with their mark so far."""
    day = session.get(ActivityDay, day_id)
    if day is None:
        raise FieldError("day", "That day is no longer part of the activity.")
    rows = session.execute(
        sa_select(col(BookingDay.id), col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.carer_ref), col(Carer.date_of_birth), col(Carer.fsm),
                  col(Carer.send),
                  (col(Booking.allergies) != "") | (col(Booking.medical) != "")
                  | (col(Booking.medication) != ""),
                  col(BookingDay.attendance))
        .join(Booking, col(Booking.id) == BookingDay.booking_id)
        .join(Carer, col(Carer.id) == Booking.carer_id)
        .where(col(BookingDay.day_id) == day_id, col(Booking.status) == "booked")
        .order_by(col(Carer.last_name), col(Carer.first_name))
    ).all()
    return [AttendanceRow(r[0], r[1], _name(r[2], r[3], r[4]), r[5],
                          describe_school_year(school_year(r[6], day.day_date)), bool(r[7]), bool(r[8]),
                          bool(r[9]), r[10]) for r in rows]


def day_heading(session: Session, day_id: str) -> str:
    """'Winter party · Mon 21 Dec 2026 10:00-14:00 · Dover Youth Hub'."""
    row = session.execute(
        sa_select(col(HolidayActivity.title), col(HolidayActivity.venue), col(ActivityDay.day_date),
                  col(ActivityDay.start_time), col(ActivityDay.end_time))
        .join(HolidayActivity, col(HolidayActivity.id) == ActivityDay.activity_id)
        .where(col(ActivityDay.id) == day_id)
    ).first()
    if row is None:
        raise FieldError("day", "That day is no longer part of the activity.")
    when = f"{row[2]:%a %d %b %Y}" + (f" {row[3]:%H:%M}-{row[4]:%H:%M}" if row[3] and row[4] else "")
    return " · ".join(p for p in (row[0], when, row[1]) if p)


def attendance_days(session: Session, booking_id: str) -> list[str]:
    """The booking's booking-day ids, in day order (for marking one child across days)."""
    return list(session.exec(
        select(BookingDay.id).join(ActivityDay, col(ActivityDay.id) == BookingDay.day_id)
        .where(BookingDay.booking_id == booking_id).order_by(col(ActivityDay.day_date))
    ).all())


def day_not_yet(session: Session, day_id: str, today: date) -> str:
    """The sentence refusing marks when the activity's day is after today; "" when it takes them."""
    day = session.get(ActivityDay, day_id)
    if day is None:
        raise FieldError("day", "That day is no longer part of the activity.")
    return not_yet("activity day", day.day_date, today) or ""


def mark(session: Session, booking_day_id: str, value: str | None, worker_id: str | None, *,
         today: date) -> None:
    """Mark a child present, late or absent on a day; None clears the mark (undo).

    A day after today takes no marks (refused with a sentence saying from when it does); clearing
    one is always allowed, so a mark made too early can be taken back."""
    if value is not None and value not in MARKS:
        raise FieldError("mark", "A mark is present, late or absent.")
    bd = session.get(BookingDay, booking_day_id)
    if bd is None:
        raise FieldError("mark", "That booking is no longer on this day.")
    if value is not None and (waiting := day_not_yet(session, bd.day_id, today)):
        raise FieldError("mark", waiting)
    bd.attendance = value
    bd.marked_at = utcnow() if value else None
    bd.marked_by_id = worker_id if value else None
    bd.updated_at = utcnow()
    session.add(bd)
    audit.record(session, "update", "booking_day", booking_day_id, worker_id)
