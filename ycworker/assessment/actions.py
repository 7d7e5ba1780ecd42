"""What a worker does in the assessment area: one function per user action, each owning its transaction.

The screens in ``screens/assessment/`` call these through ``run_db`` (off the UI thread); each takes
the store (and a ``Context``: today, acting worker) and returns data already loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.engine import Store
from ycworker.assessment import assessments, history, lists, plans, reviews
from ycworker.assessment import document as assessment_document
from ycworker.assessment.assessments import AssessmentView
from ycworker.assessment.history import CarerAssessments
from ycworker.assessment.lists import Overview
from ycworker.assessment.plans import Plan
from ycworker.assessment.reviews import ReviewForm, ReviewRow
from ycworker.common.context import Context

# -- assessments ---------------------------------------------------------------------------------

def load_overview(store: Store, ctx: Context, everyone: bool) -> Overview:
    """The assessments list: drafts, due and recently completed (my caseload or everyone)."""
    with store.read() as session:
        return lists.overview(session, ctx.worker_id, ctx.today, everyone=everyone)


def start_assessment(store: Store, ctx: Context, carer_id: str, kind: str) -> str:
    """Start an assessment of ``kind`` for the carer; returns its id."""
    with store.write() as session:
        return assessments.start(session, carer_id, kind, ctx.today, ctx.worker_id)


def open_carer_assessments(store: Store, ctx: Context,
                           carer_id: str) -> tuple[CarerAssessments, Plan, list[ReviewRow]]:
    """A carer's assessments, plan and past reviews; audited as a view of the carer's case."""
    with store.write() as session:
        over_time = history.carer_history(session, carer_id, ctx.today, ctx.worker_id)
        plan = plans.load_plan(session, carer_id, ctx.today)
        past = reviews.list_reviews(session, carer_id)
    return over_time, plan, past


def discard_draft(store: Store, ctx: Context, assessment_id: str) -> bool:
    """Discard an empty draft assessment."""
    with store.write() as session:
        assessments.discard_draft(session, assessment_id, ctx.worker_id)
        return True


def record_change(store: Store, ctx: Context, carer_id: str, form: Mapping[str, Any]) -> Any:
    """Record that the carer's circumstances changed (a re-assessment becomes due)."""
    with store.write() as session:
        return assessments.record_change(session, carer_id, form, ctx.today, ctx.worker_id)


def open_assessment(store: Store, ctx: Context, assessment_id: str) -> AssessmentView:
    """Load an assessment to show; a write, because opening an assessment is audited."""
    with store.write() as session:
        return assessments.load(session, assessment_id, ctx.today, ctx.worker_id)


def save_draft(store: Store, worker_id: str | None, assessment_id: str, batch: Mapping[str, Any],
               audit_it: bool) -> Any:
    """Save a batch of typed answers to a draft (the first save of a sitting is audited)."""
    with store.write() as session:
        return assessments.save_draft(session, assessment_id, batch, worker_id, audit_it=audit_it)


def complete_assessment(store: Store, ctx: Context, assessment_id: str) -> AssessmentView:
    """Complete an assessment (raises FormErrors listing what is still needed)."""
    with store.write() as session:
        return assessments.complete(session, assessment_id, ctx.today, ctx.worker_id)


def save_scores(store: Store, worker_id: str | None, assessment_id: str, batch: Mapping[str, int | None],
                audit_it: bool) -> None:
    """Save a batch of scores keyed ``instrument:item``; only the first one is audited, if asked."""
    with store.write() as session:
        for key, score in batch.items():
            instrument, item = key.rsplit(":", 1)
            assessments.set_score(session, assessment_id, instrument, int(item), score,
                                  worker_id, audit_it=audit_it)
            audit_it = False


def default_document_folder(store: Store) -> str:
    """The folder last used to write out an assessment."""
    with store.read() as session:
        return assessment_document.default_folder(session)


def write_document(store: Store, ctx: Context, assessment_id: str, form: Mapping[str, Any]) -> Any:
    """Write the assessment out to the folder and format on the form; returns the file's path."""
    with store.write() as session:
        return assessment_document.write(session, assessment_id, form["folder"], form["format"] or "md",
                                         ctx.today, ctx.worker_id)


# -- plans ---------------------------------------------------------------------------------------

def load_plan(store: Store, ctx: Context, carer_id: str) -> Plan:
    with store.read() as session:
        return plans.load_plan(session, carer_id, ctx.today)


def add_plan_action(store: Store, ctx: Context, carer_id: str, form: Mapping[str, Any]) -> Any:
    with store.write() as session:
        return plans.add_action(session, carer_id, form, ctx.today, ctx.worker_id)


def update_plan_action(store: Store, ctx: Context, action_id: str, form: Mapping[str, Any]) -> bool:
    with store.write() as session:
        plans.update_action(session, action_id, form, ctx.today, ctx.worker_id)
        return True


def set_plan_status(store: Store, ctx: Context, action_id: str, status: str) -> Any:
    with store.write() as session:
        return plans.set_status(session, action_id, status, ctx.today, ctx.worker_id)


# -- reviews -------------------------------------------------------------------------------------

def load_review(store: Store, carer_id: str, review_id: str | None) -> ReviewForm:
    with store.read() as session:
        return reviews.load_form(session, carer_id, review_id)


def save_review(store: Store, ctx: Context, carer_id: str, form: Mapping[str, Any],
                review_id: str | None) -> Any:
    with store.write() as session:
        return reviews.save_review(session, carer_id, form, ctx.today, ctx.worker_id, review_id=review_id)
