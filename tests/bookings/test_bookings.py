"""Bookings: capacity per day, the waiting list and its offers, cancellation, attendance, HAF counts,
and two workers booking the last place at the same moment."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlmodel import select

from db.models import AuditEntry, Booking, BookingOffer
from tests.conftest import PASSPHRASE, TODAY
from tests.helpers import factories
from tests.helpers.bookings import AFTER, XMAS, kids, make_activity
from ycworker.bookings import activities, bookings, haf
from ycworker.bookings.bookings import BookingDetails
from ycworker.common.errors import FieldError, FormErrors


def status_of(session, booking_id) -> str:
    return session.get(Booking, booking_id).status


def test_booking_to_capacity_then_the_waiting_list(store):
    with store.write() as s:
        aid, days = make_activity(s, capacity=2)
        a, b, c, d = kids(s, 4)
        assert bookings.book(s, aid, a, None, BookingDetails(), None, TODAY).status == "booked"
        assert bookings.book(s, aid, b, None, BookingDetails(), None, TODAY).status == "booked"
        third = bookings.book(s, aid, c, None, BookingDetails(), None, TODAY)
        fourth = bookings.book(s, aid, d, None, BookingDetails(), None, TODAY)
    assert third.status == "waiting" and third.waiting_rank == 1
    assert third.message.startswith("Full on Mon 21 Dec, Tue 22 Dec, Wed 23 Dec: Cara Doyle is added to "
                                    "the waiting list (number 1).")
    assert fourth.waiting_rank == 2
    with store.read() as s:
        assert bookings.places_taken(s, aid) == {d: 2 for d in days}
        wl = bookings.waiting_list(s, aid)
    assert [(w.name, w.rank) for w in wl.waiting] == [("Cara Doyle", 1), ("Dev Patel", 2)]


def test_capacity_is_per_day(store):
    with store.write() as s:
        aid, days = make_activity(s, capacity=1)
        a, b, c = kids(s, 3)
        bookings.book(s, aid, a, [days[0]], BookingDetails(), None, TODAY)
        other_day = bookings.book(s, aid, b, [days[1], days[2]], BookingDetails(), None, TODAY)
        overlap = bookings.book(s, aid, c, [days[0], days[2]], BookingDetails(), None, TODAY)
    assert other_day.status == "booked"
    assert overlap.status == "waiting"
    assert "Full on Mon 21 Dec, Wed 23 Dec" in overlap.message
    assert overlap.full_days == (XMAS[0], XMAS[2])


def test_a_child_cannot_be_booked_twice_and_days_must_be_chosen(store):
    with store.write() as s:
        aid, days = make_activity(s)
        (a,) = kids(s, 1)
        bookings.book(s, aid, a, None, BookingDetails(), None, TODAY)
        with pytest.raises(FieldError, match="Amira Khan is already booked"):
            bookings.book(s, aid, a, None, BookingDetails(), None, TODAY)
        with pytest.raises(FieldError, match="Choose at least one day"):
            bookings.book(s, aid, kids(s, 1)[0], [], BookingDetails(), None, TODAY)
        with pytest.raises(FieldError, match="already happened"):
            bookings.book(s, aid, kids(s, 1)[0], None, BookingDetails(), None, date(2026, 12, 22))
        with pytest.raises(FieldError, match="Transport"):
            bookings.book(s, aid, kids(s, 1)[0], None, BookingDetails(transport="pogo"), None, TODAY)


def test_cancellation_offers_the_place_and_accepting_books_it(store):
    with store.write() as s:
        me = factories.worker(s, name="Priya Shah").id
        aid, days = make_activity(s, capacity=1)
        a, b, c = kids(s, 3)
        first = bookings.book(s, aid, a, None, BookingDetails(), me, TODAY).booking_id
        second = bookings.book(s, aid, b, None, BookingDetails(), me, TODAY).booking_id
        third = bookings.book(s, aid, c, None, BookingDetails(), me, TODAY).booking_id
    with store.write() as s, pytest.raises(FieldError, match="Say why"):
        bookings.cancel(s, first, "  ", me)
    with store.write() as s:
        offers = bookings.cancel(s, first, "Family away", me)
    assert [o.name for o in offers] == ["Ben Ortiz"]
    assert offers[0].message() == "A place is offered to Ben Ortiz (Mon 21 Dec, Tue 22 Dec, Wed 23 Dec)."
    with store.read() as s:
        assert status_of(s, first) == "cancelled"
        assert s.get(Booking, first).cancel_reason == "Family away"
        assert status_of(s, second) == "offered"
        assert bookings.places_taken(s, aid) == {d: 1 for d in days}  # the offer holds the place
        wl = bookings.waiting_list(s, aid)
        assert [(w.name, w.status, w.rank) for w in wl.waiting] == [("Ben Ortiz", "offered", None),
                                                                  ("Cara Doyle", "waiting", 1)]
        offers = [(o.name, o.offered_by, o.response) for o in wl.offers]
        assert offers == [("Ben Ortiz", "Priya Shah", "pending")]
    with store.write() as s:
        assert bookings.respond_to_offer(s, second, True, me) == []
    with store.read() as s:
        assert status_of(s, second) == "booked" and status_of(s, third) == "waiting"
        offer = s.exec(select(BookingOffer).where(BookingOffer.booking_id == second)).one()
        assert offer.response == "accepted" and offer.responded_at is not None and offer.responded_by_id == me
    with store.write() as s, pytest.raises(FieldError, match="no open offer"):
        bookings.respond_to_offer(s, second, True, me)


def test_a_declined_offer_moves_to_the_next_child(store):
    with store.write() as s:
        aid, _days = make_activity(s, capacity=1)
        a, b, c = kids(s, 3)
        first = bookings.book(s, aid, a, None, BookingDetails(), None, TODAY).booking_id
        second = bookings.book(s, aid, b, None, BookingDetails(), None, TODAY).booking_id
        third = bookings.book(s, aid, c, None, BookingDetails(), None, TODAY).booking_id
        bookings.cancel(s, first, "Unwell", None)
        nxt = bookings.respond_to_offer(s, second, False, None)
    assert [o.name for o in nxt] == ["Cara Doyle"]
    with store.read() as s:
        assert status_of(s, second) == "cancelled"
        assert s.get(Booking, second).cancel_reason == bookings.DECLINED_REASON
        assert status_of(s, third) == "offered"
        responses = sorted(o.response for o in bookings.waiting_list(s, aid).offers)
    assert responses == ["declined", "pending"]


def test_the_offer_goes_to_the_first_waiting_child_whose_days_have_room(store):
    with store.write() as s:
        aid, days = make_activity(s, capacity=1)
        a, b, c, d = kids(s, 4)
        on_mon = bookings.book(s, aid, a, [days[0]], BookingDetails(), None, TODAY).booking_id
        bookings.book(s, aid, b, [days[1]], BookingDetails(), None, TODAY)
        wants_both = bookings.book(s, aid, c, [days[0], days[1]], BookingDetails(), None, TODAY).booking_id
        wants_mon = bookings.book(s, aid, d, [days[0]], BookingDetails(), None, TODAY).booking_id
        offers = bookings.cancel(s, on_mon, "Changed plans", None)
        assert [o.booking_id for o in offers] == [wants_mon]  # Tuesday is still full for Cara
        assert status_of(s, wants_both) == "waiting"


def test_a_cancelled_child_can_be_booked_again(store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=3)
        (a,) = kids(s, 1)
        bid = bookings.book(s, aid, a, None, BookingDetails(dietary="vegetarian"), None, TODAY).booking_id
        bookings.cancel(s, bid, "Mistake", None)
        again = bookings.book(s, aid, a, None, BookingDetails(dietary="vegan"), None, TODAY)
        assert again.booking_id == bid and again.status == "booked"
        detail = bookings.get_booking(s, bid)
        assert detail.details.dietary == "vegan" and detail.cancel_reason == ""


def test_raising_capacity_offers_the_new_places(store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=1)
        a, b = kids(s, 2)
        bookings.book(s, aid, a, None, BookingDetails(), None, TODAY)
        waiting = bookings.book(s, aid, b, None, BookingDetails(), None, TODAY).booking_id
        data = activities.get_activity(s, aid).data
        data.capacity = 0
        with pytest.raises(FormErrors):
            activities.update_activity(s, aid, data, None)
        data.capacity = 2
        offers = activities.update_activity(s, aid, data, None)
    assert [o.booking_id for o in offers] == [waiting]


def test_eligibility_is_checked_unless_overridden(store):
    with store.write() as s:
        aid, _ = make_activity(s, eligible_impact=("medium", "high"), haf=True, min_age=4, max_age=17)
        low = kids(s, 1, impact_level="low", fsm=True)[0]
        with pytest.raises(FieldError, match=r"impact low .* not on|impact low"):
            bookings.book(s, aid, low, None, BookingDetails(), None, TODAY)
        no_fsm = kids(s, 1, impact_level="high")[0]
        with pytest.raises(FieldError, match="free school meals"):
            bookings.book(s, aid, no_fsm, None, BookingDetails(), None, TODAY)
        assert bookings.book(s, aid, no_fsm, None, BookingDetails(), None, TODAY,
                             override_eligibility=True).status == "booked"


def test_attendance_marks_and_undo(store):
    with store.write() as s:
        aid, days = make_activity(s, capacity=3)
        a, b, c = kids(s, 3)
        for k in (a, b):
            bookings.book(s, aid, k, None, BookingDetails(), None, TODAY)
        bookings.book(s, aid, c, [days[1]], BookingDetails(), None, TODAY)
    with store.read() as s:
        rows = bookings.attendance_list(s, days[0])
    assert [r.name for r in rows] == ["Amira Khan", "Ben Ortiz"]
    with store.write() as s:
        bookings.mark(s, rows[0].booking_day_id, "present", None, today=AFTER)
        bookings.mark(s, rows[1].booking_day_id, "late", None, today=AFTER)
        bookings.mark(s, rows[1].booking_day_id, None, None, today=AFTER)
        with pytest.raises(FieldError):
            bookings.mark(s, rows[1].booking_day_id, "here", None, today=AFTER)
    with store.read() as s:
        assert [r.mark for r in bookings.attendance_list(s, days[0])] == ["present", None]


def test_haf_counts_on_hand_built_data(store):
    """Two HAF activities at Christmas and one summer day; marks chosen so each figure differs."""
    with store.write() as s:
        xmas = dict(capacity=10, holiday_period="Christmas 2026", haf=True)
        xmas1, _ = make_activity(s, title="HAF week A", days=XMAS[:2], **xmas)
        xmas2, _ = make_activity(s, title="HAF trip", days=XMAS[2:], **xmas)
        summer, _ = make_activity(s, title="Beach day", capacity=10, holiday_period="Summer 2027",
                                   days=(date(2027, 8, 2),))
        ann = factories.carer(s, first_name="Ann", last_name="A", fsm=True, send=True).id
        bo = factories.carer(s, first_name="Bo", last_name="B", fsm=True).id
        cy = factories.carer(s, first_name="Cy", last_name="C", send=True).id
        di = factories.carer(s, first_name="Di", last_name="D").id  # booked, never came

        def attend(activity, carer, marks):  # marks in day order
            bid = bookings.book(s, activity, carer, None, BookingDetails(), None, TODAY,
                                override_eligibility=True).booking_id
            rows = bookings.attendance_days(s, bid)
            for bd, m in zip(rows, marks, strict=True):
                bookings.mark(s, bd, m, None, today=AFTER)

        attend(xmas1, ann, ["present", "late"])  # 2 child-days
        attend(xmas1, bo, ["present", "absent"])  # 1
        attend(xmas1, di, ["absent", "absent"])  # 0
        attend(xmas2, ann, ["present"])  # 1
        attend(xmas2, cy, ["late"])  # 1
        attend(summer, bo, ["present"])  # 1
    with store.read() as s:
        report = haf.haf_counts(s)
        haf_only = haf.haf_counts(s, haf_only=True)
    by = {c.label: c for c in report.by_activity}
    assert (by["HAF week A"].unique_children, by["HAF week A"].fsm_children, by["HAF week A"].send_children,
            by["HAF week A"].child_days, by["HAF week A"].booked_children) == (2, 2, 1, 3, 3)
    assert (by["HAF trip"].unique_children, by["HAF trip"].fsm_children, by["HAF trip"].send_children,
            by["HAF trip"].child_days) == (2, 1, 2, 2)
    period = {c.label: c for c in report.by_period}
    xmas = period["Christmas 2026"]
    assert (xmas.unique_children, xmas.fsm_children, xmas.send_children, xmas.child_days) == (3, 2, 2, 5)
    assert (period["Summer 2027"].unique_children, period["Summer 2027"].child_days) == (1, 1)
    t = report.total
    totals = (t.unique_children, t.fsm_children, t.send_children, t.child_days, t.booked_children)
    assert totals == (3, 2, 2, 6, 4)
    assert [c.label for c in haf_only.by_activity] == ["HAF trip", "HAF week A"]
    assert haf_only.total.child_days == 5


def test_booking_writes_audit_entries_without_personal_data(store):
    with store.write() as s:
        aid, _ = make_activity(s)
        (a,) = kids(s, 1)
        bid = bookings.book(s, aid, a, None, BookingDetails(allergies="peanuts"), None, TODAY).booking_id
    with store.read() as s:
        entries = [(e.action, e.record_id, repr(e.model_dump()))
                   for e in s.exec(select(AuditEntry).where(AuditEntry.entity == "booking")).all()]
    assert [e[:2] for e in entries] == [("create", bid)]
    assert "peanuts" not in entries[0][2] and "Amira" not in entries[0][2]


def test_two_workers_booking_the_last_place_at_once(db_path):
    """Two Store objects (two engines, two connections) on one file; both read the count at the
    same moment if they can. Exactly one is booked, the other is told it is on the waiting list."""
    from db.engine import open_store

    setup = open_store(db_path, PASSPHRASE)
    with setup.write() as s:
        aid, days = make_activity(s, capacity=2)
        first, k1, k2 = kids(s, 3)
        bookings.book(s, aid, first, None, BookingDetails(), None, TODAY)  # one place left
    setup.close()

    stores = [open_store(db_path, PASSPHRASE, migrate=False) for _ in range(2)]
    real = bookings.places_taken
    gate = threading.Barrier(2, timeout=10)

    def slow_places_taken(session, activity_id):
        taken = real(session, activity_id)
        time.sleep(0.3)  # widen the window between the check and the insert
        return taken

    results: dict[str, object] = {}

    def go(store, carer):
        gate.wait()
        try:
            results[carer] = bookings.book_place(store, aid, carer, None, BookingDetails(), None, TODAY)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[carer] = exc

    bookings.places_taken = slow_places_taken
    try:
        threads = [threading.Thread(target=go, args=(st, k)) for st, k in zip(stores, (k1, k2), strict=True)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        bookings.places_taken = real
        for st in stores:
            st.close()
    statuses = sorted(r.status for r in results.values())
    assert statuses == ["booked", "waiting"], results
    loser = next(r for r in results.values() if r.status == "waiting")
    assert "Full on" in loser.message and "added to the waiting list" in loser.message
    check = open_store(db_path, PASSPHRASE, migrate=False)
    try:
        with check.read() as s:
            assert bookings.places_taken(s, aid) == {d: 2 for d in days}
    finally:
        check.close()


def test_a_day_after_today_takes_no_marks_but_a_mark_can_be_cleared(store):
    """Today is Tue 24 Nov 2026; the activity's day is Sat 5 December: refused, with a sentence."""
    with store.write() as s:
        aid, days = make_activity(s, capacity=3, days=(date(2026, 12, 5),))
        child = kids(s, 1)[0]
        bookings.book(s, aid, child, None, BookingDetails(), None, TODAY)
        bd = bookings.attendance_list(s, days[0])[0].booking_day_id
        sentence = "This activity day is on Sat 5 December; marks can be taken from that day."
        assert bookings.day_not_yet(s, days[0], TODAY) == sentence
        with pytest.raises(FieldError) as refused:
            bookings.mark(s, bd, "present", None, today=TODAY)
        assert str(refused.value) == sentence
        bookings.mark(s, bd, None, None, today=TODAY)  # clearing is allowed: nothing to refuse
        assert bookings.day_not_yet(s, days[0], date(2026, 12, 5)) == ""
    with store.read() as s:
        assert [r.mark for r in bookings.attendance_list(s, days[0])] == [None]
    with store.write() as s:
        bookings.mark(s, bd, "late", None, today=date(2026, 12, 5))  # on the day: taken
    with store.read() as s:
        assert [r.mark for r in bookings.attendance_list(s, days[0])] == ["late"]
