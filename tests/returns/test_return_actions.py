"""The returns area's use-case functions: a figure counted again with what is behind it, or nothing."""

from __future__ import annotations

from datetime import date

from tests.helpers import factories as f
from ycworker.common.periods import parse_quarter
from ycworker.returns import actions

TODAY = date(2026, 11, 24)
Q2 = parse_quarter("2025-26-Q2")
KPI2 = "kpi2_allocated_within_5_working_days"


def test_load_return_counts_and_lists_the_sealed_returns(store):
    with store.write() as s:
        f.referral(s, f.carer(s).id, date(2025, 7, 1), allocated_date=date(2025, 7, 2))
    view = actions.load_return(store, Q2, TODAY)
    assert view.report.figure(KPI2).numerator == 1 and view.sealed == []
    assert actions.list_sealed(store) == []


def test_drill_a_district_figure_and_one_that_has_gone(store):
    with store.write() as s:
        north = f.district(s, "North")
        f.referral(s, f.carer(s, district_id=north.id).id, date(2025, 7, 1), allocated_date=date(2025, 7, 20))
    drilled = actions.drill_figure(store, Q2, TODAY, KPI2, "district", "North")
    assert drilled.figure is not None and drilled.figure.breakdown_value == "North"
    assert len(drilled.rows) == 1
    gone = actions.drill_figure(store, Q2, TODAY, KPI2, "district", "South")
    assert gone.figure is None and gone.rows == []


def test_drill_an_outcome(store):
    drilled = actions.drill_figure(store, Q2, TODAY, "OUT01", "all", "")
    assert drilled.figure is not None and drilled.rows == []
