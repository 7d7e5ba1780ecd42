"""Issue 12 item 7: the booking form opens on the first text field (not the Days checklist), typed
answers land in the fields they were typed into, a blank need is stored blank and the day sheet
says "not asked" for it (never "none")."""

from __future__ import annotations

from sqlmodel import select

from db.models import Booking
from tests.conftest import TODAY, on_screen, settle, until
from tests.helpers.bookings import activity_with_children, kids, make_activity, open_bookings_area
from ycworker.bookings import activities, bookings, day_sheet
from ycworker.bookings.bookings import BookingDetails


def test_a_blank_need_is_stored_blank_and_the_sheet_says_not_asked(store):
    with store.write() as s:
        aid, day_ids = make_activity(s, capacity=4)
        (child,) = kids(s, 1)
        result = bookings.book(s, aid, child, None, BookingDetails(allergies="Peanuts"), None, TODAY)
        b = s.get(Booking, result.booking_id)
        assert (b.allergies, b.medical, b.medication, b.dietary) == ("Peanuts", "", "", "")
        text = day_sheet.render_markdown(day_sheet.build(s, day_ids[0]))
    assert "- Allergies: Peanuts" in text
    assert "- Medical: not asked" in text and "- Medication: not asked" in text
    assert "- Dietary: not asked" in text
    assert "| Amira Khan | Peanuts | not asked | not asked |" in text
    assert "Allergies: none" not in text and "Medical: none" not in text


async def test_typing_into_a_new_booking_lands_in_the_right_fields(make_app, store):
    aid, _day_ids, kids = activity_with_children(store, capacity=4, n=1)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        await pilot.press("2")
        screen = app.screen
        await until(pilot, lambda: screen.invites, lambda: "the invitation list did not load")
        await pilot.press("enter")
        await on_screen(pilot, "BookingFormScreen")
        form = app.screen
        assert form.focused.id == "bf-allergies"  # not a Days checkbox
        # Allergies, then Enter through Medical needs (left blank: not asked), then Medication.
        await pilot.press(*"Egg", "enter", "enter", *"Inhaler at noon", "enter", *"Halal", "enter",
                          *"Mum 07700 900123", "enter", *"Dad at 3", "enter")
        await settle(pilot)
        days = [c.value for c in form.query("#bf-days Checkbox")]
        assert days == [True]  # the spaces typed did not untick a day
        await pilot.press("ctrl+s")
        await on_screen(pilot, "BookingsScreen")
        with app.store.read() as s:
            b = s.exec(select(Booking).where(Booking.carer_id == kids[0])).one()
            assert (b.allergies, b.medical, b.medication, b.dietary, b.emergency_contact, b.collection) == (
                "Egg", "", "Inhaler at noon", "Halal", "Mum 07700 900123", "Dad at 3")
            day_id = activities.day_infos(s, aid)[0].id
        with app.store.write() as s:
            text = day_sheet.render_markdown(day_sheet.build(s, day_id))
        assert "- Medical: not asked" in text and "- Allergies: Egg" in text
