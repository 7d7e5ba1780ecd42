"""Snapshots of the bookings area: one activity's bookings, and the day sheet staff take on the day."""

from __future__ import annotations

from datetime import date

from tests.conftest import TODAY, on_screen, unlocked, until_shows
from tests.helpers import factories
from tests.helpers.bookings import make_activity
from ycworker.bookings import bookings
from ycworker.bookings.bookings import BookingDetails

DAYS = (date(2026, 11, 24), date(2026, 11, 25))
NEEDS = [
    BookingDetails(allergies="Peanuts (EpiPen in bag)", medical="Asthma", medication="Inhaler",
                   photo_consent=True, emergency_contact="Mum 07700 900123", collection="Mum"),
    BookingDetails(allergies="None", medical="None", dietary="Halal", photo_consent=False,
                   emergency_contact="Gran 07700 900456", collection="Walks home", transport="bus_pass"),
    BookingDetails(),  # not asked yet
    BookingDetails(allergies="None", medical="Type 1 diabetes", medication="Insulin pen",
                   photo_consent=True, emergency_contact="Dad 07700 900789", collection="Dad"),
]


def booked(store) -> None:
    """Four booked with their needs, the fifth waiting; refs fixed (the factories' counter is
    per process, so a snapshot must not depend on which tests ran before it)."""
    names = [("Amira", "Adams"), ("Ben", "Baker"), ("Cara", "Cole"), ("Dev", "Dean"), ("Ela", "Evans")]
    with store.write() as s:
        aid, _day_ids = make_activity(s, capacity=4, days=DAYS)
        kids = [factories.carer(s, first_name=first, last_name=last, carer_ref=f"YC-SNAP0{i}").id
                for i, (first, last) in enumerate(names, start=1)]
        for kid, details in zip(kids, [*NEEDS, BookingDetails()], strict=True):
            bookings.book(s, aid, kid, None, details, None, TODAY)  # the fifth waits for a place
    store.close()


async def open_bookings(pilot) -> None:
    await unlocked(pilot)
    await pilot.press("b")
    await on_screen(pilot, "ActivitiesScreen")
    await until_shows(pilot, "Winter party")
    await pilot.press("enter")
    await on_screen(pilot, "BookingsScreen")
    await until_shows(pilot, "Amira Adams", "Cara Cole")


def test_bookings_list(snap_compare, make_app, store):
    booked(store)
    app = make_app()
    assert snap_compare(app, terminal_size=(120, 36), run_before=open_bookings)


def test_day_sheet(snap_compare, make_app, store):
    booked(store)
    app = make_app()

    async def run_before(pilot):
        await open_bookings(pilot)
        await pilot.press("d")
        await on_screen(pilot, "DayPickScreen")
        await pilot.press("enter")  # today's day is chosen already
        await on_screen(pilot, "DaySheetScreen")
        await until_shows(pilot, "Peanuts", "Insulin pen", "not asked")

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
