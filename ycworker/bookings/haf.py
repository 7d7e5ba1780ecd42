"""HAF counts: what a council asks of the Holiday Activities and Food programme, by activity and
by holiday period (unique children who attended, of them FSM-eligible and SEND, child-days)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from db.models import Booking, BookingDay, Carer, HolidayActivity
from ycworker.bookings.bookings import ATTENDED
from ycworker.bookings.offers import HOLDING


@dataclass(frozen=True)
class HafCount:
    label: str  # the activity title or the holiday period
    key: str  # the activity id or the period
    unique_children: int
    fsm_children: int
    send_children: int
    child_days: int  # days attended (present or late)
    booked_children: int  # children holding a place


@dataclass
class HafReport:
    by_activity: list[HafCount]
    by_period: list[HafCount]
    total: HafCount


def haf_counts(session: Session, *, holiday_period: str | None = None, haf_only: bool = False,
               activity_ids: list[str] | None = None) -> HafReport:
    """What a council asks of HAF: unique children who attended, of them FSM-eligible and SEND,
    and child-days attended (present or late), by activity and by holiday period. FSM and SEND
    are the carers' flags as recorded now."""
    attended = (col(BookingDay.attendance).in_(ATTENDED)) & (Booking.status == "booked")
    attended_carer = case((attended, Carer.id))

    def measures():
        return (
            func.count(func.distinct(attended_carer)),
            func.count(func.distinct(case((attended & (Carer.fsm == True), Carer.id)))),  # noqa: E712
            func.count(func.distinct(case((attended & (Carer.send == True), Carer.id)))),  # noqa: E712
            func.sum(case((attended, 1), else_=0)),
            func.count(func.distinct(case((col(Booking.status).in_(HOLDING), Carer.id)))),
        )

    def base(*cols):
        q = (select(*cols, *measures())
             .select_from(HolidayActivity)
             .join(Booking, Booking.activity_id == HolidayActivity.id)
             .join(Carer, Carer.id == Booking.carer_id)
             .outerjoin(BookingDay, BookingDay.booking_id == Booking.id))
        if holiday_period is not None:
            q = q.where(HolidayActivity.holiday_period == holiday_period)
        if haf_only:
            q = q.where(HolidayActivity.haf == True)  # noqa: E712
        if activity_ids is not None:
            q = q.where(col(HolidayActivity.id).in_(activity_ids))
        return q

    def count(label, key, r) -> HafCount:
        return HafCount(label, key, r[0] or 0, r[1] or 0, r[2] or 0, r[3] or 0, r[4] or 0)

    by_activity = [
        count(r[1], r[0], r[2:]) for r in session.exec(
            base(HolidayActivity.id, HolidayActivity.title)
            .group_by(HolidayActivity.id, HolidayActivity.title)
            .order_by(HolidayActivity.holiday_period, HolidayActivity.title)).all()
    ]
    by_period = [
        count(r[0] or "(no holiday period)", r[0], r[1:]) for r in session.exec(
            base(HolidayActivity.holiday_period).group_by(HolidayActivity.holiday_period)
            .order_by(HolidayActivity.holiday_period)).all()
    ]
    total = count("All", "", session.exec(base()).one())
    return HafReport(by_activity, by_period, total)
