"""Issue 17: the invitation list's search reads the search index's candidates by key and tests the
activity's rule and the worker's filters on each; what it shows is what the rule and the filters
say, in name order, a page at a time, whichever way SQLite reads it."""

from __future__ import annotations

from datetime import date

from tests.conftest import TODAY
from tests.helpers import factories
from tests.helpers.bookings import make_activity
from ycworker.bookings import activities, bookings
from ycworker.bookings.activities import InviteFilter


def _mohs(session) -> dict[str, str]:
    """Children whose names start "Moh", around the edges of a HAF activity's rule, and others."""
    spec = [  # (first, last, date of birth, impact, fsm, status)
        ("Ada", "Mohamed", date(2015, 3, 3), "high", True, "open"),
        ("Ben", "Mohamed", date(2014, 3, 3), "medium", True, "open"),
        ("Cal", "Mohamed", date(2014, 3, 3), "low", True, "open"),  # impact outside the rule
        ("Dee", "Mohamed", date(2014, 3, 3), "high", False, "open"),  # no free school meals (HAF)
        ("Eve", "Mohammed", date(2005, 3, 3), "high", True, "open"),  # too old
        ("Fay", "Mohammed", date(2014, 3, 3), "high", True, "closed"),
        ("Gus", "Mohan", date(2013, 3, 3), "high", True, "open"),
        ("Hal", "Mohan", date(2013, 3, 3), "high", True, "open"),  # booked below
        ("Ida", "Smith", date(2013, 3, 3), "high", True, "open"),  # not a match
    ]
    return {f"{first} {last}": factories.carer(
        session, first_name=first, last_name=last, date_of_birth=dob, impact_level=impact, fsm=fsm,
        status=status).id for first, last, dob, impact, fsm, status in spec}


def test_a_search_keeps_the_activity_rule_and_the_filters(store):
    with store.write() as s:
        ids = _mohs(s)
        aid, _ = make_activity(s, haf=True, eligible_impact=("medium", "high"), min_age=4, max_age=17,
                               capacity=10)
        bookings.book(s, aid, ids["Hal Mohan"], None, bookings.BookingDetails(), None, TODAY)
    with store.read() as s:
        def names(flt: InviteFilter, **kw) -> list[str]:
            return [r.name for r in activities.invitation_list(s, aid, flt, TODAY, **kw).rows]

        assert names(InviteFilter(text="moh")) == ["Ada Mohamed", "Ben Mohamed", "Gus Mohan"]
        assert names(InviteFilter(text="moh", include_booked=True)) == [
            "Ada Mohamed", "Ben Mohamed", "Gus Mohan", "Hal Mohan"]
        # everyone open: the rule no longer applies, closed children still never show
        assert names(InviteFilter(text="moh", eligible_only=False)) == [
            "Ada Mohamed", "Ben Mohamed", "Cal Mohamed", "Dee Mohamed", "Eve Mohammed", "Gus Mohan"]
        assert names(InviteFilter(text="moh", eligible_only=False, impact=("low",))) == ["Cal Mohamed"]
        # pages of a search: in name order, none skipped or repeated
        pages = [activities.invitation_list(s, aid, InviteFilter(text="moh", eligible_only=False), TODAY,
                                            limit=4, offset=o) for o in (0, 4)]
        assert [r.name for p in pages for r in p.rows] == [
            "Ada Mohamed", "Ben Mohamed", "Cal Mohamed", "Dee Mohamed", "Eve Mohammed", "Gus Mohan"]
        assert pages[0].has_more and not pages[1].has_more
