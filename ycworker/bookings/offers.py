"""Free places and the offers made from the waiting list: what a day holds, and offering any
place that frees (a cancellation, a declined offer, a capacity increase) to the first child waiting
whose days all have room.

Both ``activities`` (raising an activity's capacity offers the new places) and ``bookings`` import
this module; it imports neither, so the two meet here and not in a circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import ActivityDay, Booking, BookingDay, BookingOffer, Carer, HolidayActivity, utcnow
from ycworker.common import audit
from ycworker.common.errors import FieldError, UserError

HOLDING = ("booked", "offered")  # booking statuses that hold a place


@dataclass(frozen=True)
class Offer:
    booking_id: str
    carer_id: str
    name: str
    days: tuple[date, ...]

    def message(self) -> str:
        return f"A place is offered to {self.name} ({', '.join(f'{d:%a %d %b}' for d in self.days)})."


def _name(first: str, last: str, preferred: str = "") -> str:
    return f"{preferred or first} {last}"


def _carer_name(session: Session, carer_id: str) -> str:
    row = session.exec(select(Carer.first_name, Carer.last_name, Carer.preferred_name)
                       .where(Carer.id == carer_id)).first()
    return _name(*row) if row else "this child"


def _days(session: Session, activity_id: str) -> list[tuple[str, date]]:
    return [(r[0], r[1]) for r in session.exec(
        select(col(ActivityDay.id), col(ActivityDay.day_date)).where(ActivityDay.activity_id == activity_id)
        .order_by(col(ActivityDay.day_date))).all()]


def places_taken(session: Session, activity_id: str) -> dict[str, int]:
    """Places held (booked or offered) on each day of the activity, by day id."""
    rows = session.exec(
        select(BookingDay.day_id, func.count())
        .join(Booking, col(Booking.id) == BookingDay.booking_id)
        .where(Booking.activity_id == activity_id, col(Booking.status).in_(HOLDING))
        .group_by(BookingDay.day_id)
    ).all()
    return {r[0]: r[1] for r in rows}


def _capacity(session: Session, activity_id: str) -> int:
    cap = session.exec(select(HolidayActivity.capacity).where(HolidayActivity.id == activity_id)).first()
    if cap is None:
        raise FieldError("activity", "That activity no longer exists.")
    return cap


def offer_free_places(session: Session, activity_id: str, worker_id: str | None) -> list[Offer]:
    """Offer any free places to the waiting list, in order: each child waiting, first to last,
    whose days all have room is offered a place (which it then holds). Returns the offers made."""
    capacity = _capacity(session, activity_id)
    taken = places_taken(session, activity_id)
    waiting = session.exec(
        select(Booking.id, Booking.carer_id).where(Booking.activity_id == activity_id,
                                                   Booking.status == "waiting")
        .order_by(col(Booking.waiting_position))
    ).all()
    if not waiting:
        return []
    day_dates = dict(_days(session, activity_id))
    wanted: dict[str, list[str]] = {}
    for booking_id, day_id in session.exec(
        select(BookingDay.booking_id, BookingDay.day_id)
        .join(Booking, col(Booking.id) == BookingDay.booking_id)
        .where(Booking.activity_id == activity_id, Booking.status == "waiting")
    ).all():
        wanted.setdefault(booking_id, []).append(day_id)
    offers: list[Offer] = []
    now = utcnow()
    for booking_id, carer_id in waiting:
        days = wanted.get(booking_id, [])
        if not days or any(taken.get(d, 0) >= capacity for d in days):
            continue
        for d in days:
            taken[d] = taken.get(d, 0) + 1
        booking = session.get(Booking, booking_id)
        if booking is None:
            raise UserError("A booking on the waiting list is no longer on this laptop.")
        booking.status = "offered"
        booking.updated_at = now
        session.add(booking)
        session.add(BookingOffer(booking_id=booking_id, offered_at=now, offered_by_id=worker_id))
        audit.record(session, "update", "booking", booking_id, worker_id)
        offers.append(Offer(booking_id, carer_id, _carer_name(session, carer_id),
                            tuple(sorted(day_dates[d] for d in days))))
    session.flush()
    return offers
