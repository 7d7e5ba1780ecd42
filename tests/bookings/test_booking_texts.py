"""Issue 12, smaller wrong text: the cancel question names the child by ref and activity (two
children of one name are booked), and the "A place is offered to ... Press w" toast goes once the
offer is answered."""

from __future__ import annotations

from tests.conftest import TODAY, on_screen, screen_text, until
from tests.helpers import factories
from tests.helpers.bookings import make_activity, notifications, open_bookings_area
from ycworker.bookings import bookings
from ycworker.bookings.bookings import BookingDetails


async def test_the_cancel_question_says_which_child_and_activity(make_app, store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=4, title="Beach day")
        twins = [factories.carer(s, first_name="Adaeze", last_name="Abdi", carer_ref=ref).id
                 for ref in ("YC-AD0001", "YC-AD0002")]
        for k in twins:
            bookings.book(s, aid, k, None, BookingDetails(), None, TODAY)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        screen = app.screen
        await until(pilot, lambda: len(screen.rows) == 2, lambda: "the bookings did not load")
        await pilot.press("down")
        ref = screen.current_booking().carer_ref
        await pilot.press("x")
        await on_screen(pilot, "CancelBookingScreen")
        text = screen_text(app)
        assert f"Cancel the booking of Adaeze Abdi ({ref}) for Beach day (Mon 21" in text


async def test_an_answered_offer_leaves_no_stale_toast(make_app, store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=1)
        kids = [factories.carer(s, first_name=f, last_name="Cole").id for f in ("Amira", "Ben")]
        first = bookings.book(s, aid, kids[0], None, BookingDetails(), None, TODAY).booking_id
        bookings.book(s, aid, kids[1], None, BookingDetails(), None, TODAY)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        screen = app.screen
        await until(pilot, lambda: screen.current_booking() is not None, lambda: "no bookings shown")
        assert screen.current_booking().booking_id == first
        await pilot.press("x")
        await on_screen(pilot, "CancelBookingScreen")
        await pilot.press(*"Unwell", "enter")
        await on_screen(pilot, "BookingsScreen")
        await until(pilot, lambda: "A place is offered to Ben Cole" in notifications(app),
                    lambda: f"no offer toast: {notifications(app)!r}")
        await pilot.press("w")
        await on_screen(pilot, "WaitingListScreen")
        await until(pilot, lambda: "1 offered a place" in screen_text(app), lambda: "no offer listed")
        await pilot.press("y")
        await until(pilot, lambda: "Ben Cole is booked." in notifications(app),
                    lambda: f"not booked: {notifications(app)!r}")
        assert "A place is offered to Ben Cole" not in notifications(app)
        assert "Press w" not in notifications(app)
