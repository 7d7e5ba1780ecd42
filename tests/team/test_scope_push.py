"""A worker's pushes outside their scope are refused with a sentence, never applied (real
PostgreSQL): another worker's case, the workers table; but a case that moved away after the
device's last pull still takes the old laptop's waiting changes (team.md promise 4)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from db.server.tables import field
from ycworker.team.server import service


def _id() -> str:
    return uuid.uuid4().hex


def change(entity, record_id, fname, value, *, base_rev=None):
    return {"id": _id(), "entity": entity, "record_id": record_id, "field": fname,
            "value": None if value is None else json.dumps(value), "base_value": None,
            "base_rev": base_rev, "made_at": datetime.now(UTC).isoformat()}


def push(server, dev, *changes):
    body = {"changes": list(changes), "laptop_time": datetime.now(UTC).isoformat()}
    r = server.client.post("/v1/push", json=body, headers=dev.headers)
    assert r.status_code == 200, r.text
    return r.json()["outcomes"]


def pull_to_head(server, dev, cursor=0):
    while True:
        r = server.client.post("/v1/pull", json={"cursor": cursor, "limit": 500}, headers=dev.headers)
        assert r.status_code == 200, r.text
        cursor = r.json()["cursor"]
        if not r.json()["more"]:
            return cursor


def value_of(server, entity, record_id, fname):
    with server.engine.connect() as conn:
        raw = conn.execute(sa.select(field.c.value).where(
            field.c.entity == entity, field.c.record_id == record_id, field.c.field == fname)).scalar()
    return None if raw is None else json.loads(raw)


def new_carer(server, dev, worker_id):
    cid = _id()
    out = push(server, dev, change("carer", cid, "*", {"id": cid, "first_name": "Alex",
                                                       "last_name": "Smith", "worker_id": worker_id}))
    assert out[0]["outcome"] == "applied", out
    return cid


def test_a_worker_cannot_change_another_workers_case(team_server):
    m = team_server.enrol_manager()
    ana, ben = team_server.enrol("Ana"), team_server.enrol("Ben")
    bens = new_carer(team_server, m, ben.worker_id)
    contact = _id()
    out = push(team_server, ana,
               change("carer", bens, "first_name", "Changed", base_rev=1),
               change("contact", contact, "*", {"id": contact, "carer_id": bens, "notes": "x"}),
               change("carer", bens, "-", None, base_rev=1))
    assert [o["outcome"] for o in out] == ["refused"] * 3
    assert all(o["reason"] == service.SENTENCE_NOT_YOURS for o in out)
    assert value_of(team_server, "carer", bens, "first_name") == "Alex"
    assert value_of(team_server, "contact", contact, "notes") is None
    # Ben's own laptop and a manager's still change it
    assert push(team_server, ben, change("carer", bens, "first_name", "Bea", base_rev=1))[0]["outcome"] \
        == "applied"
    assert push(team_server, m, change("carer", bens, "last_name", "Jones", base_rev=2))[0]["outcome"] \
        == "applied"
    assert (value_of(team_server, "carer", bens, "first_name"),
            value_of(team_server, "carer", bens, "last_name")) == ("Bea", "Jones")


def test_a_worker_adds_carers_and_their_records_and_runs_shared_registers(team_server):
    team_server.enrol_manager()
    ana = team_server.enrol("Ana")
    mine = new_carer(team_server, ana, ana.worker_id)
    contact, club, session = _id(), _id(), _id()
    out = push(team_server, ana,
               change("contact", contact, "*", {"id": contact, "carer_id": mine, "notes": "met"}),
               change("club", club, "*", {"id": club, "name": "Tuesday club"}),
               change("club_session", session, "*", {"id": session, "club_id": club}),
               change("carer", mine, "first_name", "Alexa", base_rev=1))
    assert [o["outcome"] for o in out] == ["applied"] * 4, out


def test_a_worker_cannot_change_the_workers_table(team_server):
    m = team_server.enrol_manager()
    ana = team_server.enrol("Ana")
    out = push(team_server, ana, change("worker", m.worker_id, "role", "worker"),
               change("worker", _id(), "*", {"name": "Made up", "role": "manager"}))
    assert [o["outcome"] for o in out] == ["refused", "refused"]
    assert out[0]["reason"] == service.SENTENCE_WORKERS


def test_changes_waiting_when_a_case_moved_away_still_apply_until_the_laptop_pulls_the_move(team_server):
    m = team_server.enrol_manager()
    ana, ben = team_server.enrol("Ana"), team_server.enrol("Ben")
    cid = new_carer(team_server, m, ana.worker_id)
    pull_to_head(team_server, ana)  # Ana's laptop holds the case
    assert push(team_server, m, change("carer", cid, "worker_id", ben.worker_id, base_rev=1))[0][
        "outcome"] == "applied"
    # Ana's laptop was offline: its edit made before the move is pushed first, and applies
    contact = _id()
    out = push(team_server, ana, change("carer", cid, "last_name", "Offline", base_rev=1),
               change("contact", contact, "*", {"id": contact, "carer_id": cid, "notes": "visit"}))
    assert [o["outcome"] for o in out] == ["applied", "applied"], out
    assert value_of(team_server, "carer", cid, "last_name") == "Offline"
    # then it pulls the move (and drops the case); from then on the case is Ben's only
    pull_to_head(team_server, ana, pull_to_head(team_server, ana))
    late = push(team_server, ana, change("carer", cid, "last_name", "Late", base_rev=3))
    assert late[0]["outcome"] == "refused" and late[0]["reason"] == service.SENTENCE_NOT_YOURS
    assert value_of(team_server, "carer", cid, "last_name") == "Offline"


def test_a_refusal_for_scope_is_stored_like_any_outcome(team_server):
    m = team_server.enrol_manager()
    ana, ben = team_server.enrol("Ana"), team_server.enrol("Ben")
    bens = new_carer(team_server, m, ben.worker_id)
    edit = change("carer", bens, "first_name", "X", base_rev=1)
    first = push(team_server, ana, edit)
    assert push(team_server, ana, edit) == first
