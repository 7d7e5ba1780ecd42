"""Reviews: all nine outcomes rated, satisfaction as exactly one KPI 6 response, step down and
closure through the referral rules, edits that keep the counts right."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Carer, Feedback, PlanAction, Referral, Review, ReviewOutcome
from tests.conftest import TODAY
from tests.test_assessment_data import build
from ycworker import kpis, plans, reviews
from ycworker.errors import FormErrors
from ycworker.periods import Period

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
