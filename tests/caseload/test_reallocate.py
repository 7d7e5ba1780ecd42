"""Reallocation (issue 16): a manager moves cases to another worker in one transaction, audited and
queued for team sync; a worker is refused; the caseload's "everyone" is a manager's unless the
service allows it."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import col, select

from db import outbox
from db.engine import open_store
from db.models import AuditEntry, Carer, Referral, Setting, TeamChange
from tests.conftest import TODAY, give_passphrase
from tests.helpers import factories as f
from ycworker.caseload import actions, reallocate
from ycworker.caseload.search import CaseloadQuery
from ycworker.common.context import Context
from ycworker.common.errors import UserError


def _team(store, n_leaver: int = 40) -> dict:
    """A manager (the store's acting worker), a leaver holding ``n_leaver`` open cases (each with an
    allocated, unassessed request) and one closed case, and Bea who holds two."""
    manager_id = store.acting[0]
    with store.write() as s:
        leaver = f.worker(s, "Lee Leaver")
        bea = f.worker(s, "Bea Worker")
        cases = []
        for i in range(n_leaver):
            c = f.carer(s, "Case", f"Number{i:02d}", worker_id=leaver.id, status="open")
            f.referral(s, c.id, date(2026, 10, 1), allocated_date=date(2026, 10, 5), worker_id=leaver.id,
                       consent="given")
            cases.append(c.id)
        closed = f.carer(s, "Old", "Closed", worker_id=leaver.id, status="closed").id
        beas = [f.carer(s, "Bea", f"Case{i}", worker_id=bea.id, status="open").id for i in range(2)]
        return {"manager": manager_id, "leaver": leaver.id, "bea": bea.id, "cases": cases,
                "closed": closed, "beas": beas}


def _enrol(store) -> None:
    with store.write() as s:
        s.add(Setting(key=outbox.TEAM_URL, value="https://team.example.org"))
    outbox.set_enrolled(store, True)


def test_a_leavers_open_cases_move_in_one_call_audited_and_queued_for_sync(store):
    ids = _team(store)
    _enrol(store)
    ctx = Context(TODAY, ids["manager"])
    moved = reallocate.reallocate_caseload(store, ids["leaver"], ids["bea"], ctx)
    assert moved.count == 40 and moved.to_name == "Bea Worker"
    assert moved.sentence() == "40 cases moved to Bea Worker; they go to the team with the next sync."
    with store.read() as s:
        holders = dict(s.exec(select(Carer.id, Carer.worker_id)).all())
        assert {holders[c] for c in ids["cases"]} == {ids["bea"]}
        assert holders[ids["closed"]] == ids["leaver"]  # a closed case keeps its history
        requests = s.exec(select(Referral.worker_id).where(col(Referral.carer_id).in_(ids["cases"]))).all()
        assert set(requests) == {ids["bea"]}  # the open request's assessment clock went with the case
        queued = s.exec(select(TeamChange).where(TeamChange.entity == "carer",
                                                 TeamChange.field == "worker_id")).all()
        assert {q.record_id for q in queued} == set(ids["cases"])
        assert {json.loads(q.value) for q in queued} == {ids["bea"]}
        assert {json.loads(q.base_value) for q in queued} == {ids["leaver"]}
        assert all(q.status == "waiting" for q in queued)
        referral_changes = s.exec(select(TeamChange).where(TeamChange.entity == "referral",
                                                           TeamChange.field == "worker_id")).all()
        assert len(referral_changes) == 40
        audited = s.exec(select(AuditEntry.record_id).where(AuditEntry.entity == "carer",
                                                            AuditEntry.action == "update")).all()
        assert set(ids["cases"]) <= set(audited)


def test_marked_cases_move_and_cases_already_theirs_are_left(store):
    ids = _team(store, n_leaver=3)
    ctx = Context(TODAY, ids["manager"])
    moved = reallocate.reallocate(store, [ids["cases"][0], ids["beas"][0]], ids["bea"], ctx)
    assert moved.count == 1
    with store.read() as s:
        assert s.get(Carer, ids["cases"][0]).worker_id == ids["bea"]
        assert s.get(Carer, ids["cases"][1]).worker_id == ids["leaver"]


def test_a_move_to_a_worker_who_left_or_of_nothing_is_refused_with_a_sentence(store):
    ids = _team(store, n_leaver=2)
    ctx = Context(TODAY, ids["manager"])
    with store.write() as s:
        gone = f.worker(s, "Gone Worker", active=False).id
    with pytest.raises(UserError, match="Choose a worker who is on the team now"):
        reallocate.reallocate(store, ids["cases"], gone, ctx)
    with pytest.raises(UserError, match="Mark the cases to move first"):
        reallocate.reallocate(store, [], ids["bea"], ctx)
    with pytest.raises(UserError, match="holds no open cases"):
        reallocate.reallocate_caseload(store, gone, ids["bea"], ctx)


def test_a_worker_who_is_not_a_manager_is_refused_reallocation(store):
    ids = _team(store, n_leaver=2)
    secret = give_passphrase(store, "Bea Worker")
    store.close()
    as_bea = open_store(store.path, secret)
    try:
        ctx = Context(TODAY, ids["bea"])
        with pytest.raises(UserError, match="Only a manager can move cases to another worker."):
            reallocate.reallocate(as_bea, ids["cases"], ids["bea"], ctx)
        with pytest.raises(UserError, match="Only a manager can move cases"):
            reallocate.reallocate_caseload(as_bea, ids["leaver"], ids["bea"], ctx)
        with pytest.raises(UserError, match="Only a manager can"):
            reallocate.set_workers_see_everyone(as_bea, True, ctx)
        with as_bea.read() as s:
            assert {s.get(Carer, c).worker_id for c in ids["cases"]} == {ids["leaver"]}
    finally:
        as_bea.close()


def test_everyone_is_the_whole_service_for_a_manager_and_a_workers_own_cases_unless_allowed(store):
    ids = _team(store, n_leaver=3)
    manager_ctx = Context(TODAY, ids["manager"])
    everyone = CaseloadQuery(status="all")
    assert actions.caseload_count(store, everyone, manager_ctx) == 3 + 1 + 2
    assert actions.caseload_scope(store, manager_ctx) is True
    secret = give_passphrase(store, "Bea Worker")
    store.close()
    as_bea = open_store(store.path, secret)
    try:
        ctx = Context(TODAY, ids["bea"])
        assert actions.caseload_scope(as_bea, ctx) is False
        # "everyone", or another worker's caseload, gives Bea her own two cases
        assert actions.caseload_count(as_bea, everyone, ctx) == 2
        window = actions.caseload_window(as_bea, everyone.with_(worker_id=ids["leaver"]), ctx, 0, 50, True)
        assert {r.carer_id for r in window.rows} == set(ids["beas"])
    finally:
        as_bea.close()
    # a manager lets workers see everyone
    manager = open_store(store.path, "correct horse battery")
    try:
        assert reallocate.set_workers_see_everyone(manager, True, manager_ctx) is True
    finally:
        manager.close()
    as_bea = open_store(store.path, secret)
    try:
        ctx = Context(TODAY, ids["bea"])
        assert actions.caseload_scope(as_bea, ctx) is True
        assert actions.caseload_count(as_bea, everyone, ctx) == 6
    finally:
        as_bea.close()
