"""Bookings use cases (ycworker/bookings/actions.py): each owns its transaction."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY
from tests.helpers import factories
from tests.helpers.bookings import AFTER
from ycworker.bookings import actions
from ycworker.bookings.activities import ActivityInput, DayInput
from ycworker.bookings.bookings import BookingDetails
from ycworker.common.errors import FieldError

DAYS = (date(2026, 12, 21), date(2026, 12, 22))


def _data(capacity: int) -> ActivityInput:
    return ActivityInput(title="Winter party", days=[DayInput(d) for d in DAYS], capacity=capacity)


def test_saving_an_activity_creates_then_updates_and_offers_new_places(store):
    aid, offers = actions.save_activity(store, None, _data(1), None)
    assert offers == []
    with store.write() as s:
        a, b = (factories.carer(s, first_name=n, last_name="Khan").id for n in ("Amira", "Ben"))
    assert actions.book_place(store, aid, a, None, BookingDetails(), None, TODAY, False).status == "booked"
    assert actions.book_place(store, aid, b, None, BookingDetails(), None, TODAY, False).status == "waiting"
    same, offers = actions.save_activity(store, aid, _data(2), None)
    assert same == aid and [o.carer_id for o in offers] == [b]
    detail, rows, more = actions.load_bookings(store, aid)
    assert detail.data.capacity == 2 and {r.status for r in rows} == {"booked", "offered"} and not more


def test_attendance_marks_apply_as_one_batch(store):
    aid, _ = actions.save_activity(store, None, _data(2), None)
    with store.write() as s:
        child = factories.carer(s, first_name="Amira", last_name="Khan").id
    actions.book_place(store, aid, child, None, BookingDetails(), None, TODAY, False)
    day_id = actions.open_activity(store, aid).days[0].id
    rows, _heading, _not_yet = actions.load_attendance(store, day_id, AFTER)
    ops = [(rows[0].booking_day_id, "late"), (rows[0].booking_day_id, "present")]
    assert actions.save_attendance(store, ops, None, AFTER) == ops
    assert [r.mark for r in actions.load_attendance(store, day_id, AFTER)[0]] == ["present"]
    with pytest.raises(FieldError):
        bd = rows[0].booking_day_id
        actions.save_attendance(store, [(bd, None), (bd, "here")], None, AFTER)
    assert [r.mark for r in actions.load_attendance(store, day_id, AFTER)[0]] == ["present"]
