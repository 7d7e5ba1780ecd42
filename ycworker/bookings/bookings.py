"""Bookings on holiday activities: places, the waiting list, offers, cancellations, attendance.

Capacity is per day: a child booked on two of three days holds a place on those two. A booking
asks for one or more days; if any of them is full, the whole booking goes on the waiting list
(the message names the full days and any that still have room). A place is held by a booking
that is ``booked`` or ``offered``, so an offered place cannot be taken by someone else while
the family decides.

Never over capacity, even with two workers on one database: ``book`` reads the places taken and
inserts in the same write transaction, and ``store.write()`` begins it with BEGIN IMMEDIATE, so
the second worker's transaction waits for the first to commit and then sees the place gone.
Call ``book`` inside ``store.write()`` (``book_place`` does that for you).

The waiting list keeps its order (``waiting_position`` only ever grows within an activity). When
a place frees (a cancellation, a declined offer, a capacity increase), the first child in order
whose days all have room is offered it, and the offer is recorded: who offered, when, and the
answer (accepted or declined, who recorded it and when). A decline cancels that child's booking
and offers the place to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.engine import Store
from db.models import (
    ActivityDay,
    Booking,
    BookingDay,
    BookingOffer,
    Carer,
    Worker,
    utcnow,
)
from ycworker.bookings.activities import (
    age_on,
    reasons_not_eligible,
    rule_for,
)
from ycworker.bookings.attendance import (  # noqa: F401  (re-exported: bookings.mark etc.)
    ATTENDED,
    MARKS,
    AttendanceRow,
    attendance_days,
    attendance_list,
    day_heading,
    day_not_yet,
    mark,
)
from ycworker.bookings.offers import (
    HOLDING,
    Offer,
    _capacity,
    _days,
    _name,
    offer_free_places,
    places_taken,
)
from ycworker.common import audit
from ycworker.common.errors import FieldError

TRANSPORT = ("none", "bus_pass", "volunteer_driver", "taxi")
TRANSPORT_LABELS = {"none": "none", "bus_pass": "bus pass", "volunteer_driver": "volunteer driver",
                    "taxi": "taxi"}
DECLINED_REASON = "Declined the offered place"


@dataclass
class BookingDetails:
    """What staff need to know for a booked child."""

    dietary: str = ""
    allergies: str = ""
    medical: str = ""
    medication: str = ""
    photo_consent: bool | None = None  # None: not asked yet
    emergency_contact: str = ""
    collection: str = ""
    transport: str = "none"

    def validate(self) -> None:
        if self.transport not in TRANSPORT:
            raise FieldError("transport", "Transport is none, bus pass, volunteer driver or taxi.")
        for name in ("dietary", "allergies", "medical", "medication", "emergency_contact", "collection"):
            if len(getattr(self, name)) > 2000:
                raise FieldError(name, "Keep this under 2,000 characters.")


@dataclass(frozen=True)
class BookResult:
    booking_id: str
    status: str  # booked | waiting
    message: str
    full_days: tuple[date, ...] = ()
    waiting_rank: int | None = None


# -- helpers --------------------------------------------------------------------------------------

def _next_position(session: Session, activity_id: str) -> int:
    top = session.exec(select(func.max(Booking.waiting_position))
                       .where(Booking.activity_id == activity_id)).one()
    return (top or 0) + 1


def waiting_rank(session: Session, booking: Booking) -> int:
    """1 for the first child waiting."""
    return session.exec(
        select(func.count()).where(Booking.activity_id == booking.activity_id, Booking.status == "waiting",
                                   col(Booking.waiting_position) <= booking.waiting_position)
    ).one()


def _fmt_days(days) -> str:
    return ", ".join(f"{d:%a %d %b}" for d in days)


# -- booking --------------------------------------------------------------------------------------

def book(session: Session, activity_id: str, carer_id: str, day_ids: list[str] | None,
         details: BookingDetails, worker_id: str | None, today: date, *,
         override_eligibility: bool = False) -> BookResult:
    """Book a child on some days of an activity (all days when ``day_ids`` is None), or put them
    on the waiting list when a chosen day is full. Must run inside ``store.write()``."""
    details.validate()
    days = _days(session, activity_id)
    by_id = dict(days)
    capacity = _capacity(session, activity_id)  # first read: takes the write lock (BEGIN IMMEDIATE)
    chosen = list(by_id) if day_ids is None else [d for d in by_id if d in set(day_ids)]
    if day_ids is not None and len(set(day_ids)) != len(chosen):
        raise FieldError("days", "One of the chosen days is no longer part of this activity.")
    if not chosen:
        raise FieldError("days", "Choose at least one day.")
    past = [by_id[d] for d in chosen if by_id[d] < today]
    if past:
        raise FieldError("days", f"{_fmt_days(past)} has already happened: choose days from today on.")
    carer = session.execute(sa_select(col(Carer.first_name), col(Carer.last_name), col(Carer.preferred_name),
                                      col(Carer.date_of_birth), col(Carer.impact_level), col(Carer.fsm))
                            .where(col(Carer.id) == carer_id)).first()
    if carer is None:
        raise FieldError("carer", "That young carer's record no longer exists.")
    name = _name(carer[0], carer[1], carer[2])
    if not override_eligibility:
        reasons = reasons_not_eligible(rule_for(session, activity_id, today), carer[3], carer[4], carer[5])
        if reasons:
            raise FieldError("eligibility", f"{name} is not eligible: {'; '.join(reasons)}. "
                                            "Tick 'book anyway' to book them regardless.")

    existing = session.exec(select(Booking).where(Booking.activity_id == activity_id,
                                                  Booking.carer_id == carer_id)).first()
    if existing is not None and existing.status != "cancelled":
        if existing.status == "waiting":
            what = f"already on the waiting list (number {waiting_rank(session, existing)})"
        else:
            what = {"booked": "already booked", "offered": "already offered a place"}.get(existing.status,
                                                                                         existing.status)
        raise FieldError("carer", f"{name} is {what} on this activity.")

    taken = places_taken(session, activity_id)
    full = tuple(by_id[d] for d in chosen if taken.get(d, 0) >= capacity)
    if existing is None:
        booking = Booking(activity_id=activity_id, carer_id=carer_id)
        action = "create"
    else:  # a cancelled booking is booked again: same row, fresh details and days
        booking = existing
        for bd in session.exec(select(BookingDay).where(BookingDay.booking_id == existing.id)).all():
            session.delete(bd)
        booking.cancel_reason, booking.cancelled_at, booking.cancelled_by_id = "", None, None
        action = "update"
        session.flush()
    for name_, value in vars(details).items():
        setattr(booking, name_, value)
    booking.booked_by_id = worker_id
    booking.updated_at = utcnow()
    if full:
        booking.status = "waiting"
        booking.waiting_position = _next_position(session, activity_id)
    else:
        booking.status = "booked"
        booking.waiting_position = None
    session.add(booking)
    session.flush()
    for d in chosen:
        session.add(BookingDay(booking_id=booking.id, day_id=d))
    audit.record(session, action, "booking", booking.id, worker_id)
    session.flush()
    if not full:
        return BookResult(booking.id, "booked", f"{name} is booked on {_fmt_days(by_id[d] for d in chosen)}.")
    rank = waiting_rank(session, booking)
    free = [by_id[d] for d in chosen if taken.get(d, 0) < capacity]
    message = (f"Full on {_fmt_days(full)}: {name} is added to the waiting list (number {rank}).")
    if free:
        message += f" There is still room on {_fmt_days(free)} if those days alone would do."
    return BookResult(booking.id, "waiting", message, full, rank)


def book_place(store: Store, activity_id: str, carer_id: str, day_ids: list[str] | None,
               details: BookingDetails, worker_id: str | None, today: date,
               override_eligibility: bool = False) -> BookResult:
    """``book`` in its own write transaction (BEGIN IMMEDIATE): the capacity check and the insert
    commit together or not at all."""
    with store.write() as session:
        return book(session, activity_id, carer_id, day_ids, details, worker_id, today,
                    override_eligibility=override_eligibility)


def update_details(session: Session, booking_id: str, details: BookingDetails, worker_id: str | None) -> None:
    details.validate()
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise FieldError("booking", "That booking no longer exists.")
    for name, value in vars(details).items():
        setattr(booking, name, value)
    booking.updated_at = utcnow()
    session.add(booking)
    audit.record(session, "update", "booking", booking_id, worker_id)


# -- freeing places and offers --------------------------------------------------------------------

def cancel(session: Session, booking_id: str, reason: str, worker_id: str | None) -> list[Offer]:
    """Cancel a booking (or take a child off the waiting list) with a reason. A freed place is
    offered to the waiting list at once; returns the offers made."""
    reason = reason.strip()
    if not reason:
        raise FieldError("reason", "Say why the booking is cancelled (e.g. family away, child unwell).")
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise FieldError("booking", "That booking no longer exists.")
    if booking.status == "cancelled":
        raise FieldError("booking", "That booking is already cancelled.")
    held = booking.status in HOLDING
    if booking.status == "offered":
        _answer_pending_offer(session, booking_id, "declined", worker_id)
    now = utcnow()
    booking.status = "cancelled"
    booking.cancel_reason = reason
    booking.cancelled_at = now
    booking.cancelled_by_id = worker_id
    booking.updated_at = now
    session.add(booking)
    audit.record(session, "update", "booking", booking_id, worker_id)
    session.flush()
    return offer_free_places(session, booking.activity_id, worker_id) if held else []


def _answer_pending_offer(session: Session, booking_id: str, response: str, worker_id: str | None) -> None:
    offer = session.exec(select(BookingOffer).where(BookingOffer.booking_id == booking_id,
                                                    BookingOffer.response == "pending")
                         .order_by(col(BookingOffer.offered_at).desc())).first()
    if offer is None:
        raise FieldError("offer", "There is no open offer for this child.")
    offer.response = response
    offer.responded_at = utcnow()
    offer.responded_by_id = worker_id
    offer.updated_at = offer.responded_at
    session.add(offer)


def respond_to_offer(session: Session, booking_id: str, accepted: bool, worker_id: str | None) -> list[Offer]:
    """Record the family's answer. Accepted: the child is booked. Declined: the booking is
    cancelled and the place offered to the next child. Returns any new offers."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.status != "offered":
        raise FieldError("offer", "This child has no open offer (it may have been answered already).")
    _answer_pending_offer(session, booking_id, "accepted" if accepted else "declined", worker_id)
    now = utcnow()
    booking.updated_at = now
    if accepted:
        booking.status = "booked"
        booking.waiting_position = None
    else:
        booking.status = "cancelled"
        booking.cancel_reason = DECLINED_REASON
        booking.cancelled_at = now
        booking.cancelled_by_id = worker_id
    session.add(booking)
    audit.record(session, "update", "booking", booking_id, worker_id)
    session.flush()
    return [] if accepted else offer_free_places(session, booking.activity_id, worker_id)


# -- lists ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BookingRow:
    booking_id: str
    carer_id: str
    name: str
    carer_ref: str
    status: str
    waiting_position: int | None
    days: tuple[date, ...]
    fsm: bool
    send: bool
    needs: bool  # allergies, medical needs or medication recorded
    cancel_reason: str


STATUS_ORDER = {"booked": 0, "offered": 1, "waiting": 2, "cancelled": 3}


def list_bookings(session: Session, activity_id: str, *, statuses: tuple[str, ...] | None = None,
                  text: str = "", limit: int = 200, offset: int = 0) -> tuple[list[BookingRow], bool]:
    """Bookings on an activity: booked, offered, waiting (in order), then cancelled; by name."""
    q = (
        sa_select(col(Booking.id), col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.carer_ref), col(Booking.status),
                  col(Booking.waiting_position), col(Carer.fsm), col(Carer.send),
                  (col(Booking.allergies) != "") | (col(Booking.medical) != "")
                  | (col(Booking.medication) != ""),
                  col(Booking.cancel_reason))
        .join(Carer, col(Carer.id) == Booking.carer_id)
        .where(col(Booking.activity_id) == activity_id)
    )
    if statuses:
        q = q.where(col(Booking.status).in_(statuses))
    if text.strip():
        like = text.strip().replace("%", "").replace("_", "") + "%"
        q = q.where(col(Carer.last_name).like(like) | col(Carer.first_name).like(like)
                    | col(Carer.preferred_name).like(like) | col(Carer.carer_ref).like(like))
    order = case(*((col(Booking.status) == s, n) for s, n in STATUS_ORDER.items()), else_=9)
    q = q.order_by(order, col(Booking.waiting_position), col(Carer.last_name),
                   col(Carer.first_name)).offset(offset)
    rows = session.execute(q.limit(limit + 1)).all()[:limit + 1]
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r[0] for r in rows]
    days: dict[str, list[date]] = {}
    if ids:
        for bid, d in session.exec(
            select(col(BookingDay.booking_id), col(ActivityDay.day_date))
            .join(ActivityDay, col(ActivityDay.id) == BookingDay.day_id)
            .where(col(BookingDay.booking_id).in_(ids)).order_by(col(ActivityDay.day_date))
        ).all():
            days.setdefault(bid, []).append(d)
    return [
        BookingRow(r[0], r[1], _name(r[2], r[3], r[4]), r[5], r[6], r[7], tuple(days.get(r[0], ())),
                   bool(r[8]), bool(r[9]), bool(r[10]), r[11])
        for r in rows
    ], more


@dataclass(frozen=True)
class WaitingRow:
    booking_id: str
    rank: int | None  # None once offered
    name: str
    carer_ref: str
    status: str  # waiting | offered
    days: tuple[date, ...]
    offered_at: datetime | None


@dataclass(frozen=True)
class OfferRow:
    offer_id: str
    booking_id: str
    name: str
    offered_at: datetime
    offered_by: str
    response: str
    responded_at: datetime | None
    responded_by: str


@dataclass
class WaitingList:
    waiting: list[WaitingRow] = field(default_factory=list)
    offers: list[OfferRow] = field(default_factory=list)  # every offer, newest first


def waiting_list(session: Session, activity_id: str) -> WaitingList:
    rows, _ = list_bookings(session, activity_id, statuses=("offered", "waiting"), limit=10_000)
    pending = dict(session.exec(
        select(col(BookingOffer.booking_id), col(BookingOffer.offered_at))
        .join(Booking, col(Booking.id) == BookingOffer.booking_id)
        .where(Booking.activity_id == activity_id, BookingOffer.response == "pending")
    ).all())
    out = WaitingList()
    rank = 0
    for r in rows:
        if r.status == "waiting":
            rank += 1
        out.waiting.append(WaitingRow(r.booking_id, rank if r.status == "waiting" else None, r.name,
                                      r.carer_ref, r.status, r.days, pending.get(r.booking_id)))
    offered_by = sa_inspect(Worker).local_table.alias("offered_by")
    answered_by = sa_inspect(Worker).local_table.alias("answered_by")
    for o in session.execute(
        sa_select(col(BookingOffer.id), col(Booking.id), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(BookingOffer.offered_at), offered_by.c.name,
                  col(BookingOffer.response), col(BookingOffer.responded_at), answered_by.c.name)
        .join(Booking, col(Booking.id) == BookingOffer.booking_id)
        .join(Carer, col(Carer.id) == Booking.carer_id)
        .outerjoin(offered_by, offered_by.c.id == BookingOffer.offered_by_id)
        .outerjoin(answered_by, answered_by.c.id == BookingOffer.responded_by_id)
        .where(col(Booking.activity_id) == activity_id)
        .order_by(col(BookingOffer.offered_at).desc(), col(BookingOffer.id))
    ).all():
        out.offers.append(OfferRow(o[0], o[1], _name(o[2], o[3], o[4]), o[5], o[6] or "", o[7], o[8],
                                   o[9] or ""))
    return out


@dataclass
class BookingDetail:
    booking_id: str
    activity_id: str
    carer_id: str
    name: str
    carer_ref: str
    status: str
    details: BookingDetails
    day_ids: list[str]
    cancel_reason: str


def get_booking(session: Session, booking_id: str, worker_id: str | None = None) -> BookingDetail:
    b = session.get(Booking, booking_id)
    if b is None:
        raise FieldError("booking", "That booking no longer exists.")
    carer = session.exec(select(Carer.first_name, Carer.last_name, Carer.preferred_name, Carer.carer_ref)
                         .where(Carer.id == b.carer_id)).one()
    day_ids = list(session.exec(select(BookingDay.day_id)
                                .where(BookingDay.booking_id == booking_id)).all())
    details = BookingDetails(**{k: getattr(b, k) for k in BookingDetails.__dataclass_fields__})
    audit.record(session, "view", "booking", booking_id, worker_id)
    return BookingDetail(booking_id, b.activity_id, b.carer_id, _name(*carer[:3]), carer[3], b.status,
                         details, day_ids, b.cancel_reason)


def previous_details(session: Session, carer_id: str) -> BookingDetails | None:
    """The child's most recent booking's needs and contacts, to start a new booking from."""
    b = session.exec(select(Booking).where(Booking.carer_id == carer_id)
                     .order_by(col(Booking.updated_at).desc())).first()
    if b is None:
        return None
    return BookingDetails(**{k: getattr(b, k) for k in BookingDetails.__dataclass_fields__})


__all__ = [
    "ATTENDED", "AttendanceRow", "BookResult", "BookingDetail", "BookingDetails", "BookingRow",
    "MARKS", "Offer", "OfferRow", "TRANSPORT", "WaitingList", "WaitingRow", "age_on",
    "attendance_days", "attendance_list", "book", "book_place", "cancel", "day_heading", "day_not_yet",
    "get_booking",
    "list_bookings", "mark",
    "offer_free_places", "places_taken", "previous_details", "respond_to_offer", "update_details",
    "waiting_list",
]
