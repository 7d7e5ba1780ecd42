"""Activities: school years with the 1 September cut-off, parsing what workers type, saving and
editing, and the invitation list (eligibility, filters, paging)."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.conftest import TODAY
from tests.helpers import factories
from tests.helpers.bookings import make_activity
from ycworker.bookings import activities, bookings
from ycworker.bookings.activities import ActivityInput, DayInput, InviteFilter
from ycworker.common.errors import FieldError, FormErrors


@pytest.mark.parametrize(("dob", "on", "year"), [
    (date(2021, 9, 1), date(2026, 12, 21), 0),  # Reception: four on 31 August 2026
    (date(2022, 8, 31), date(2026, 12, 21), 0),  # youngest in Reception
    (date(2022, 9, 1), date(2026, 12, 21), -1),  # a day too young: nursery
    (date(2011, 9, 1), date(2026, 12, 21), 10),
    (date(2010, 9, 1), date(2026, 12, 21), 11),  # oldest in Year 11
    (date(2010, 8, 31), date(2026, 12, 21), 12),  # youngest in Year 12: not HAF
    (date(2010, 9, 1), date(2027, 8, 31), 11),  # still Year 11 on the last day of the school year
    (date(2010, 9, 1), date(2027, 9, 1), 12),  # and Year 12 the next day
])
def test_school_year_uses_the_1_september_cut_off(dob, on, year):
    assert activities.school_year(dob, on) == year


def test_haf_dates_of_birth_are_reception_to_year_11():
    span = activities.born_between_for_years(0, 11, date(2026, 12, 21))
    assert span == (date(2010, 9, 1), date(2022, 8, 31))
    assert activities.describe_school_year(0) == "Reception"
    assert activities.describe_school_year(-1) == "Nursery"
    assert activities.describe_school_year(7) == "Year 7"


def test_parsing_days_costs_and_impact():
    days = activities.parse_days("2026-12-21 10:00-14:00; 22/12/2026 1000-1400\n2026-12-23")
    assert days == [DayInput(date(2026, 12, 21), time(10), time(14)),
                    DayInput(date(2026, 12, 22), time(10), time(14)), DayInput(date(2026, 12, 23))]
    assert activities.format_days(days) == "2026-12-21 10:00-14:00; 2026-12-22 10:00-14:00; 2026-12-23"
    with pytest.raises(FieldError, match="'31/02/2026' is not a day"):
        activities.parse_days("31/02/2026")
    with pytest.raises(FieldError, match="at least one day"):
        activities.parse_days(" ; ")
    assert activities.parse_cost("£2.50") == 250
    assert activities.parse_cost("free") == 0
    with pytest.raises(FieldError, match="not an amount"):
        activities.parse_cost("two pounds")
    assert activities.parse_impact("High, medium") == ("medium", "high")
    with pytest.raises(FieldError, match="'severe' is not an impact level"):
        activities.parse_impact("severe")


def test_validation_names_each_field():
    bad = ActivityInput(title=" ", days=[DayInput(date(2026, 12, 21), time(14), time(10))], capacity=0,
                        min_age=12, max_age=8)
    with pytest.raises(FormErrors) as caught:
        activities.validate(bad)
    assert set(caught.value.by_field()) == {"title", "days", "capacity", "ages"}


def test_create_list_and_edit(store):
    with store.write() as s:
        aid = activities.create_activity(s, ActivityInput(
            title="Winter party", venue="Dover Youth Hub", holiday_period="Christmas 2026", capacity=12,
            days=[DayInput(date(2026, 12, 22), time(10), time(14)),
                  DayInput(date(2026, 12, 21), time(10), time(14))],
            eligible_impact=("medium", "high"), cost_pence=250, staff_notes="Bring the first-aid kit"), None)
        activities.create_activity(s, ActivityInput(title="Autumn trip", days=[DayInput(date(2026, 10, 30))]),
                                   None)
    with store.read() as s:
        rows = activities.list_activities(s, TODAY)
        everything = activities.list_activities(s, TODAY, include_past=True)
        detail = activities.get_activity(s, aid)
    assert [r.title for r in rows] == ["Winter party"]
    assert [r.title for r in everything] == ["Autumn trip", "Winter party"]
    first = rows[0]
    assert (first.first_day, first.last_day, first.day_count) == (date(2026, 12, 21), date(2026, 12, 22), 2)
    assert detail.eligibility_text() == "ages 5-18; medium or high impact"
    data = detail.data
    data.days = data.days[:1] + [DayInput(date(2026, 12, 23), time(9, 30), time(13, 30))]
    data.title = "Winter party and lunch"
    with store.write() as s:
        activities.update_activity(s, aid, data, None)
    with store.read() as s:
        detail = activities.get_activity(s, aid)
    assert detail.title == "Winter party and lunch"
    assert [d.label() for d in detail.days] == ["Mon 21 Dec 2026 10:00-14:00", "Wed 23 Dec 2026 09:30-13:30"]


def test_a_booked_day_cannot_be_removed(store):
    with store.write() as s:
        aid, days = make_activity(s, capacity=4)
        kid = factories.carer(s).id
        bookings.book(s, aid, kid, [days[2]], bookings.BookingDetails(), None, TODAY)
        data = activities.get_activity(s, aid).data
        data.days = data.days[:2]
        with pytest.raises(FieldError, match="Wed 23 Dec has 1 booked"):
            activities.update_activity(s, aid, data, None)


def _population(session):
    """Children around the HAF and impact edges, on the activity's first day (21 Dec 2026)."""
    spec = [
        ("Reception", "Ada", date(2021, 9, 1), "high", True, False),
        ("Year11", "Ben", date(2010, 9, 1), "medium", True, True),
        ("Year12", "Cal", date(2010, 8, 31), "high", True, False),  # too old for HAF
        ("NoFsm", "Dee", date(2015, 3, 3), "high", False, False),
        ("LowImpact", "Eve", date(2014, 3, 3), "low", True, True),
        ("Unassessed", "Fay", date(2014, 3, 3), None, True, False),
    ]
    ids = {}
    for last, first, dob, impact, fsm, send in spec:
        ids[last] = factories.carer(session, first_name=first, last_name=last, date_of_birth=dob,
                                    impact_level=impact, fsm=fsm, send=send).id
    factories.carer(session, first_name="Gil", last_name="Closed", date_of_birth=date(2015, 1, 1),
                    impact_level="high", fsm=True, status="closed")
    return ids


def test_invitation_list_applies_the_haf_and_impact_rule(store):
    with store.write() as s:
        ids = _population(s)
        aid, _ = make_activity(s, haf=True, eligible_impact=("medium", "high"), min_age=4, max_age=17)
    with store.read() as s:
        page = activities.invitation_list(s, aid, InviteFilter(), TODAY)
        everyone = activities.invitation_list(s, aid, InviteFilter(eligible_only=False), TODAY)
        send = activities.invitation_list(s, aid, InviteFilter(send_only=True), TODAY)
        low_too = activities.invitation_list(s, aid, InviteFilter(impact=("low", "medium", "high")), TODAY)
    assert [r.name for r in page.rows] == ["Ada Reception", "Ben Year11"]
    assert [r.school_year for r in page.rows] == ["Reception", "Year 11"]
    assert len(everyone.rows) == 6  # open carers only, whatever the rule
    assert [r.name for r in send.rows] == ["Ben Year11"]
    assert [r.name for r in low_too.rows] == ["Eve LowImpact", "Ada Reception", "Ben Year11"]
    assert ids


def test_invitation_list_hides_booked_children_and_pages(store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=30)
        kids = [factories.carer(s, first_name=f"Kid{n:02d}", last_name=f"Surname{n:02d}").id
                for n in range(25)]
        bookings.book(s, aid, kids[0], None, bookings.BookingDetails(), None, TODAY)
    with store.read() as s:
        first = activities.invitation_list(s, aid, InviteFilter(), TODAY, limit=10)
        third = activities.invitation_list(s, aid, InviteFilter(), TODAY, limit=10, offset=20)
        with_booked = activities.invitation_list(s, aid, InviteFilter(include_booked=True, text="surname00"),
                                                 TODAY)
        by_text = activities.invitation_list(s, aid, InviteFilter(text="Surname1"), TODAY)
    assert first.has_more and len(first.rows) == 10 and first.rows[0].name == "Kid01 Surname01"
    assert not third.has_more and len(third.rows) == 4
    assert [(r.name, r.booking_status) for r in with_booked.rows] == [("Kid00 Surname00", "booked")]
    assert len(by_text.rows) == 10
