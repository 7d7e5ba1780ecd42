"""Caseload use cases (ycworker.caseload.actions): each owns its transaction; opening a record is
an audited write and a refresh is not; the draft to resume; closing the last request ends the plan."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from db.models import Assessment, AuditEntry, Carer, PlanAction, Referral
from tests.helpers import caseload_data
from ycworker.caseload import actions
from ycworker.common.context import Context

TODAY = date(2026, 11, 24)


def _views(store, carer_id: str) -> int:
    with store.read() as s:
        return len(s.exec(select(AuditEntry).where(AuditEntry.record_id == carer_id,
                                                   AuditEntry.action == "view")).all())


def test_opening_a_record_is_audited_and_a_refresh_is_not(store):
    ids = caseload_data.build(store)
    ctx = Context(TODAY, ids["me"])
    rec = actions.open_record(store, ids["amira"], ctx, True)
    assert rec.carer_ref == "YC-AAA111"
    assert _views(store, ids["amira"]) == 1
    again = actions.open_record(store, ids["amira"], ctx, False)
    assert again.carer_ref == "YC-AAA111"
    assert _views(store, ids["amira"]) == 1


def test_the_draft_to_resume_is_the_latest_changed_draft(store):
    ids = caseload_data.build(store)
    assert actions.draft_to_resume(store, ids["amira"]) is None
    with store.write() as s:
        ref = s.exec(select(Referral).where(Referral.carer_id == ids["amira"])).one()
        older = Assessment(carer_id=ids["amira"], referral_id=ref.id, kind="initial", status="draft",
                           started_date=date(2026, 11, 1), updated_at=datetime(2026, 11, 1, 9, tzinfo=UTC))
        newer = Assessment(carer_id=ids["amira"], referral_id=ref.id, kind="initial", status="draft",
                           started_date=date(2026, 11, 2), updated_at=datetime(2026, 11, 20, 9, tzinfo=UTC))
        done = Assessment(carer_id=ids["amira"], referral_id=ref.id, kind="initial",
                          status="completed", started_date=date(2026, 11, 3),
                          updated_at=datetime(2026, 11, 23, 9, tzinfo=UTC))
        s.add_all([older, newer, done])
        s.flush()
        newer_id = newer.id
    assert actions.draft_to_resume(store, ids["amira"]) == newer_id


def test_closing_the_last_request_closes_the_case_and_drops_the_open_plan(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        s.add_all([PlanAction(carer_id=ids["ben"], what="Netball on Tuesdays"),
                   PlanAction(carer_id=ids["ben"], what="Bus pass", status="done",
                              done_date=date(2026, 11, 1))])
        ref_id = s.exec(select(Referral.id).where(Referral.carer_id == ids["ben"])).one()
    ctx = Context(TODAY, ids["me"])
    assert actions.close_request(store, ref_id, {"closure_reason": "moved_away",
                                                 "closed_date": "24/11/2026"}, ctx)
    with store.read() as s:
        assert s.get(Carer, ids["ben"]).status == "closed"
        statuses = sorted(a.status for a in s.exec(select(PlanAction).where(
            PlanAction.carer_id == ids["ben"])).all())
    assert statuses == ["done", "dropped"]
    assert actions.reopen_request(store, ref_id, ctx)
    with store.read() as s:
        assert s.get(Carer, ids["ben"]).status == "open"
