"""The bookings area through the real UI: create an activity, book to capacity, the waiting list,
a cancellation's offer accepted and declined, and attendance with keys."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from db.models import Booking, BookingDay, HolidayActivity
from tests.conftest import TODAY, on_screen, screen_text, settle
from tests.helpers.bookings import activity_with_children, notifications, open_bookings_area
from ycworker.bookings import bookings
from ycworker.bookings.bookings import BookingDetails


async def test_create_an_activity_with_the_form(make_app, store):
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        assert "No activities yet" in screen_text(app)
        await pilot.press("n")
        await on_screen(pilot, "ActivityFormScreen")
        await pilot.press(*"Winter party", "tab")
        form = app.screen
        assert form.focused.id == "af-days"
        form.query_one("#af-days").value = "2026-12-21 10:00-14:00; 2026-12-22 10:00-14:00"
        form.query_one("#af-venue").value = "Dover Youth Hub"
        form.query_one("#af-period").value = "Christmas 2026"
        form.query_one("#af-capacity").value = ""
        form.query_one("#af-impact").value = "severe"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = screen_text(app)
        assert "Places each day should be a whole number" in text
        assert "'severe' is not an impact level" in text
        assert form.query_one("#af-title").value == "Winter party"  # what was typed stays
        form.query_one("#af-capacity").value = "12"
        form.query_one("#af-impact").value = "medium, high"
        await pilot.press("ctrl+s")
        await on_screen(pilot, "ActivitiesScreen")
        text = screen_text(app)
        assert "Winter party" in text and "21 Dec - 22 Dec 2026" in text and "0 / 12" in text
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            a = s.exec(select(HolidayActivity)).one()
            assert (a.title, a.capacity, a.eligible_impact, a.holiday_period) == (
                "Winter party", 12, "medium,high", "Christmas 2026")
    finally:
        check.close()


async def book_highlighted(pilot) -> None:
    await pilot.press("enter")
    await on_screen(pilot, "BookingFormScreen")
    await pilot.press("ctrl+s")
    await on_screen(pilot, "BookingsScreen")


async def test_book_to_capacity_then_the_waiting_list(make_app, store):
    aid, _day_ids, _kids = activity_with_children(store, capacity=2, n=3)
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        await pilot.press("2")  # the invitation list
        await settle(pilot)
        assert "Amira Adams" in screen_text(app)
        await book_highlighted(pilot)
        assert "Amira Adams is booked on Mon 21 Dec." in notifications(app)
        await book_highlighted(pilot)  # the list hides booked children: Ben is now first
        assert "Ben Baker is booked on Mon 21 Dec." in notifications(app)
        await book_highlighted(pilot)
        assert "Full on Mon 21 Dec: Cara Cole is added to the waiting list (number 1)." in notifications(app)
        await pilot.press("1")
        await settle(pilot)
        text = screen_text(app)
        assert "2 booked · 0 offered · 1 waiting" in text
        assert "Mon 21 Dec 2026: 2/2 FULL" in text


async def test_cancellation_offers_the_place_accept_and_decline(make_app, store):
    aid, _day_ids, kids = activity_with_children(store, capacity=1, n=3)
    with store.write() as s:
        ids = [bookings.book(s, aid, k, None, BookingDetails(), None, TODAY).booking_id for k in kids]
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        assert app.screen.current_booking().name == "Amira Adams"  # booked first, at the top
        await pilot.press("x")
        await on_screen(pilot, "CancelBookingScreen")
        await pilot.press("enter")  # no reason yet
        await settle(pilot)
        assert "Say why the booking is cancelled" in screen_text(app)
        await pilot.press(*"Family away", "enter")
        await on_screen(pilot, "BookingsScreen")
        assert "A place is offered to Ben Baker (Mon 21 Dec)." in notifications(app)
        await pilot.press("w")
        await on_screen(pilot, "WaitingListScreen")
        text = screen_text(app)
        assert "1 waiting · 1 offered a place" in text
        await pilot.press("n")  # Ben's family declines: Cara is offered the place
        await settle(pilot)
        assert "A place is offered to Cara Cole (Mon 21 Dec)." in notifications(app)
        assert "0 waiting · 1 offered a place" in screen_text(app)
        await pilot.press("y")  # Cara's family accepts
        await settle(pilot)
        assert "Cara Cole is booked." in notifications(app)
        assert "declined" in screen_text(app) and "accepted" in screen_text(app)
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            statuses = [s.get(Booking, b).status for b in ids]
            reason = s.get(Booking, ids[0]).cancel_reason
    finally:
        check.close()
    assert statuses == ["cancelled", "cancelled", "booked"]
    assert reason == "Family away"


async def test_take_attendance_with_keys(make_app, store):
    aid, day_ids, kids = activity_with_children(store, capacity=5, n=4,
                                                 days=(date(2026, 11, 24), date(2026, 11, 25)))
    with store.write() as s:
        for k in kids:
            bookings.book(s, aid, k, None, BookingDetails(), None, TODAY)
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        await pilot.press("t")
        await on_screen(pilot, "DayPickScreen")
        await pilot.press("enter")  # today's day is chosen already
        await on_screen(pilot, "AttendanceScreen")
        assert "Tue 24 Nov 2026" in screen_text(app)
        await pilot.press("space")  # Amira present, the cursor moves on
        await pilot.press("a")  # Ben absent
        await pilot.press("l")  # Cara late
        await pilot.press("enter")  # Dev present
        await pilot.press("u")  # undo Dev (the cursor stays on the last child)
        await settle(pilot)
        assert "4 booked · 1 present · 1 late · 1 absent · 1 to mark" in screen_text(app)
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            marks = [r.mark for r in bookings.attendance_list(s, day_ids[0])]
            other_day = s.exec(select(BookingDay.attendance).where(BookingDay.day_id == day_ids[1])).all()
    finally:
        check.close()
    assert marks == ["present", "absent", "late", None]
    assert other_day == [None, None, None, None]


async def test_every_action_has_a_described_binding(make_app, store):
    activity_with_children(store, n=1)
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "New activity [n]" in titles and "HAF counts [t]" in titles
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in ("Cancel booking [x]", "Waiting list [w]", "Day sheet [d]", "Attendance [t]",
                         "Invite list [2]", "FSM only [f]"):
            assert expected in titles
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one("Markdown")._markdown
        assert "Activity bookings" in text and "Cancel booking" in text


async def test_attendance_on_a_day_after_today_is_refused_with_a_sentence(make_app, store):
    """Today is Tue 24 Nov 2026; the party is on Sat 5 December: the list opens, marks are refused."""
    aid, day_ids, kids = activity_with_children(store, capacity=5, n=2, days=(date(2026, 12, 5),))
    with store.write() as s:
        for k in kids:
            bookings.book(s, aid, k, None, BookingDetails(), None, TODAY)
    store.close()
    sentence = "This activity day is on Sat 5 December; marks can be taken from that day."
    app = make_app()
    async with app.run_test(size=(140, 44)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        await pilot.press("t")  # one day: its list opens straight away
        await on_screen(pilot, "AttendanceScreen")
        await settle(pilot)
        assert sentence in screen_text(app)  # said before anything is pressed
        await pilot.press("space", "a", "l")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "AttendanceScreen"
        assert "2 booked · 0 present · 0 late · 0 absent · 2 to mark" in screen_text(app)
        assert sentence in notifications(app)
    from db.engine import open_store
    from tests.conftest import PASSPHRASE

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            marks = s.exec(select(BookingDay.attendance).where(BookingDay.day_id == day_ids[0])).all()
    finally:
        check.close()
    assert marks == [None, None]
