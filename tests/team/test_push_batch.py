"""One push batch mixing new records with everything that must still be checked one by one
(issue 15: a batch's new records are written together). Real PostgreSQL; outcomes, not timings:
each change gets exactly its one outcome, in the order the laptop sent them, whichever way the
server wrote them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from db.server.tables import change_log, change_outcome, field, record
from ycworker.team.server import service


def _id() -> str:
    return uuid.uuid4().hex


def change(entity, record_id, fname, value, *, base_rev=None, cid=None, raw=None):
    return {"id": cid or _id(), "entity": entity, "record_id": record_id, "field": fname,
            "value": raw if raw is not None else (None if value is None else json.dumps(value)),
            "base_value": None, "base_rev": base_rev, "made_at": datetime.now(UTC).isoformat()}


def push(server, dev, *changes):
    body = {"changes": list(changes), "laptop_time": datetime.now(UTC).isoformat()}
    r = server.client.post("/v1/push", json=body, headers=dev.headers)
    assert r.status_code == 200, r.text
    return r.json()["outcomes"]


def pull_all(server, dev):
    changes, cursor = [], 0
    while True:
        r = server.client.post("/v1/pull", json={"cursor": cursor, "limit": 500}, headers=dev.headers)
        assert r.status_code == 200, r.text
        changes += r.json()["changes"]
        cursor = r.json()["cursor"]
        if not r.json()["more"]:
            return changes


def fields_of(server, entity, record_id) -> dict:
    with server.engine.connect() as conn:
        rows = conn.execute(sa.select(field.c.field, field.c.value).where(
            field.c.entity == entity, field.c.record_id == record_id)).all()
    return {f: json.loads(v) for f, v in rows}


def owner_of(server, entity, record_id):
    with server.engine.connect() as conn:
        return conn.execute(sa.select(record.c.carer_id).where(
            record.c.entity == entity, record.c.record_id == record_id)).scalar()


def count(server, table, *where) -> int:
    with server.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()


def test_a_managers_batch_of_new_records_mixed_with_edits_repeats_and_refusals(team_server):
    m = team_server.enrol_manager()
    gone = _id()  # a person made and erased before the batch
    assert push(team_server, m, change("carer", gone, "*", {"id": gone, "first_name": "Gone"}))[0][
        "outcome"] == "applied"
    assert push(team_server, m, change("carer", gone, "erased", None))[0]["outcome"] == "applied"

    house, carer, sibling, cared, plan, other = _id(), _id(), _id(), _id(), _id(), _id()
    twice = change("plan_action", plan, "*", {"id": plan, "carer_id": carer, "what": "Call school"})
    batch = [
        change("household", house, "*", {"id": house, "address": "1 Lane"}),
        change("carer", carer, "*", {"id": carer, "first_name": "Alex", "household_id": house,
                                     "worker_id": m.worker_id}),
        change("carer", sibling, "*", {"id": sibling, "first_name": "Jo", "household_id": house}),
        change("cared_for", cared, "*", {"id": cared, "household_id": house, "name": "Sam"}),
        twice,
        twice,  # the same change id twice in one batch: one outcome, applied once
        change("carer", carer, "first_name", "Alexa", base_rev=1),  # an edit of a record made just above
        change("plan_action", plan, "*", {"id": plan, "carer_id": carer, "what": "Call the school"}),
        change("carer", gone, "*", {"id": gone, "first_name": "Back again"}),  # erased: refused
        change("contact", other, "*", {"id": other, "carer_id": gone}),  # of an erased person: refused
        change("contact", _id(), "*", None, raw="not json"),  # unreadable: refused
        change("carer", carer, "last_name", "Smith", base_rev=1),
    ]
    outs = push(team_server, m, *batch)

    assert [o["id"] for o in outs] == [c["id"] for c in batch]
    assert [o["outcome"] for o in outs] == ["applied"] * 8 + ["refused"] * 3 + ["applied"]
    assert outs[4] == outs[5]
    assert outs[6]["rev"] == 2 and outs[-1]["rev"] == 3
    assert outs[8]["reason"] == outs[9]["reason"] == service.SENTENCE_ERASED
    assert outs[10]["reason"] == service.SENTENCE_UNREADABLE
    assert fields_of(team_server, "carer", carer) == {
        "id": carer, "first_name": "Alexa", "last_name": "Smith", "household_id": house,
        "worker_id": m.worker_id}
    # the same record again under another change id merged into it, as a field change
    assert fields_of(team_server, "plan_action", plan)["what"] == "Call the school"
    assert fields_of(team_server, "carer", gone) == {} and fields_of(team_server, "contact", other) == {}
    # owners: the household and what hangs from it belong to the first carer who lives there
    assert owner_of(team_server, "household", house) == carer
    assert owner_of(team_server, "carer", sibling) == sibling
    assert owner_of(team_server, "cared_for", cared) == carer
    assert owner_of(team_server, "plan_action", plan) == carer
    assert count(team_server, change_outcome, change_outcome.c.change_id.in_([c["id"] for c in batch])) == 11

    # the log in the order the laptop sent the changes (another laptop applies them in that order)
    seen = [(c["entity"], c["record_id"], c["field"]) for c in pull_all(team_server, team_server.enrol(
        "Second manager", manager=True)) if c["record_id"] in {house, carer, sibling, cared, plan}]
    assert seen == [("household", house, "*"), ("carer", carer, "*"), ("carer", sibling, "*"),
                    ("cared_for", cared, "*"),
                    ("plan_action", plan, "*"), ("carer", carer, "first_name"),
                    ("plan_action", plan, "what"), ("carer", carer, "last_name")]

    # delivered again (the answer was lost): the stored outcomes, nothing written twice
    logged = count(team_server, change_log)
    assert push(team_server, m, *batch) == outs
    assert count(team_server, change_log) == logged


def test_a_workers_batch_of_new_records_in_and_out_of_their_scope(team_server):
    m = team_server.enrol_manager()
    ana, ben = team_server.enrol("Ana"), team_server.enrol("Ben")
    bens = _id()
    assert push(team_server, m, change("carer", bens, "*", {"id": bens, "worker_id": ben.worker_id}))[0][
        "outcome"] == "applied"

    mine, given, r1, r2, r3, club = _id(), _id(), _id(), _id(), _id(), _id()
    batch = [
        change("carer", mine, "*", {"id": mine, "worker_id": ana.worker_id}),
        change("referral", r1, "*", {"id": r1, "carer_id": mine}),  # her own new carer's: applied
        change("referral", r2, "*", {"id": r2, "carer_id": bens}),  # Ben's case: refused
        change("carer", given, "*", {"id": given, "worker_id": ben.worker_id}),  # a carer for Ben
        change("referral", r3, "*", {"id": r3, "carer_id": given}),  # then Ben's: refused
        change("club", club, "*", {"id": club, "name": "Tuesday club"}),  # shared: applied
        change("worker", _id(), "*", {"id": _id(), "name": "Someone"}),  # the server's: refused
    ]
    outs = push(team_server, ana, *batch)

    assert [o["outcome"] for o in outs] == ["applied", "applied", "refused", "applied", "refused",
                                            "applied", "refused"]
    assert outs[2]["reason"] == outs[4]["reason"] == service.SENTENCE_NOT_YOURS
    assert outs[6]["reason"] == service.SENTENCE_WORKERS
    assert fields_of(team_server, "referral", r2) == {} and fields_of(team_server, "referral", r3) == {}
    assert owner_of(team_server, "referral", r1) == mine
    assert fields_of(team_server, "club", club)["name"] == "Tuesday club"
