"""Every KPI definition of the commissioner's return on hand-built cases."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import (
    AwarenessSession,
    Feedback,
    Review,
    ReviewOutcome,
    TrainingSession,
)
from tests.helpers import factories as f
from tests.helpers.kpis import compute, ref
from ycworker.common.percent import percent_text
from ycworker.common.periods import parse_quarter
from ycworker.returns import drill, kpi_results, kpis

# -- arithmetic ------------------------------------------------------------------------------

@pytest.mark.parametrize(("n", "d", "text"), [
    (2, 3, "66.7"), (1, 8, "12.5"), (5, 6, "83.3"), (1, 3, "33.3"), (1, 16, "6.3"), (3, 16, "18.8"),
    (1, 40, "2.5"), (1, 400, "0.3"), (1, 2000, "0.1"), (1, 2001, "0.0"), (0, 5, "0.0"),
    (5, 5, "100.0"), (7, 8, "87.5"), (0, 0, ""), (3, 0, ""),
])
def test_percent_rounds_half_up_to_one_decimal(n, d, text):
    assert percent_text(n, d) == text


def test_target_met_at_exactly_the_target_and_not_below():
    at = kpis.Figure("kpi2_allocated_within_5_working_days", "all", "", 4, 5, kpis.PERCENT, 80)
    below = kpis.Figure("kpi2_allocated_within_5_working_days", "all", "", 79, 99, kpis.PERCENT, 80)
    empty = kpis.Figure("kpi2_allocated_within_5_working_days", "all", "", 0, 0, kpis.PERCENT, 80)
    assert (at.value, at.target_met) == ("80.0", "Y")
    assert (below.value, below.target_met) == ("79.8", "N")
    assert (empty.value, empty.target_met) == ("", "")


@pytest.mark.parametrize(("dob", "band"), [
    (date(2020, 6, 30), "5-10"), (date(2020, 7, 1), "other"), (date(2014, 7, 1), "5-10"),
    (date(2014, 6, 30), "11-15"), (date(2009, 6, 30), "16-17"), (date(2007, 7, 1), "16-17"),
    (date(2007, 6, 30), "18-24"), (date(2000, 7, 1), "18-24"), (date(2000, 6, 30), "other"),
])
def test_age_band_at_the_end_of_the_period(dob, band):
    assert kpis.age_band(kpis.age_on(dob, date(2025, 6, 30))) == band


# -- KPI 1: carers and families ------------------------------------------------------------

def test_kpi1_open_during_the_period_siblings_and_rereferrals(store):
    q = parse_quarter("2025-26-Q2")  # 2025-07-01 .. 2025-09-30
    with store.write() as s:
        d = f.district(s, "Canterbury")
        home = f.household(s, ref="HH-1")
        sib1 = f.carer(s, household_id=home.id, district_id=d.id, sex="F", ethnicity="WBRI",
                       date_of_birth=date(2012, 9, 30))  # 13 on 2025-09-30
        sib2 = f.carer(s, household_id=home.id, district_id=d.id, sex="M", ethnicity="WBRI",
                       date_of_birth=date(2008, 10, 1))  # 16 on 2025-09-30
        alone = f.carer(s, sex="F", ethnicity="BAFR", date_of_birth=date(2006, 1, 1))  # 19
        rereferred = f.carer(s, sex="U", ethnicity="NOBT", date_of_birth=date(2019, 1, 1))  # 6
        outside = [f.carer(s) for _ in range(4)]
        ref(s, sib1, date(2025, 1, 6), allocated_date=date(2025, 1, 8))  # open since January
        ref(s, sib2, date(2025, 6, 2), allocated_date=date(2025, 6, 3), closed_date=q.start,
            closure_reason="intervention_completed")  # closed on the first day: still open during
        ref(s, alone, date(2025, 9, 29), allocated_date=q.end)  # allocated on the last day
        ref(s, rereferred, date(2024, 4, 1), allocated_date=date(2024, 4, 2),
            closed_date=date(2024, 10, 1), closure_reason="stepped_down")
        ref(s, rereferred, date(2025, 8, 1), allocated_date=date(2025, 8, 4),
            closed_date=date(2025, 9, 1), closure_reason="stepped_down")
        ref(s, rereferred, date(2025, 9, 10), allocated_date=date(2025, 9, 11))  # re-referred
        ref(s, outside[0], date(2025, 6, 2), allocated_date=date(2025, 6, 3), closed_date=date(2025, 6, 30),
            closure_reason="moved_away")  # closed the day before
        ref(s, outside[1], date(2025, 9, 25))  # not allocated: not supported yet
        ref(s, outside[2], date(2025, 9, 30), allocated_date=date(2025, 10, 1))  # allocated after
        ref(s, outside[3], date(2025, 10, 1), allocated_date=date(2025, 10, 1))  # next quarter
    report = compute(store, q)
    fig = report.figure("kpi1_carers_supported")
    assert fig.numerator == 4 and fig.denominator is None and fig.value == "4"
    assert {c.carer_id for c in report.carers} == {sib1.id, sib2.id, alone.id, rereferred.id}
    assert report.figure("kpi1_families_supported").numerator == 3  # siblings share a household
    assert report.figure("kpi4_interventions_completed").numerator == 2  # sib2 on day 1, re-ref 1 Sep

    def breakdown(name):
        return {x.breakdown_value: x.numerator for x in report.figures
                if x.kpi == "kpi1_carers_supported" and x.breakdown == name}

    assert breakdown("district") == {"Canterbury": 2, "unknown": 2}
    assert breakdown("sex") == {"F": 2, "M": 1, "U": 1}
    assert breakdown("ethnicity") == {"BAFR": 1, "NOBT": 1, "WBRI": 2}
    assert breakdown("age_band") == {"5-10": 1, "11-15": 1, "16-17": 1, "18-24": 1}
    order = [x.breakdown_value for x in report.figures
             if x.kpi == "kpi1_carers_supported" and x.breakdown == "age_band"]
    assert order == ["5-10", "11-15", "16-17", "18-24"]  # only values that occur, in band order
    received = report.figure("referrals_received")
    assert received.numerator == 5  # 1 Aug, 10 Sep, 25 Sep, 29 Sep, 30 Sep
    months = {x.breakdown_value: x.numerator for x in report.figures
              if x.kpi == "referrals_received" and x.breakdown == "month"}
    assert months == {"2025-08": 1, "2025-09": 4}


def test_referral_sources_and_consent_breakdowns(store):
    with store.write() as s:
        for source, consent in [("school", "given"), ("school", "refused"), ("gp", "pending"),
                                ("self", "refused")]:
            ref(s, f.carer(s), date(2025, 4, 15), source=source, consent=consent)
        ref(s, f.carer(s), date(2025, 3, 31), source="health", consent="refused")  # Q4 before
    report = compute(store, parse_quarter("2025-26-Q1"))
    sources = {x.breakdown_value: x.numerator for x in report.figures
               if x.kpi == "referrals_received" and x.breakdown == "source"}
    assert sources == {"gp": 1, "school": 2, "self": 1}
    assert report.figure("consent_not_given").numerator == 2


# -- KPI 4, 6, 7, 8, 9 -----------------------------------------------------------------------

def test_kpi4_counts_completed_and_stepped_down_closures_in_the_period(store):
    with store.write() as s:
        for closed, reason in [(date(2025, 7, 1), "intervention_completed"),
                               (date(2025, 9, 30), "stepped_down"), (date(2025, 8, 1), "moved_away"),
                               (date(2025, 6, 30), "intervention_completed"),
                               (date(2025, 10, 1), "stepped_down")]:
            ref(s, f.carer(s), date(2025, 1, 6), allocated_date=date(2025, 1, 7), closed_date=closed,
                closure_reason=reason)
    fig = compute(store, parse_quarter("2025-26-Q2")).figure("kpi4_interventions_completed")
    assert (fig.numerator, fig.value, fig.unit) == (2, "2", "count")


def test_kpi6_7_8_service_activity(store):
    with store.write() as s:
        for day, ok in [(date(2025, 7, 1), True), (date(2025, 8, 1), True), (date(2025, 9, 30), False),
                        (date(2025, 6, 30), False)]:
            s.add(Feedback(feedback_date=day, satisfied=ok))
        for day, n in [(date(2025, 7, 2), 12), (date(2025, 9, 3), 7), (date(2025, 10, 1), 100)]:
            s.add(TrainingSession(session_date=day, professionals_trained=n))
        for day in (date(2025, 7, 2), date(2025, 7, 9), date(2025, 9, 30), date(2025, 6, 30)):
            s.add(AwarenessSession(session_date=day, headcount=30))
    report = compute(store, parse_quarter("2025-26-Q2"))
    k6 = report.figure("kpi6_satisfied")
    assert (k6.numerator, k6.denominator, k6.value, k6.target, k6.target_met) == (2, 3, "66.7", 90, "N")
    assert report.figure("kpi7_professionals_trained").numerator == 19
    assert report.figure("kpi8_awareness_sessions").numerator == 3
    empty = compute(store, parse_quarter("2024-25-Q2"))
    assert (empty.figure("kpi6_satisfied").value, empty.figure("kpi6_satisfied").target_met) == ("", "")
    assert empty.figure("kpi7_professionals_trained").value == "0"


def test_kpi9_champion_at_the_end_of_the_period(store):
    end = date(2025, 9, 30)
    with store.write() as s:
        f.school(s, champion_since=date(2020, 1, 1))  # yes
        f.school(s, champion_since=end)  # yes: since the last day
        f.school(s, champion_since=date(2025, 10, 1))  # no: starts after
        f.school(s, champion_since=date(2020, 1, 1), champion_until=end)  # no: ended on the last day
        f.school(s, champion_since=date(2020, 1, 1), champion_until=date(2025, 10, 1))  # yes
        f.school(s)  # no champion
        f.school(s, champion_since=date(2020, 1, 1), on_list=False)  # not on the list: neither
    k9 = compute(store, parse_quarter("2025-26-Q2")).figure("kpi9_schools_with_champion")
    assert (k9.numerator, k9.denominator, k9.value, k9.target_met) == (3, 6, "50.0", "N")


# -- KPI 5: outcomes -------------------------------------------------------------------------

def _review(s, carer, day, ratings):
    r = Review(carer_id=carer.id, review_date=day)
    s.add(r)
    s.flush()
    for outcome, rating in ratings.items():
        s.add(ReviewOutcome(review_id=r.id, outcome=outcome, rating=rating))
    s.flush()
    return r


def test_outcomes_count_each_carer_once_using_the_latest_review_in_the_period(store):
    with store.write() as s:
        a, b, c, d = (f.carer(s) for _ in range(4))
        _review(s, a, date(2025, 7, 10), {"OUT01": "no_change", "OUT02": "improved"})
        _review(s, a, date(2025, 9, 10), {"OUT01": "improved"})  # latest for OUT01: improved
        _review(s, b, date(2025, 7, 10), {"OUT01": "improved", "OUT03": "not_applicable"})
        _review(s, b, date(2025, 8, 10), {"OUT01": "worse"})  # latest for OUT01: worse
        _review(s, c, date(2025, 8, 1), {"OUT01": "improved", "OUT09": "improved"})
        _review(s, d, date(2025, 10, 1), {"OUT01": "improved"})  # after the period
        _review(s, d, date(2025, 6, 30), {"OUT01": "worse"})  # before it
    report = compute(store, parse_quarter("2025-26-Q2"))
    rows = {o.outcome: (o.reviewed, o.improved, o.value, o.target, o.target_met) for o in report.outcomes}
    assert list(rows) == [f"OUT0{i}" for i in range(1, 10)]
    assert rows["OUT01"] == (3, 2, "66.7", 60, "Y")
    assert rows["OUT02"] == (1, 1, "100.0", 60, "Y")
    assert rows["OUT03"] == (0, 0, "", 60, "")  # not_applicable is not a rating
    assert rows["OUT09"] == (1, 1, "100.0", 60, "Y")
    assert rows["OUT05"] == (0, 0, "", 60, "")


def test_figures_list_every_kpi_with_all_first(store):
    report = compute(store, parse_quarter("2025-26-Q2"))
    keys = [x.kpi for x in report.headline()]
    assert keys == [k.key for k in kpi_results.KPI_DEFS]
    assert all(x.breakdown_value == "" for x in report.headline())
    assert [x for x in report.figures if x.breakdown != "all"] == []  # no data, no breakdown rows


# -- gaps: siblings across districts, KPI 4 without allocation, impact by the end of the period --

def test_siblings_in_different_districts_are_one_family_counted_in_each_district(store):
    with store.write() as s:
        north, south = f.district(s, "North"), f.district(s, "South")
        home = f.household(s, ref="HH-9")
        a = f.carer(s, household_id=home.id, district_id=north.id)
        b = f.carer(s, household_id=home.id, district_id=south.id)
        c = f.carer(s, household_id=home.id, district_id=south.id)
        for x, allocated in ((a, date(2025, 7, 2)), (b, date(2025, 7, 2)), (c, date(2025, 7, 30))):
            ref(s, x, date(2025, 7, 1), allocated_date=allocated)
        loner1, loner2 = f.carer(s, district_id=north.id), f.carer(s, district_id=north.id)
        ref(s, loner1, date(2025, 7, 1), allocated_date=date(2025, 7, 2))
        ref(s, loner2, date(2025, 7, 1), allocated_date=date(2025, 7, 2))
    report = compute(store, parse_quarter("2025-26-Q2"))
    assert report.figure("kpi1_carers_supported").numerator == 5
    assert report.figure("kpi1_families_supported").numerator == 3  # siblings 1, each loner 1
    assert report.figure("kpi1_carers_supported", "district", "North").numerator == 3
    assert report.figure("kpi1_carers_supported", "district", "South").numerator == 2
    k2 = report.figure("kpi2_allocated_within_5_working_days", "district", "South")
    assert (k2.numerator, k2.denominator, k2.value, k2.target_met) == (1, 2, "50.0", "N")


def test_kpi4_counts_a_completed_closure_without_allocation_but_referrals_csv_keeps_to_the_spec(store):
    q = parse_quarter("2025-26-Q2")
    with store.write() as s:
        # referred long ago, never allocated (say, support given by a partner), closed in the quarter
        odd = ref(s, f.carer(s), date(2024, 1, 8), closed_date=date(2025, 8, 1),
                  closure_reason="stepped_down")
        ref(s, f.carer(s), date(2024, 1, 8), closed_date=date(2025, 8, 1), closure_reason="disengaged")
    report = compute(store, q)
    fig = report.figure("kpi4_interventions_completed")
    assert (fig.numerator, fig.ids) == (1, (odd.id,))
    assert report.referrals == []  # not received, open or with a deadline in the period
    with store.read() as s:
        rows = drill.drill(s, report, fig)
    assert [r.referral_id for r in rows] == [odd.id]


def test_impact_level_is_the_one_assessed_by_the_end_of_the_period(store):
    with store.write() as s:
        c = f.carer(s, impact_level="low")  # today's impact, from a 2026 assessment
        ref(s, c, date(2024, 4, 2), allocated_date=date(2024, 4, 3),
            assessment_completed_date=date(2024, 4, 10), impact_level="high", closed_date=date(2025, 3, 1),
            closure_reason="intervention_completed")
        ref(s, c, date(2026, 4, 1), allocated_date=date(2026, 4, 2),
            assessment_completed_date=date(2026, 4, 9), impact_level="low")
        unassessed = f.carer(s, impact_level="medium")
        ref(s, unassessed, date(2024, 4, 2), allocated_date=date(2024, 4, 3))
    then = {x.carer_id: x.impact_level for x in compute(store, parse_quarter("2024-25-Q1")).carers}
    now = {x.carer_id: x.impact_level for x in compute(store, parse_quarter("2026-27-Q1")).carers}
    assert then == {c.id: "high", unassessed.id: "medium"}
    assert now == {c.id: "low", unassessed.id: "medium"}  # still open, never assessed


def test_referrals_csv_rows_are_received_open_or_with_a_deadline_in_the_period(store):
    q = parse_quarter("2025-26-Q2")  # 2025-07-01 .. 2025-09-30
    with store.write() as s:
        received = ref(s, f.carer(s), date(2025, 9, 29))  # received, not allocated
        open_from_before = ref(s, f.carer(s), date(2025, 1, 6), allocated_date=date(2025, 1, 7))
        alloc_deadline = ref(s, f.carer(s), date(2025, 6, 27), closed_date=date(2025, 6, 30),
                             closure_reason="other")  # deadline 2025-07-04; closed before it
        assess_deadline = ref(s, f.carer(s), date(2025, 6, 2), allocated_date=date(2025, 6, 16),
                              closed_date=date(2025, 6, 20), closure_reason="moved_away")  # due 2025-07-07
        ref(s, f.carer(s), date(2025, 5, 1), allocated_date=date(2025, 5, 2),
            assessment_completed_date=date(2025, 5, 9), closed_date=date(2025, 6, 30),
            closure_reason="intervention_completed")  # closed the day before: none of the three
        ref(s, f.carer(s), date(2025, 10, 1))  # after
    report = compute(store, q)
    assert {x.id for x in report.referrals} == {received.id, open_from_before.id, alloc_deadline.id,
                                               assess_deadline.id}
    rows = {x.id: x for x in report.referrals}
    assert rows[alloc_deadline.id].allocated_in_time == ""  # closed unallocated before the deadline
    assert rows[assess_deadline.id].assessed_in_time == ""  # closed unassessed before the deadline
    assert rows[received.id].allocated_in_time == "N"  # due 2025-10-06, passed by today, never allocated
    k2 = report.figure("kpi2_allocated_within_5_working_days")
    assert k2.denominator == 0  # received's deadline is in Q3; the other one left the denominator


def test_drill_shows_what_is_missing_or_late_first(store):
    with store.write() as s:
        ok = ref(s, f.carer(s, carer_ref="YC-1"), date(2025, 7, 1), allocated_date=date(2025, 7, 2))
        late = ref(s, f.carer(s, carer_ref="YC-2", first_name="Bea", last_name="Late"), date(2025, 7, 1),
                   allocated_date=date(2025, 7, 20))
        missing = ref(s, f.carer(s, carer_ref="YC-3"), date(2025, 7, 1))
    report = compute(store, parse_quarter("2025-26-Q2"))
    with store.read() as s:
        rows = drill.drill(s, report, report.figure("kpi2_allocated_within_5_working_days"))
    assert [(r.referral_id, r.problem) for r in rows] == [
        (late.id, "allocated late"), (missing.id, "no allocation date"), (ok.id, "")] or [
        (r.referral_id, r.problem) for r in rows] == [
        (missing.id, "no allocation date"), (late.id, "allocated late"), (ok.id, "")]
    assert {r.carer_ref for r in rows} == {"YC-1", "YC-2", "YC-3"}
    assert next(r for r in rows if r.referral_id == late.id).name == "Bea Late"
