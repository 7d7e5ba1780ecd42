"""The assessment area's use cases (ycworker.assessment.actions): one transaction each, plain data back."""

from __future__ import annotations

from sqlmodel import select

from db.models import AssessmentScore, AuditEntry
from tests.conftest import TODAY
from tests.helpers.assessment_data import build
from ycworker.assessment import actions
from ycworker.common.context import Context


def _audits(store, record_id):
    with store.read() as s:
        return [(e.action, e.entity) for e in
                s.exec(select(AuditEntry).where(AuditEntry.record_id == record_id)).all()]


def test_scores_saved_in_one_batch_are_audited_once(store):
    ids = build(store)
    ctx = Context(TODAY, ids["me"])
    aid = actions.start_assessment(store, ctx, ids["amira"], "initial")
    actions.save_scores(store, ids["me"], aid, {"MACA-YC18:1": 2, "MACA-YC18:2": 1, "MACA-YC18:3": None},
                        audit_it=True)
    with store.read() as s:
        rows = s.exec(select(AssessmentScore).where(AssessmentScore.assessment_id == aid)).all()
        assert sorted((r.item, r.score) for r in rows) == [(1, 2), (2, 1)]
    assert _audits(store, aid).count(("update", "assessment")) == 1
    actions.save_scores(store, ids["me"], aid, {"MACA-YC18:1": 0}, audit_it=False)
    assert _audits(store, aid).count(("update", "assessment")) == 1


def test_opening_a_carers_assessments_returns_loaded_data(store):
    ids = build(store)
    ctx = Context(TODAY, ids["me"])
    aid = actions.start_assessment(store, ctx, ids["amira"], "initial")
    history, plan, past = actions.open_carer_assessments(store, ctx, ids["amira"])
    assert aid in [row.id for row in history.rows]  # read after the session closed
    assert past == []
    assert plan is not None


def test_an_empty_draft_is_discarded_and_opening_one_is_audited(store):
    ids = build(store)
    ctx = Context(TODAY, ids["me"])
    aid = actions.start_assessment(store, ctx, ids["amira"], "initial")
    view = actions.open_assessment(store, ctx, aid)
    assert (view.id, view.status) == (aid, "draft")
    assert actions.discard_draft(store, ctx, aid) is True
