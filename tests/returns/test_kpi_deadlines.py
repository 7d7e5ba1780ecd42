"""KPI 2 and KPI 3 of the commissioner's return on hand-built cases: allocation within 5 and
assessment within 15 working days, over bank holidays, closures, re-referrals and districts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.helpers import factories as f
from tests.helpers.kpis import compute, ref
from ycworker.common.periods import custom, parse_quarter

# -- KPI 2: allocation within 5 working days ---------------------------------------------------

# (referral date, its deadline): a Friday, Easter, Christmas and the one-off bank holidays
DEADLINES = [
    (date(2021, 10, 1), date(2021, 10, 8)),    # Friday -> Friday
    (date(2024, 3, 28), date(2024, 4, 8)),     # Maundy Thursday over Good Friday and Easter Monday
    (date(2023, 12, 22), date(2024, 1, 3)),    # Friday before Christmas, Boxing Day and New Year
    (date(2022, 5, 31), date(2022, 6, 9)),     # Platinum Jubilee 2 and 3 June 2022
    (date(2022, 9, 12), date(2022, 9, 20)),    # the Queen's funeral 19 September 2022
    (date(2023, 5, 1), date(2023, 5, 9)),      # from a bank holiday over the Coronation 8 May 2023
]


@pytest.mark.parametrize(("referred", "deadline"), DEADLINES)
def test_kpi2_on_the_deadline_is_in_time_and_the_next_working_day_is_not(store, referred, deadline):
    from ycworker.common.workdays import working_days_after

    later = working_days_after(deadline, 1)
    with store.write() as s:
        a = ref(s, f.carer(s), referred, allocated_date=deadline)
        b = ref(s, f.carer(s), referred, allocated_date=later)
        c = ref(s, f.carer(s), referred)  # never allocated, still open: missed
        ids = a.id, b.id, c.id
    report = compute(store, custom(deadline, deadline))
    rows = {x.id: x for x in report.referrals}
    assert [rows[i].allocation_deadline for i in ids] == [deadline] * 3
    assert [rows[i].allocated_in_time for i in ids] == ["Y", "N", "N"]
    fig = report.figure("kpi2_allocated_within_5_working_days")
    assert (fig.numerator, fig.denominator, fig.value, fig.target_met) == (1, 3, "33.3", "N")
    assert set(fig.ids) == set(ids)
    # a period ending the day before the deadline counts none of them
    before = compute(store, custom(referred, deadline - timedelta(days=1)))
    assert before.figure("kpi2_allocated_within_5_working_days").denominator == 0
    assert before.figure("referrals_received").numerator == 3


def test_kpi2_closures_before_on_and_after_the_deadline(store):
    # referred Friday 2023-12-22: deadline Wednesday 2024-01-03 (over Christmas), in Q4 2023-24
    referred, deadline = date(2023, 12, 22), date(2024, 1, 3)
    with store.write() as s:
        closed_before = ref(s, f.carer(s), referred, closed_date=date(2023, 12, 28),
                            closure_reason="not_a_young_carer")
        closed_on = ref(s, f.carer(s), referred, closed_date=deadline, closure_reason="consent_not_given",
                        consent="refused")
        closed_after = ref(s, f.carer(s), referred, closed_date=date(2024, 1, 4), closure_reason="other")
        allocated_then_closed = ref(s, f.carer(s), referred, allocated_date=date(2023, 12, 27),
                                    closed_date=date(2023, 12, 29), closure_reason="moved_away")
        in_time = ref(s, f.carer(s), referred, allocated_date=date(2024, 1, 2))
        ids = dict(before=closed_before.id, on=closed_on.id, after=closed_after.id,
                   alloc_closed=allocated_then_closed.id, in_time=in_time.id)
    report = compute(store, parse_quarter("2023-24-Q4"))
    rows = {x.id: x for x in report.referrals}
    assert {k: rows[v].allocated_in_time for k, v in ids.items()} == {
        "before": "", "on": "", "after": "N", "alloc_closed": "Y", "in_time": "Y"}
    fig = report.figure("kpi2_allocated_within_5_working_days")
    # closed without allocation on or before the deadline leaves the denominator
    assert (fig.numerator, fig.denominator, fig.value, fig.target_met) == (2, 3, "66.7", "N")
    assert set(fig.ids) == {ids["after"], ids["alloc_closed"], ids["in_time"]}
    # the referrals themselves were received in Q3, not Q4
    assert report.figure("referrals_received").numerator == 0
    q3 = compute(store, parse_quarter("2023-24-Q3"))
    assert q3.figure("referrals_received").numerator == 5
    assert q3.figure("consent_not_given").numerator == 1
    assert q3.figure("kpi2_allocated_within_5_working_days").denominator == 0
    assert q3.figure("kpi2_allocated_within_5_working_days").value == ""
    assert q3.figure("kpi2_allocated_within_5_working_days").target_met == ""


def test_kpi2_deadline_still_to_come_is_not_counted_missed(store):
    # today Tuesday 2026-11-24; a referral on Monday 2026-11-23 is due Monday 2026-11-30
    with store.write() as s:
        waiting = ref(s, f.carer(s), date(2026, 11, 23))
        early = ref(s, f.carer(s), date(2026, 11, 23), allocated_date=date(2026, 11, 24))
        overdue = ref(s, f.carer(s), date(2026, 11, 13))  # due 2026-11-20, passed
        ids = waiting.id, early.id, overdue.id
    report = compute(store, parse_quarter("2026-27-Q3"))
    rows = {x.id: x for x in report.referrals}
    assert [rows[i].allocated_in_time for i in ids] == ["", "Y", "N"]
    fig = report.figure("kpi2_allocated_within_5_working_days")
    assert (fig.numerator, fig.denominator) == (1, 2)
    # on the deadline day itself it has not passed yet; the day after it has
    assert compute(store, parse_quarter("2026-27-Q3"), date(2026, 11, 30)).figure(
        "kpi2_allocated_within_5_working_days").denominator == 2
    assert compute(store, parse_quarter("2026-27-Q3"), date(2026, 12, 1)).figure(
        "kpi2_allocated_within_5_working_days").denominator == 3


def test_kpi2_by_district_with_target(store):
    with store.write() as s:
        north, south = f.district(s, "North"), f.district(s, "South")
        for allocated in (date(2025, 7, 8), date(2025, 7, 8), date(2025, 7, 20)):
            ref(s, f.carer(s, district_id=north.id), date(2025, 7, 1), allocated_date=allocated)
        ref(s, f.carer(s, district_id=south.id), date(2025, 7, 1), allocated_date=date(2025, 7, 2))
        ref(s, f.carer(s), date(2025, 7, 1), allocated_date=date(2025, 7, 2))  # no district
    report = compute(store, parse_quarter("2025-26-Q2"))
    rows = [(x.breakdown_value, x.numerator, x.denominator, x.value, x.target, x.target_met)
            for x in report.figures
            if x.kpi == "kpi2_allocated_within_5_working_days" and x.breakdown == "district"]
    assert rows == [("North", 2, 3, "66.7", 80, "N"), ("South", 1, 1, "100.0", 80, "Y"),
                    ("unknown", 1, 1, "100.0", 80, "Y")]
    assert report.figure("kpi2_allocated_within_5_working_days").value == "80.0"
    assert report.figure("kpi2_allocated_within_5_working_days").target_met == "Y"


# -- KPI 3: assessment within 15 working days --------------------------------------------------

def test_kpi3_deadlines_closures_and_unallocated(store):
    # allocated Friday 2024-03-22: 15 working days over Easter 2024 -> Tuesday 2024-04-16
    allocated, deadline = date(2024, 3, 22), date(2024, 4, 16)
    referred = date(2024, 3, 18)
    with store.write() as s:
        on = ref(s, f.carer(s), referred, allocated_date=allocated, assessment_completed_date=deadline)
        late = ref(s, f.carer(s), referred, allocated_date=allocated,
                   assessment_completed_date=date(2024, 4, 17))
        closed_before = ref(s, f.carer(s), referred, allocated_date=allocated,
                            closed_date=date(2024, 4, 10), closure_reason="disengaged")
        closed_on = ref(s, f.carer(s), referred, allocated_date=allocated, closed_date=deadline,
                        closure_reason="moved_away")
        closed_after = ref(s, f.carer(s), referred, allocated_date=allocated,
                           closed_date=date(2024, 4, 30), closure_reason="disengaged")
        not_done = ref(s, f.carer(s), referred, allocated_date=allocated)
        never_allocated = ref(s, f.carer(s), referred)
        ids = [x.id for x in (on, late, closed_before, closed_on, closed_after, not_done, never_allocated)]
    report = compute(store, parse_quarter("2024-25-Q1"))
    rows = {x.id: x for x in report.referrals}
    assert rows[ids[0]].assessment_deadline == deadline
    assert [rows[i].assessed_in_time for i in ids[:-1]] == ["Y", "N", "", "", "N", "N"]
    # never allocated: not open, no deadline in Q1 (its allocation deadline was 2024-03-25)
    assert ids[-1] not in rows
    fig = report.figure("kpi3_assessed_within_15_working_days")
    assert (fig.numerator, fig.denominator, fig.value, fig.target_met) == (1, 4, "25.0", "N")
    # Q4 2023-24 holds the referrals and allocations but none of the assessment deadlines
    q4 = compute(store, parse_quarter("2023-24-Q4"))
    assert q4.figure("kpi3_assessed_within_15_working_days").denominator == 0
    assert q4.figure("referrals_received").numerator == 7
    q4rows = {x.id: x for x in q4.referrals}
    assert q4rows[ids[-1]].assessment_deadline is None and q4rows[ids[-1]].assessed_in_time == ""
    assert q4rows[ids[-1]].allocated_in_time == "N"


def test_kpi3_over_christmas_and_new_year(store):
    # allocated Friday 2025-12-12: 15 working days skipping 25, 26 Dec and 1 Jan -> 2026-01-08
    from ycworker.common.workdays import assessment_deadline

    assert assessment_deadline(date(2025, 12, 12)) == date(2026, 1, 7)
    with store.write() as s:
        ok = ref(s, f.carer(s), date(2025, 12, 5), allocated_date=date(2025, 12, 12),
                 assessment_completed_date=date(2026, 1, 7))
        miss = ref(s, f.carer(s), date(2025, 12, 5), allocated_date=date(2025, 12, 12),
                   assessment_completed_date=date(2026, 1, 8))
    report = compute(store, parse_quarter("2025-26-Q4"))
    rows = {x.id: x.assessed_in_time for x in report.referrals}
    assert (rows[ok.id], rows[miss.id]) == ("Y", "N")
    assert report.figure("kpi3_assessed_within_15_working_days").value == "50.0"


# -- one-off bank holidays for KPI 3, re-referrals and districts ---------------------------

@pytest.mark.parametrize(("allocated", "deadline"), [
    (date(2022, 5, 20), date(2022, 6, 14)),  # Friday, over the Spring bank holiday moved to 2 June
    # and the Platinum Jubilee 3 June 2022
    (date(2022, 9, 2), date(2022, 9, 26)),  # Friday, over the Queen's funeral 19 September 2022
    (date(2023, 4, 21), date(2023, 5, 16)),  # Friday, over the early May and Coronation bank holidays
])
def test_kpi3_over_the_one_off_bank_holidays(store, allocated, deadline):
    from ycworker.common.workdays import assessment_deadline, working_days_after

    assert assessment_deadline(allocated) == deadline
    with store.write() as s:
        on = ref(s, f.carer(s), allocated - timedelta(days=3), allocated_date=allocated,
                 assessment_completed_date=deadline)
        late = ref(s, f.carer(s), allocated - timedelta(days=3), allocated_date=allocated,
                   assessment_completed_date=working_days_after(deadline, 1))
    report = compute(store, custom(deadline, deadline))
    rows = {x.id: x for x in report.referrals}
    assert (rows[on.id].assessed_in_time, rows[late.id].assessed_in_time) == ("Y", "N")
    fig = report.figure("kpi3_assessed_within_15_working_days")
    assert (fig.numerator, fig.denominator, fig.value) == (1, 2, "50.0")


def test_a_re_referral_is_its_own_referral_in_kpi2_and_kpi3_but_one_carer_in_kpi1(store):
    q = parse_quarter("2025-26-Q2")
    with store.write() as s:
        c = f.carer(s)
        # first referral Friday 4 July 2025: due Friday 11 July; allocated in time, assessed late, closed
        first = ref(s, c, date(2025, 7, 4), allocated_date=date(2025, 7, 11),
                    assessment_completed_date=date(2025, 8, 5), closed_date=date(2025, 8, 20),
                    closure_reason="intervention_completed")
        # re-referred a week after closing: allocated late, assessed in time
        second = ref(s, c, date(2025, 8, 27), allocated_date=date(2025, 9, 8),
                     assessment_completed_date=date(2025, 9, 19))
    report = compute(store, q)
    rows = {x.id: x for x in report.referrals}
    assert (rows[first.id].allocated_in_time, rows[first.id].assessed_in_time) == ("Y", "N")
    assert rows[first.id].assessment_deadline == date(2025, 8, 1)
    assert (rows[second.id].allocated_in_time, rows[second.id].assessed_in_time) == ("N", "Y")
    assert rows[second.id].allocation_deadline == date(2025, 9, 3)
    assert report.figure("referrals_received").numerator == 2
    k2 = report.figure("kpi2_allocated_within_5_working_days")
    k3 = report.figure("kpi3_assessed_within_15_working_days")
    assert (k2.numerator, k2.denominator, k3.numerator, k3.denominator) == (1, 2, 1, 2)
    assert report.figure("kpi1_carers_supported").numerator == 1
    assert report.figure("kpi1_families_supported").numerator == 1
    assert [x.carer_id for x in report.carers] == [c.id]
    assert sorted(report.carers[0].referral_ids) == sorted([first.id, second.id])
    assert report.figure("kpi4_interventions_completed").numerator == 1


def test_kpi3_by_district(store):
    with store.write() as s:
        north = f.district(s, "North")
        for done in (date(2025, 7, 10), date(2025, 8, 30)):  # deadline 2025-07-23
            ref(s, f.carer(s, district_id=north.id), date(2025, 7, 1), allocated_date=date(2025, 7, 2),
                assessment_completed_date=done)
        ref(s, f.carer(s), date(2025, 7, 1), allocated_date=date(2025, 7, 2),
            assessment_completed_date=date(2025, 7, 3))
    report = compute(store, parse_quarter("2025-26-Q2"))
    rows = [(x.breakdown_value, x.numerator, x.denominator, x.value, x.target_met) for x in report.figures
            if x.kpi == "kpi3_assessed_within_15_working_days" and x.breakdown == "district"]
    assert rows == [("North", 1, 2, "50.0", "N"), ("unknown", 1, 1, "100.0", "Y")]
