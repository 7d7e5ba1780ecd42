"""Reviews of a young carer's support: the nine outcome measures, satisfaction, and the next step.

A review rates every outcome OUT01-OUT09 (improved, no change, worse, or not applicable) and asks
whether the carer is satisfied with the service, with a comment. The outcome ratings feed KPI 5
(``ycworker.returns.kpis``: reviews dated in the period; the latest review of a carer decides). The
satisfaction answer feeds KPI 6 as exactly one ``Feedback`` row (source "review", dated the
review's day, for the review's carer), linked from ``Review.feedback_id``: editing the review
edits that row, and a review with no answer ("not asked") has none. An older review without the
link (e.g. demo data) adopts the unlinked review feedback of the same carer and day, if there is
one, rather than adding a second.

The next step is ``continue``, ``step_down`` (closed to 1:1, stays in clubs: the support request
closes as stepped_down) or ``close`` (intervention_completed), both on the review's date, through
``ycworker.caseload.referrals.close`` in the same transaction as the review; open plan actions are then
dropped. A review that has closed a request keeps that step (reopen on the record to undo).

Each review moves the plan's next review on (``review_schedule.reviewed``): due the service's
review weeks after the carer's latest review, or no longer due when the review closed the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from db.models import Carer, Feedback, Referral, Review, ReviewOutcome, Worker, utcnow
from ycworker.assessment import plans
from ycworker.assessment.outcomes import OUTCOMES
from ycworker.caseload import referrals, review_schedule
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collect
from ycworker.common.validators import field_date, field_text

RATINGS = {"improved": "Improved", "no_change": "No change", "worse": "Worse",
           "not_applicable": "Not applicable"}
NEXT_STEPS = {"continue": "Continue support", "step_down": "Step down to clubs only",
              "close": "Close: intervention completed"}
CLOSES_AS = {"step_down": "stepped_down", "close": "intervention_completed"}
SATISFACTION = {"yes": "Satisfied", "no": "Not satisfied", "": "Not asked / no answer"}


@dataclass(frozen=True)
class ReviewRow:
    id: str
    review_date: date
    worker: str
    satisfied: bool | None
    comment: str
    next_step: str
    ratings: dict[str, str]

    @property
    def improved(self) -> int:
        return sum(r == "improved" for r in self.ratings.values())

    @property
    def rated(self) -> int:
        return sum(r in ("improved", "no_change", "worse") for r in self.ratings.values())


@dataclass
class ReviewForm:
    """What the review screen shows: the carer, their open request, a review to edit (or none)."""

    carer_id: str
    name: str
    carer_ref: str
    referral_id: str | None
    referral_open: bool
    open_actions: int
    review_id: str | None = None
    review_date: date | None = None
    ratings: dict[str, str] = field(default_factory=dict)
    satisfied: bool | None = None
    comment: str = ""
    notes: str = ""
    next_step: str = "continue"
    step_locked: bool = False  # the review already closed the request
    history: list[ReviewRow] = field(default_factory=list)


def _open_referral(session: Session, carer_id: str) -> Referral | None:
    return session.exec(select(Referral).where(Referral.carer_id == carer_id,
                                               col(Referral.closed_date).is_(None))
                        .order_by(col(Referral.referral_date).desc())).first()


def list_reviews(session: Session, carer_id: str) -> list[ReviewRow]:
    rows = session.exec(select(Review).where(Review.carer_id == carer_id)
                        .order_by(col(Review.review_date).desc(), col(Review.created_at).desc())).all()
    if not rows:
        return []
    ratings: dict[str, dict[str, str]] = {}
    for rid, outcome, rating in session.exec(
            select(ReviewOutcome.review_id, ReviewOutcome.outcome, ReviewOutcome.rating)
            .where(col(ReviewOutcome.review_id).in_([r.id for r in rows]))).all():
        ratings.setdefault(rid, {})[outcome] = rating
    names = dict(session.exec(select(Worker.id, Worker.name)).all())
    return [ReviewRow(r.id, r.review_date, names.get(r.worker_id or "", ""), r.satisfied,
                      r.satisfaction_comment, r.next_step, dict(sorted(ratings.get(r.id, {}).items())))
            for r in rows]


def load_form(session: Session, carer_id: str, review_id: str | None = None) -> ReviewForm:
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("review", "That young carer is no longer there.")
    ref = _open_referral(session, carer_id)
    form = ReviewForm(carer_id, f"{carer.preferred_name or carer.first_name} {carer.last_name}",
                      carer.carer_ref, ref.id if ref else None, ref is not None,
                      plans.open_count(session, carer_id), history=list_reviews(session, carer_id))
    if review_id:
        r = session.get(Review, review_id)
        if r is None or r.carer_id != carer_id:
            raise FieldError("review", "That review is no longer there.")
        form.review_id, form.review_date = r.id, r.review_date
        form.ratings = dict(session.exec(select(ReviewOutcome.outcome, ReviewOutcome.rating)
                                         .where(ReviewOutcome.review_id == r.id)).all())
        form.satisfied, form.comment, form.notes = r.satisfied, r.satisfaction_comment, r.notes
        form.next_step = r.next_step
        form.step_locked = r.next_step != "continue"
        form.referral_id = r.referral_id
    return form


def _satisfied(raw: Any) -> bool | None:
    if raw is None or isinstance(raw, bool):
        return raw
    value = str(raw).strip().lower()
    if value in ("", "not_asked", "none"):
        return None
    if value in ("y", "yes", "true", "1", "satisfied"):
        return True
    if value in ("n", "no", "false", "0", "not_satisfied"):
        return False
    raise FieldError("satisfied", "Satisfied: yes, no, or not asked.")


def save_review(session: Session, carer_id: str, form: Mapping[str, Any], today: date,
                worker_id: str | None = None, *, review_id: str | None = None) -> str:
    """Record a review (or correct one): outcomes, satisfaction, next step. Returns its id."""
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("review", "That young carer is no longer there.")
    existing = session.get(Review, review_id) if review_id else None
    if review_id and (existing is None or existing.carer_id != carer_id):
        raise FieldError("review", "That review is no longer there.")
    referral = (session.get(Referral, existing.referral_id) if existing and existing.referral_id
                else _open_referral(session, carer_id))
    errors: list[FieldError] = []
    not_before = referral.referral_date if referral else None
    when = collect(errors, field_date, "review_date", str(form.get("review_date") or f"{today:%d/%m/%Y}"),
                    today, label="Date of the review", not_before=not_before,
                    not_before_label="the support request")
    ratings: dict[str, str] = {}
    given = form.get("ratings") or {}
    for code in OUTCOMES:
        rating = str(given.get(code) or "").strip().lower().replace(" ", "_")
        if not rating:
            errors.append(FieldError(code, "Rate it (improved, no change, worse or not applicable)."))
        elif rating not in RATINGS:
            errors.append(FieldError(code, f"'{rating}' is not a rating."))
        else:
            ratings[code] = rating
    satisfied = collect(errors, _satisfied, form.get("satisfied"))
    comment = collect(errors, field_text, "satisfaction_comment",
                       str(form.get("satisfaction_comment") or ""), "Comment", limit=2000)
    notes = collect(errors, field_text, "notes", str(form.get("notes") or ""), "Notes", limit=4000)
    step = str(form.get("next_step") or "continue").strip().lower()
    if step not in NEXT_STEPS:
        errors.append(FieldError("next_step", "Next step: continue, step down to clubs only, or close."))
    elif existing is not None and existing.next_step != "continue" and step != existing.next_step:
        errors.append(FieldError("next_step", "This review closed the support request; reopen it on the "
                                              "carer's record to change that."))
    closing = step in CLOSES_AS and (existing is None or existing.next_step == "continue")
    if closing and (referral is None or referral.closed_date is not None):
        errors.append(FieldError("next_step", "There is no open support request to close."))
    if errors:
        raise FormErrors(errors)

    now = utcnow()
    if existing is None:
        review = Review(carer_id=carer_id, referral_id=referral.id if referral else None, review_date=when,
                        worker_id=worker_id, completed_at=now)
    else:
        review = existing
    review.review_date, review.satisfied = when, satisfied
    review.satisfaction_comment, review.notes, review.next_step = comment or "", notes or "", step
    review.completed_at = review.completed_at or now
    review.updated_at = now
    session.add(review)
    session.flush()

    rows = {o.outcome: o for o in session.exec(select(ReviewOutcome).where(
        ReviewOutcome.review_id == review.id)).all()}
    for code, rating in ratings.items():
        row = rows.get(code)
        if row is None:
            session.add(ReviewOutcome(review_id=review.id, outcome=code, rating=rating))
        elif row.rating != rating:
            row.rating, row.updated_at = rating, now
            session.add(row)
    _feedback(session, review, satisfied, comment or "")

    if closing and referral is not None:  # closing needs an open request (checked above)
        referrals.close(session, referral.id, {
            "closure_reason": CLOSES_AS[step], "closed_date": f"{when:%d/%m/%Y}",
            "closure_note": str(form.get("closure_note") or "") or f"{NEXT_STEPS[step]} at the review."},
            today, worker_id)
        plans.drop_open_actions(session, carer_id, worker_id)
    review_schedule.reviewed(session, carer, closed=step in CLOSES_AS)
    session.flush()
    audit.record(session, "create" if existing is None else "update", "review", review.id, worker_id)
    return review.id


def _feedback(session: Session, review: Review, satisfied: bool | None, comment: str) -> None:
    """The review's one KPI 6 response: made, kept in step, or removed when there is no answer."""
    fb = session.get(Feedback, review.feedback_id) if review.feedback_id else None
    if fb is None and review.feedback_id is None:
        linked = select(Review.feedback_id).where(col(Review.feedback_id).is_not(None))
        fb = session.exec(select(Feedback).where(
            Feedback.carer_id == review.carer_id, Feedback.source == "review",
            Feedback.feedback_date == review.review_date, col(Feedback.id).not_in(linked))).first()
    if satisfied is None:
        if fb is not None:
            review.feedback_id = None
            session.add(review)
            session.flush()
            session.delete(fb)
        return
    if fb is None:
        fb = Feedback(feedback_date=review.review_date, carer_id=review.carer_id, satisfied=satisfied,
                      comment=comment, source="review")
    fb.feedback_date, fb.satisfied, fb.comment = review.review_date, satisfied, comment
    fb.updated_at = utcnow()
    session.add(fb)
    session.flush()
    review.feedback_id = fb.id
    session.add(review)


__all__ = [
    "CLOSES_AS", "NEXT_STEPS", "OUTCOMES", "RATINGS", "SATISFACTION", "ReviewForm", "ReviewRow",
    "list_reviews", "load_form", "save_review",
]
