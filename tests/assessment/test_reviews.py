"""Reviews: all nine outcomes rated, satisfaction as exactly one KPI 6 response, step down and
closure through the referral rules, edits that keep the counts right; and a pilot test from a
carer's record to their plan and a review that steps them down, with keys only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Carer, Feedback, PlanAction, Referral, Review, ReviewOutcome
from tests.conftest import TODAY, screen_text, settle, unlocked
from tests.helpers.assessment_data import build
from ycworker.assessment import plans, reviews
from ycworker.common import workers
from ycworker.common.errors import FormErrors
from ycworker.common.periods import Period
from ycworker.returns import kpis

Q3 = Period(date(2026, 10, 1), date(2026, 12, 31), "Q3")
ALL_IMPROVED = {code: "improved" for code in kpis.OUTCOMES}


def _kpi(report, key):
    return next(f for f in report.figures if f.kpi == key and f.breakdown == "all")


def test_a_review_counts_in_kpi5_and_kpi6_once(store):
    ids = build(store)
    ratings = ALL_IMPROVED | {"OUT02": "no_change", "OUT07": "not_applicable", "OUT09": "worse"}
    with store.write() as s:
        form = {"review_date": "20/11/2026", "ratings": ratings, "satisfied": "yes",
                "satisfaction_comment": "Loved the club."}
        rid = reviews.save_review(s, ids["ben"], form, TODAY, ids["me"])
    with store.read() as s:
        report = kpis.compute(s, Q3, TODAY)
        review = s.get(Review, rid)
        assert review.completed_at is not None and review.referral_id == ids["ref_ben"]
        fb = s.exec(select(Feedback)).all()
        assert [(f.source, f.satisfied, f.comment, f.feedback_date, f.carer_id) for f in fb] == [
            ("review", True, "Loved the club.", date(2026, 11, 20), ids["ben"])]
        assert review.feedback_id == fb[0].id
    kpi6 = _kpi(report, "kpi6_satisfied")
    assert (kpi6.numerator, kpi6.denominator) == (1, 1)
    out = {o.outcome: o for o in report.outcomes}
    assert (out["OUT01"].reviewed, out["OUT01"].improved) == (1, 1)
    assert (out["OUT02"].reviewed, out["OUT02"].improved) == (1, 0)
    assert out["OUT07"].reviewed == 0  # not applicable is not a rating
    assert (out["OUT09"].reviewed, out["OUT09"].improved) == (1, 0)

    # Correcting the review changes the one response, never adds a second.
    with store.write() as s:
        form = {"review_date": "20/11/2026", "ratings": ratings, "satisfied": "no",
                "satisfaction_comment": "Too many cancelled visits."}
        reviews.save_review(s, ids["ben"], form, TODAY, ids["me"], review_id=rid)
    with store.read() as s:
        kpi6 = _kpi(kpis.compute(s, Q3, TODAY), "kpi6_satisfied")
        assert (kpi6.numerator, kpi6.denominator) == (0, 1)
        assert len(s.exec(select(ReviewOutcome).where(ReviewOutcome.review_id == rid)).all()) == 9
    with store.write() as s:  # no answer: no response at all
        reviews.save_review(s, ids["ben"], {"review_date": "20/11/2026", "ratings": ratings, "satisfied": ""},
                            TODAY, ids["me"], review_id=rid)
    with store.read() as s:
        assert s.exec(select(Feedback)).all() == []
        assert _kpi(kpis.compute(s, Q3, TODAY), "kpi6_satisfied").denominator == 0


def test_an_old_review_adopts_its_unlinked_feedback(store):
    ids = build(store)
    with store.write() as s:
        old = Review(carer_id=ids["ben"], referral_id=ids["ref_ben"], review_date=date(2026, 9, 1),
                     satisfied=True)
        s.add(old)
        s.add(Feedback(feedback_date=date(2026, 9, 1), carer_id=ids["ben"], satisfied=True, source="review"))
        s.flush()
        reviews.save_review(s, ids["ben"], {"review_date": "01/09/2026", "ratings": ALL_IMPROVED,
                                            "satisfied": "no"}, TODAY, review_id=old.id)
    with store.read() as s:
        fb = s.exec(select(Feedback)).all()
        assert [(f.satisfied, s.get(Review, old.id).feedback_id == f.id) for f in fb] == [(False, True)]


def test_every_outcome_must_be_rated(store):
    ids = build(store)
    with store.write() as s, pytest.raises(FormErrors) as err:
        reviews.save_review(s, ids["ben"], {"ratings": {"OUT01": "improved", "OUT02": "better"},
                                            "satisfied": "perhaps", "review_date": "01/01/2027"}, TODAY)
    fields = err.value.by_field()
    assert set(fields) == {f"OUT0{i}" for i in range(2, 10)} | {"satisfied", "review_date"}
    assert fields["OUT02"] == "'better' is not a rating."
    with store.read() as s:
        assert s.exec(select(Review)).all() == []


@pytest.mark.parametrize(("step", "reason"), [("step_down", "stepped_down"),
                                              ("close", "intervention_completed")])
def test_step_down_or_close_closes_the_request_on_the_review_day(store, step, reason):
    ids = build(store)
    with store.write() as s:
        plans.add_action(s, ids["ben"], {"what": "Join the Chill Club", "who": "Worker",
                                         "due_date": "01/11/2026"}, TODAY)
        rid = reviews.save_review(s, ids["ben"], {"review_date": "23/11/2026", "ratings": ALL_IMPROVED,
                                                  "satisfied": "yes", "next_step": step}, TODAY, ids["me"])
    with store.read() as s:
        ref = s.get(Referral, ids["ref_ben"])
        assert (ref.closed_date, ref.closure_reason) == (date(2026, 11, 23), reason)
        assert ref.closure_note == f"{reviews.NEXT_STEPS[step]} at the review."
        assert s.get(Carer, ids["ben"]).status == "closed"
        assert [a.status for a in s.exec(select(PlanAction))] == ["dropped"]
        kpi4 = _kpi(kpis.compute(s, Q3, TODAY), "kpi4_interventions_completed")
        assert ids["ref_ben"] in kpi4.ids
    with store.write() as s, pytest.raises(FormErrors, match="reopen it"):
        reviews.save_review(s, ids["ben"], {"review_date": "23/11/2026", "ratings": ALL_IMPROVED,
                                            "next_step": "continue"}, TODAY, review_id=rid)
    with store.write() as s:  # correcting the ratings of that review is still fine
        reviews.save_review(s, ids["ben"], {"review_date": "23/11/2026", "ratings": ALL_IMPROVED,
                                            "satisfied": "yes", "next_step": step}, TODAY, review_id=rid)


def test_closing_needs_an_open_request_and_the_review_rolls_back(store):
    ids = build(store)
    with store.write() as s:
        s.get(Referral, ids["ref_ben"]).closed_date = date(2026, 11, 1)
        s.get(Referral, ids["ref_ben"]).closure_reason = "moved_away"
    with store.write() as s, pytest.raises(FormErrors, match="no open support request"):
        reviews.save_review(s, ids["ben"], {"ratings": ALL_IMPROVED, "next_step": "close"}, TODAY)
    with store.read() as s:
        assert s.exec(select(Review)).all() == []
        form = reviews.load_form(s, ids["ben"])
        assert (form.referral_open, form.history) == (False, [])


async def test_plan_and_a_step_down_review_with_keys_only(make_app, store):
    ids = build(store)
    with store.write() as session:
        workers.choose(session, ids["me"])
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        app.open_carer(ids["ben"])
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        hub = app.screen
        assert type(hub).__name__ == "CarerAssessmentsScreen"
        text = screen_text(app)
        assert "Ben Walsh (YC-BBB222) · 17 · impact high" in text
        assert "14 high" in " ".join(str(c) for c in hub.query_one("#ca-assessments").get_row_at(0))
        assert "No review yet" in " ".join(str(c) for c in hub.query_one("#ca-reviews").get_row_at(0))

        # The plan: add an action with keys, then mark it done.
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Join the Chill Club", "tab", *"Worker", "tab", *"01/12/2026", "ctrl+s")
        await settle(pilot)
        plan = app.screen
        assert type(plan).__name__ == "PlanScreen"
        assert [str(c) for c in plan.query_one("#plan-table").get_row_at(0)] == [
            "Join the Chill Club", "Worker", "01/12/2026", "open"]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Register with Kooth", "tab", *"Carer", "tab", *"20/11/2026", "ctrl+s")
        await settle(pilot)
        assert [str(c) for c in plan.query_one("#plan-table").get_row_at(0)][3] == "OVERDUE"
        await pilot.press("d")
        await settle(pilot)
        rows = [[str(c) for c in plan.query_one("#plan-table").get_row_at(i)] for i in range(2)]
        assert [r[3] for r in rows] == ["open", "done 24/11/2026"]
        await pilot.press("escape")
        await settle(pilot)
        assert "1 open action." in screen_text(app)

        # A review: rating keys move on; saving too early names the outcomes still to rate.
        await pilot.press("v")
        await settle(pilot)
        review = app.screen
        assert type(review).__name__ == "ReviewScreen"
        await pilot.press("i", "i", "n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "6 not rated: OUT04, OUT05, OUT06, OUT07, OUT08, OUT09" in str(
            review.query_one("#err-outcomes").render())
        await pilot.press("w", "a", "i", "i", "i", "i")
        await pilot.press("tab", "enter", "s", "enter")  # satisfied: Satisfied
        await pilot.press("tab", *"Loved the club")
        await pilot.press("tab", "tab", "enter", "s", "enter")  # (notes) next step: step down to clubs
        await settle(pilot)
        assert "1 open plan action will be marked dropped" in str(review.query_one("#rv-step-note").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is hub
        assert "Step down to clubs only" in screen_text(app)

    with store.read() as s:
        r = s.exec(select(Review)).one()
        assert (r.review_date, r.satisfied, r.satisfaction_comment, r.next_step, r.worker_id) == (
            TODAY, True, "Loved the club", "step_down", ids["me"])
        ratings = dict(s.exec(select(ReviewOutcome.outcome, ReviewOutcome.rating)).all())
        assert ratings == {"OUT01": "improved", "OUT02": "improved", "OUT03": "no_change", "OUT04": "worse",
                           "OUT05": "not_applicable", "OUT06": "improved", "OUT07": "improved",
                           "OUT08": "improved", "OUT09": "improved"}
        fb = s.exec(select(Feedback)).one()
        assert (fb.source, fb.satisfied, fb.carer_id, r.feedback_id) == ("review", True, ids["ben"], fb.id)
        ref = s.get(Referral, ids["ref_ben"])
        assert (ref.closed_date, ref.closure_reason) == (TODAY, "stepped_down")
        assert s.get(Carer, ids["ben"]).status == "closed"
        assert sorted(a.status for a in s.exec(select(PlanAction))) == ["done", "dropped"]
        report = kpis.compute(s, Period(date(2026, 10, 1), date(2026, 12, 31), "Q3"), TODAY)
    kpi6 = next(f for f in report.figures if f.kpi == "kpi6_satisfied" and f.breakdown == "all")
    assert (kpi6.numerator, kpi6.denominator) == (1, 1)
    out = {o.outcome: (o.reviewed, o.improved) for o in report.outcomes}
    assert out["OUT01"] == (1, 1) and out["OUT04"] == (1, 0) and out["OUT05"] == (0, 0)
