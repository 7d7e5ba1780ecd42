"""Registers use cases (ycworker/registers/actions.py): each owns its transaction."""

from __future__ import annotations

import pytest

from tests.helpers.register_data import TODAY, build
from ycworker.common.errors import FieldError
from ycworker.registers import actions


def _row(reg, carer_id):
    return next(r for r in reg.rows if r.carer_id == carer_id)


def test_a_batch_of_register_changes_applies_in_order(store):
    ids = build(store, n=3)
    sid, (a, b, _c) = ids["session"], ids["carers"]
    ops = [("mark", a, "present"), ("transport", a, "taxi"), ("note", a, "nan collects"),
           ("mark", b, "late"), ("clear", b, None)]
    assert actions.apply_ops(store, sid, ops, ids["me"], TODAY) == ops
    reg = actions.open_register(store, sid, ids["me"], TODAY)
    row = _row(reg, a)
    assert (row.status, row.transport, row.note) == ("present", "taxi", "nan collects")
    assert _row(reg, b).status == ""


def test_a_refused_change_rolls_back_the_whole_batch(store):
    ids = build(store, n=2)
    sid, (a, b) = ids["session"], ids["carers"]
    with pytest.raises(FieldError):
        actions.apply_ops(store, sid, [("mark", a, "present"), ("transport", b, "taxi")], ids["me"], TODAY)
    assert _row(actions.open_register(store, sid, ids["me"], TODAY), a).status == ""


def test_the_area_lists_today_and_a_clubs_sessions(store):
    ids = build(store, n=2)
    today_rows, clubs_rows = actions.load_area(store, ids["me"], TODAY, False)
    assert clubs_rows
    rates, sessions, _overall = actions.load_sessions(store, clubs_rows[0].id, TODAY)
    assert ids["session"] in sessions
    assert {r.session_id for r in rates} <= set(sessions)
