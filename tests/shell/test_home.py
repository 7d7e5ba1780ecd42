"""The worker's day (home screen service)."""

from datetime import date

import pytest

from tests.conftest import TODAY
from tests.helpers import shell_data
from ycworker.home import day as home
from ycworker.home.return_due import returns_due


def _titles(items):
    return [i.title.split(" (")[0] for i in items]


def test_worker_day_lists_what_is_due(store):
    ids = shell_data.build(store)
    with store.read() as session:
        day = home.worker_day(session, ids["me"], TODAY)
    assert _titles(day.sessions) == ["Dover Chill Club"]
    assert day.sessions[0].detail == "16:30 at Dover Youth Hub"
    # Oldest deadline first; refused consent is not waiting for allocation.
    assert _titles(day.allocations) == ["Kacper Nowak", "Leah Morgan"]
    assert day.allocations[0].overdue and "overdue by 6 working days" in day.allocations[0].detail
    assert not day.allocations[1].overdue and "due today" in day.allocations[1].detail
    assert _titles(day.assessments) == ["Ellie Brooks"]  # Oscar is Tom's
    assert "overdue by 1 working day" in day.assessments[0].detail
    assert _titles(day.turning_18) == ["Aisha Begum"]
    assert "01 Mar 2027" in day.turning_18[0].detail
    assert _titles(day.plan_actions) == ["Aisha Begum"]
    assert _titles(day.needs_details) == ["Jayden Clarke"]
    assert day.counts["allocations_overdue"] == 1 and day.counts["assessments_overdue"] == 1


def test_manager_sees_everyones_assessments(store):
    ids = shell_data.build(store)
    with store.read() as session:
        day = home.worker_day(session, ids["me"], TODAY, everyone=True)
    assert sorted(_titles(day.assessments)) == ["Ellie Brooks", "Oscar Reid"]


def test_deadlines_further_than_two_working_days_wait(store):
    shell_data.build(store)
    with store.read() as session:
        day = home.worker_day(session, None, date(2026, 11, 6))
    # On Friday 6 Nov nothing is due by Tuesday 10 Nov except Kacper (referred 9 Nov: not yet).
    assert _titles(day.allocations) == []


def _seal(store, label):
    from db.models import SealedReturn
    from ycworker.common import periods

    q = periods.parse_quarter(label)
    with store.write() as s:
        s.add(SealedReturn(label=q.label, period_start=q.start, period_end=q.end, folder_name=f"ret-{label}",
                           path=f"outbox/ret-{label}", manifest_sha256="0" * 64))


@pytest.mark.parametrize("today,texts", [
    # Q2 (Jul-Sep 2026) is due Wed 21 Oct 2026, 15 working days after 30 Sep.
    (date(2026, 9, 22), []),  # 21 working days before: not yet
    (date(2026, 9, 23), ["Return for 2026-27 Q2 due in 20 working days"]),
    (date(2026, 10, 20), ["Return for 2026-27 Q2 due in 1 working day"]),
    (date(2026, 10, 21), ["Return for 2026-27 Q2 due today"]),
    (date(2026, 10, 22), ["Return for 2026-27 Q2 overdue by 1 working day"]),
    (date(2026, 11, 24), ["Return for 2026-27 Q2 overdue by 24 working days"]),
    # Q3 (Oct-Dec) is due Fri 22 Jan 2027, over Christmas (25 and 28 Dec) and New Year's Day:
    # from Tue 22 Dec both are told while Q2 is not sealed.
    (date(2026, 12, 21), ["Return for 2026-27 Q2 overdue by 43 working days"]),
    (date(2026, 12, 22), ["Return for 2026-27 Q2 overdue by 44 working days",
                          "Return for 2026-27 Q3 due in 20 working days"]),
    # Q4 2025-26 ends Tue 31 Mar 2026, due Thu 23 Apr over Good Friday and Easter Monday.
    (date(2026, 4, 22), ["Return for 2025-26 Q4 due in 1 working day"]),
])
def test_the_returns_deadline_is_told_from_20_working_days_before(store, today, texts):
    _seal(store, "2026-27-Q1")  # sealed on time: the quarter before Q2 is never due here
    with store.read() as session:
        assert [r.text for r in returns_due(session, today)] == texts


def test_a_sealed_return_is_no_longer_due(store):
    with store.read() as session:  # nothing sealed; only the quarter just ended and this one count
        due = returns_due(session, date(2026, 10, 22))
    assert [(r.label, r.due, r.overdue) for r in due] == [("2026-27 Q2", date(2026, 10, 21), True)]
    _seal(store, "2026-27-Q1")  # another quarter's seal changes nothing
    with store.read() as session:
        due = returns_due(session, date(2026, 10, 22))
    assert [(r.label, r.due, r.overdue) for r in due] == [("2026-27 Q2", date(2026, 10, 21), True)]
    _seal(store, "2026-27-Q2")
    with store.read() as session:
        assert returns_due(session, date(2026, 10, 22)) == []
        assert home.worker_day(session, None, date(2026, 10, 22)).returns == []


async def test_home_shows_the_returns_deadline_until_it_is_sealed(make_app, store):
    """Today is Tue 24 Nov 2026: Q2's return (due 21 Oct) is overdue until sealed, then gone."""
    from tests.conftest import screen_text, settle, unlocked

    shell_data.build(store)
    _seal(store, "2026-27-Q1")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await unlocked(pilot)
        await settle(pilot)
        line = app.screen.query_one("#home-return")
        assert "Return for 2026-27 Q2 overdue by 24 working days" in screen_text(app)
        assert line.display and line.has_class("overdue")
        _seal(store, "2026-27-Q2")  # sealed on another screen (or laptop): F5 shows it is done
        await pilot.press("f5")
        await settle(pilot)
        assert "Return for" not in screen_text(app)
        assert not line.display


async def test_a_long_list_shows_the_most_urgent_and_says_how_many_more(make_app, store):
    """More allocations due than home shows: the most overdue first, then one line with the rest."""
    from textual.widgets import OptionList

    from tests.conftest import settle, unlocked
    from tests.helpers import factories as f

    with store.write() as s:
        for n in range(home.LIST_LIMIT + 7):
            c = f.carer(s, "Waiting", f"Number{n:02d}")
            f.referral(s, c.id, date(2026, 9, 1 + n % 28))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await unlocked(pilot)
        await settle(pilot)
        listing = app.screen.query_one("#home-allocations", OptionList)
        assert len(app.screen.day.allocations) == home.LIST_LIMIT + 7
        assert listing.option_count == home.LIST_LIMIT + 1
        last = listing.get_option_at_index(home.LIST_LIMIT)
        assert last.disabled and str(last.prompt).startswith("… and 7 more")
        first = listing.get_option_at_index(0)
        assert first.id == "allocations:0" and "(T-" in str(first.prompt)
        assert str(first.prompt).startswith("! Waiting ")  # 1 Sep: the most overdue comes first
