"""Support plan actions: add, edit, done/dropped, overdue (the same rule as the home screen)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY
from tests.helpers.assessment_data import build
from ycworker.assessment import plans
from ycworker.common.errors import FormErrors
from ycworker.home import day as home


def test_actions_overdue_show_on_the_plan_and_the_home_screen(store):
    ids = build(store)
    with store.write() as s:
        late = plans.add_action(s, ids["ben"], {"what": "Join the Chill Club", "who": "Worker",
                                                "due_date": "20/11/2026"}, TODAY, ids["me"])
        soon = plans.add_action(s, ids["ben"], {"what": "Register with Kooth", "who": "Carer",
                                                "due_date": "2027-01-15"}, TODAY, ids["me"])
        plans.add_action(s, ids["ben"], {"what": "Ask school about homework", "who": "School"}, TODAY)
    with store.read() as s:
        plan = plans.load_plan(s, ids["ben"], TODAY)
        day = home.worker_day(s, ids["me"], TODAY)
        assert plans.latest_assessment_id(s, ids["ben"]) == ids["ben_first"]
    assert [(a.what, a.status_text) for a in plan.actions] == [
        ("Join the Chill Club", "overdue"), ("Register with Kooth", "open"),
        ("Ask school about homework", "open")]
    assert plan.overdue == 1 and plan.open == 3
    assert [i.ref_id for i in day.plan_actions] == [late]
    with store.write() as s:
        row = plans.set_status(s, late, "done", TODAY, ids["me"])
        assert (row.status, row.done_date, row.overdue) == ("done", TODAY, False)
        plans.update_action(s, soon, {"what": "Register with Kooth (online)", "who": "Carer",
                                      "due_date": "01/11/2026", "status": "open"}, TODAY)
    with store.read() as s:
        day = home.worker_day(s, ids["me"], TODAY)
        plan = plans.load_plan(s, ids["ben"], TODAY)
    assert [i.ref_id for i in day.plan_actions] == [soon]
    assert plan.actions[-1].status_text == "done 24/11/2026"
    with store.write() as s:
        assert plans.drop_open_actions(s, ids["ben"]) == 2
        assert plans.load_plan(s, ids["ben"], TODAY).overdue == 0


def test_bad_plan_input_names_each_field(store):
    ids = build(store)
    with store.write() as s, pytest.raises(FormErrors) as err:
        plans.add_action(s, ids["ben"], {"what": " ", "who": "", "due_date": "31/02/2027", "status": "later"},
                         TODAY)
    assert set(err.value.by_field()) == {"what", "who", "due_date", "status"}
    with store.write() as s, pytest.raises(FormErrors, match="future"):
        plans.add_action(s, ids["ben"], {"what": "x", "who": "Worker", "status": "done",
                                         "done_date": "25/11/2026"}, TODAY)
    with store.write() as s:
        aid = plans.add_action(s, ids["ben"], {"what": "x", "who": "Worker", "status": "done"}, TODAY)
        assert plans.load_plan(s, ids["ben"], TODAY).actions[0].done_date == TODAY
        plans.update_action(s, aid, {"what": "y", "who": "Worker", "status": "done"}, date(2026, 12, 1))
        assert plans.load_plan(s, ids["ben"], TODAY).actions[0].done_date == TODAY  # kept
