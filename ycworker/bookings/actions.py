"""Bookings use cases: one function per user action, each owning its one transaction.

The screens in ``screens/bookings/`` call these through ``run_db``; none opens a transaction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.engine import Store
from ycworker.bookings import activities, bookings, day_sheet, haf
from ycworker.bookings.offers import Offer

# -- activities -------------------------------------------------------------------------------------


def list_activities(store: Store, today: date, include_past: bool) -> list[activities.ActivityRow]:
    with store.read() as s:
        return activities.list_activities(s, today, include_past=include_past)


def open_activity(store: Store, activity_id: str) -> activities.ActivityDetail:
    with store.read() as s:
        return activities.get_activity(s, activity_id)


def save_activity(store: Store, activity_id: str | None, data: activities.ActivityInput, worker_id: str | None
                  ) -> tuple[str, list[Offer]]:
    """Create or update an activity; returns its id and the offers a capacity increase made."""
    with store.write() as s:
        if activity_id is None:
            return activities.create_activity(s, data, worker_id), []
        return activity_id, activities.update_activity(s, activity_id, data, worker_id)


def load_bookings(store: Store, activity_id: str
                  ) -> tuple[activities.ActivityDetail, list[bookings.BookingRow], bool]:
    """The activity, its bookings (up to 500) and whether there are more."""
    with store.read() as s:
        detail = activities.get_activity(s, activity_id)
        rows, more = bookings.list_bookings(s, activity_id, limit=500)
    return detail, rows, more


def load_invites(store: Store, activity_id: str, flt: activities.InviteFilter, today: date, offset: int
                 ) -> activities.InvitePage:
    with store.read() as s:
        return activities.invitation_list(s, activity_id, flt, today, offset=offset)


# -- a booking --------------------------------------------------------------------------------------


def open_booking(store: Store, booking_id: str, worker_id: str | None) -> bookings.BookingDetail:
    """A booking with the child's needs. A write: viewing a child's needs is audited."""
    with store.write() as s:
        return bookings.get_booking(s, booking_id, worker_id)


def previous_details(store: Store, carer_id: str) -> bookings.BookingDetails | None:
    with store.read() as s:
        return bookings.previous_details(s, carer_id)


def book_place(store: Store, activity_id: str, carer_id: str, day_ids: list[str] | None,
               details: bookings.BookingDetails, worker_id: str | None, today: date, override: bool
               ) -> bookings.BookResult:
    return bookings.book_place(store, activity_id, carer_id, day_ids, details, worker_id, today, override)


def save_booking_details(store: Store, booking_id: str, details: bookings.BookingDetails,
                         worker_id: str | None) -> str:
    with store.write() as s:
        bookings.update_details(s, booking_id, details, worker_id)
    return "saved"


def cancel_booking(store: Store, booking_id: str, reason: str, worker_id: str | None) -> list[Offer]:
    with store.write() as s:
        return bookings.cancel(s, booking_id, reason, worker_id)


# -- the waiting list -------------------------------------------------------------------------------


def load_waiting_list(store: Store, activity_id: str) -> bookings.WaitingList:
    with store.read() as s:
        return bookings.waiting_list(s, activity_id)


def respond_to_offer(store: Store, booking_id: str, accepted: bool, worker_id: str | None) -> list[Offer]:
    with store.write() as s:
        return bookings.respond_to_offer(s, booking_id, accepted, worker_id)


def offer_free_places(store: Store, activity_id: str, worker_id: str | None) -> list[Offer]:
    with store.write() as s:
        return bookings.offer_free_places(s, activity_id, worker_id)


# -- a day: attendance and the day sheet ------------------------------------------------------------


def load_attendance(store: Store, day_id: str, today: date
                    ) -> tuple[list[bookings.AttendanceRow], str, str]:
    """The booked children, the day's heading, and the sentence refusing marks if the day is after
    today ("" when it takes them)."""
    with store.read() as s:
        return (bookings.attendance_list(s, day_id), bookings.day_heading(s, day_id),
                bookings.day_not_yet(s, day_id, today))


def save_attendance(store: Store, ops: list[tuple[str, str | None]], worker_id: str | None, today: date
                    ) -> list[tuple[str, str | None]]:
    """Apply a batch of attendance marks in one transaction, in order (all or none: a mark for a
    day after today refuses the batch with a sentence)."""
    with store.write() as s:
        for booking_day_id, value in ops:
            bookings.mark(s, booking_day_id, value, worker_id, today=today)
    return ops


def open_day_sheet(store: Store, day_id: str, worker_id: str | None) -> tuple[day_sheet.DaySheet, list[str]]:
    """The day sheet and the activity's day ids. A write: viewing children's medical details is audited."""
    with store.write() as s:
        sheet = day_sheet.build(s, day_id, worker_id)
        days = [d.id for d in activities.day_infos(s, sheet.activity_id)]
    return sheet, days


def export_day_sheet(store: Store, day_id: str, folder: Path, worker_id: str | None) -> list[Path]:
    with store.write() as s:
        return day_sheet.export(s, day_id, folder, worker_id)


# -- HAF returns ------------------------------------------------------------------------------------


def haf_counts(store: Store, haf_only: bool) -> haf.HafReport:
    with store.read() as s:
        return haf.haf_counts(s, haf_only=haf_only)
