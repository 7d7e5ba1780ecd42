"""The worker's day (home screen service)."""

from datetime import date

from tests.conftest import TODAY
from tests.helpers import shell_data
from ycworker.home import day as home


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
