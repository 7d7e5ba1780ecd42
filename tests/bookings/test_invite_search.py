"""Issue 12 item 8: the invitation list's search finds "Abena Abdi" (a full name, several words, in
any order, prefixes), as the caseload search does, by using the caseload's own search index."""

from __future__ import annotations

from datetime import date

from tests.conftest import TODAY, on_screen, until
from tests.helpers import factories
from tests.helpers.bookings import make_activity, open_bookings_area
from ycworker.bookings import activities
from ycworker.bookings.activities import InviteFilter


def _children(s):
    for first, last in (("Abena", "Abdi"), ("Abena", "Mensah"), ("Kofi", "Abdi"), ("Willow", "Moore")):
        factories.carer(s, first_name=first, last_name=last, date_of_birth=date(2014, 5, 5))


def test_several_words_in_any_order_find_the_child(store):
    with store.write() as s:
        aid, _ = make_activity(s, capacity=10)
        _children(s)
    with store.read() as s:
        def names(text):
            page = activities.invitation_list(s, aid, InviteFilter(text=text, eligible_only=False), TODAY)
            return sorted(r.name for r in page.rows)

        assert names("Abena Abdi") == ["Abena Abdi"]
        assert names("abdi abe") == ["Abena Abdi"]
        assert names("  abena   ABDI ") == ["Abena Abdi"]
        assert names("abena") == ["Abena Abdi", "Abena Mensah"]
        assert names("willow moo") == ["Willow Moore"]
        assert names("Abena Smith") == []
        assert names('abdi" OR "x') == []  # FTS syntax is read as words, never as a query
        assert len(names("")) == 4


async def test_typing_a_full_name_in_the_invite_search(make_app, store):
    with store.write() as s:
        make_activity(s, capacity=10)
        _children(s)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_bookings_area(pilot)
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        screen = app.screen
        await pilot.press("slash", *"Abena Abdi")
        await until(pilot, lambda: [r.name for r in screen.invites] == ["Abena Abdi"],
                    lambda: f"the invite list showed {[r.name for r in screen.invites]}")
        await pilot.press("enter")  # back to the list, which shows the one child
        await until(pilot, lambda: screen.query_one("#inv-table").row_count == 1,
                    lambda: "the invite table did not show the child")
