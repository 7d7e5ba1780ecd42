"""The team server's promises over real PostgreSQL (team.md): outcomes, conflicts, order, scope,
erasure, removal, versions."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from db.server.tables import LOG_LOCK, change_log, change_outcome, conflict, field, tombstone
from ycworker.team.protocol import PROTOCOL_HEADER
from ycworker.team.server import service


def _id() -> str:
    return uuid.uuid4().hex


def change(entity, record_id, fname, value, *, base_rev=None, base_value=None, cid=None, made_at=None):
    return {"id": cid or _id(), "entity": entity, "record_id": record_id, "field": fname,
            "value": None if value is None else json.dumps(value),
            "base_value": None if base_value is None else json.dumps(base_value), "base_rev": base_rev,
            "made_at": (made_at or datetime.now(UTC)).isoformat()}


def push(server, dev, *changes, laptop_time=None, expect=200):
    body = {"changes": list(changes), "laptop_time": (laptop_time or datetime.now(UTC)).isoformat()}
    r = server.client.post("/v1/push", json=body, headers=dev.headers)
    assert r.status_code == expect, r.text
    return r.json()


def pull_all(server, dev, cursor=0, limit=500):
    changes, drop, last = [], [], None
    while True:
        r = server.client.post("/v1/pull", json={"cursor": cursor, "limit": limit}, headers=dev.headers)
        assert r.status_code == 200, r.text
        last = r.json()
        changes += last["changes"]
        drop += [tuple(d) for d in last["drop"]]
        cursor = last["cursor"]
        if not last["more"]:
            return changes, drop, cursor, last


def new_carer(server, dev, worker_id, **extra):
    cid = _id()
    values = {"id": cid, "first_name": "Alex", "last_name": "Smith", "worker_id": worker_id, **extra}
    out = push(server, dev, change("carer", cid, "*", values))
    assert out["outcomes"][0]["outcome"] == "applied"
    return cid


def count(server, table, *where) -> int:
    with server.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()


def test_a_change_delivered_twice_is_applied_once(team_server):
    m = team_server.enrol_manager()
    cid = new_carer(team_server, m, m.worker_id)
    edit = change("carer", cid, "first_name", "Alexa", base_rev=1)
    first = push(team_server, m, edit)["outcomes"][0]
    again = push(team_server, m, edit, edit)["outcomes"]
    assert first["outcome"] == "applied" and first["rev"] == 2
    assert again == [first, first]
    assert count(team_server, change_log, change_log.c.record_id == cid) == 2  # "*" and one edit
    assert count(team_server, change_outcome) == 2


def test_same_field_from_the_same_start_is_a_conflict_and_different_fields_both_apply(team_server):
    m = team_server.enrol_manager()
    a = team_server.enrol("Ana")
    cid = new_carer(team_server, m, a.worker_id)
    one = push(team_server, m, change("carer", cid, "first_name", "Alexa", base_rev=1, base_value="Alex"),
               change("carer", cid, "last_name", "Smyth", base_rev=1))["outcomes"]
    two = push(team_server, a, change("carer", cid, "first_name", "Lexi", base_rev=1, base_value="Alex"),
               change("carer", cid, "preferred_name", "Lex", base_rev=1))["outcomes"]
    assert [o["outcome"] for o in one] == ["applied", "applied"]
    assert [o["outcome"] for o in two] == ["conflict", "applied"]
    info = two[0]["conflict"]
    assert (info["server_value"], info["laptop_value"], info["base_value"]) == ('"Alexa"', '"Lexi"', '"Alex"')
    assert info["server_by"] == m.worker_id and info["laptop_by"] == a.worker_id
    with team_server.engine.connect() as conn:
        values = dict(conn.execute(sa.select(field.c.field, field.c.value)
                                   .where(field.c.record_id == cid)).all())
    assert values["first_name"] == '"Alexa"'  # the server kept its value
    assert values["last_name"] == '"Smyth"' and values["preferred_name"] == '"Lex"'
    # the case owner sees the conflict on pull, and so does a manager
    assert [c["id"] for c in pull_all(team_server, a)[3]["conflicts"]] == [info["id"]]
    assert [c["id"] for c in pull_all(team_server, m)[3]["conflicts"]] == [info["id"]]
    # the owner keeps the laptop's value: it applies and the conflict is settled
    r = team_server.client.post("/v1/resolve", json={"conflict_id": info["id"], "keep": "laptop"},
                                headers=a.headers)
    assert r.status_code == 200 and r.json()["outcome"] == "applied", r.text
    assert pull_all(team_server, a)[3]["conflicts"] == []
    changes, *_ = pull_all(team_server, m)
    assert changes[-1]["field"] == "first_name" and changes[-1]["value"] == '"Lexi"'


def test_the_same_value_pushed_twice_is_no_conflict(team_server):
    m = team_server.enrol_manager()
    a = team_server.enrol("Ana")
    cid = new_carer(team_server, m, a.worker_id)
    push(team_server, m, change("carer", cid, "last_name", "Jones", base_rev=1))
    out = push(team_server, a, change("carer", cid, "last_name", "Jones", base_rev=1))["outcomes"][0]
    assert out["outcome"] == "applied" and out["rev"] == 2


def _waiting_for_lock(engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).scalar())


def test_the_cursor_never_skips_a_change_that_commits_late(team_server):
    m = team_server.enrol_manager()
    cid = new_carer(team_server, m, m.worker_id)
    _, _, cursor, _ = pull_all(team_server, m)
    engine = team_server.engine
    slow = engine.connect()
    tx = slow.begin()  # a push in flight: lock taken, its row written, not yet committed
    slow.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOG_LOCK})
    slow.execute(change_log.insert().values(entity="carer", record_id=cid, field="last_name", value='"Late"',
                                            rev=2, by=m.worker_id, at=datetime.now(UTC), carer_id=cid))
    caller = service.authenticate(engine, m.token)
    done: dict = {}
    from ycworker.team.protocol import PushRequest

    req = PushRequest.model_validate({"changes": [change("carer", cid, "first_name", "Quick", base_rev=1)],
                                      "laptop_time": datetime.now(UTC).isoformat()})
    t = threading.Thread(target=lambda: done.setdefault("r", service.push(engine, caller, req)))
    t.start()
    try:
        while not _waiting_for_lock(engine):  # the second push waits for the first to commit
            t.join(0.01)
        changes, _, mid_cursor, _ = pull_all(team_server, m, cursor)
        assert changes == [] and mid_cursor == cursor  # nothing visible yet; the cursor stays put
        tx.commit()
    finally:
        slow.close()
    t.join(30)
    assert done["r"].outcomes[0].outcome == "applied"
    changes, _, _, _ = pull_all(team_server, m, mid_cursor)
    assert [(c["field"], c["value"]) for c in changes] == [("last_name", '"Late"'), ("first_name", '"Quick"')]
    assert changes[0]["seq"] < changes[1]["seq"]


def test_a_worker_receives_their_own_cases_and_the_shared_tables_only(team_server):
    m = team_server.enrol_manager()
    a, b = team_server.enrol("Ana"), team_server.enrol("Ben")
    district = _id()
    push(team_server, m, change("district", district, "*", {"id": district, "name": "North"}))
    xa = new_carer(team_server, m, a.worker_id, household_id=None)
    xb = new_carer(team_server, m, b.worker_id)
    contact_a, contact_b = _id(), _id()
    push(team_server, m, change("contact", contact_a, "*", {"id": contact_a, "carer_id": xa, "notes": "a"}),
         change("contact", contact_b, "*", {"id": contact_b, "carer_id": xb, "notes": "b"}))
    seen_a = {(c["entity"], c["record_id"]) for c in pull_all(team_server, a)[0]}
    assert seen_a >= {("district", district), ("carer", xa), ("contact", contact_a)}
    assert ("carer", xb) not in seen_a and ("contact", contact_b) not in seen_a
    everything = {(c["entity"], c["record_id"]) for c in pull_all(team_server, m)[0]}
    assert {("carer", xb), ("contact", contact_b)} <= everything
    # the case moves from Ana to Ben: Ana's next pull drops it; Ben's brings all of it
    _, _, cursor_a, _ = pull_all(team_server, a)
    _, _, cursor_b, _ = pull_all(team_server, b)
    push(team_server, m, change("carer", xa, "worker_id", b.worker_id, base_rev=1))
    changes_a, drop_a, _, _ = pull_all(team_server, a, cursor_a)
    assert set(drop_a) == {("carer", xa), ("contact", contact_a)}
    assert all(c["record_id"] not in (xa, contact_a) for c in changes_a)
    changes_b, drop_b, _, _ = pull_all(team_server, b, cursor_b)
    whole = {(c["entity"], c["record_id"]) for c in changes_b if c["field"] == "*"}
    assert {("carer", xa), ("contact", contact_a)} <= whole and drop_b == []
    moved = next(c for c in changes_b if c["record_id"] == xa and c["field"] == "*")
    assert json.loads(moved["value"])["worker_id"] == b.worker_id


def test_pages_follow_each_other_without_gaps(team_server):
    m = team_server.enrol_manager()
    ids = [new_carer(team_server, m, m.worker_id) for _ in range(7)]
    changes, _, _, _ = pull_all(team_server, m, limit=3)
    assert [c["record_id"] for c in changes] == ids
    assert [c["seq"] for c in changes] == sorted(c["seq"] for c in changes)


def test_erasure_leaves_a_tombstone_and_refuses_later_pushes(team_server):
    m = team_server.enrol_manager()
    a = team_server.enrol("Ana")
    cid = new_carer(team_server, m, a.worker_id)
    contact, section, assessment = _id(), _id(), _id()
    push(team_server, a, change("contact", contact, "*", {"id": contact, "carer_id": cid, "notes": "visit"}),
         change("assessment", assessment, "*", {"id": assessment, "carer_id": cid}),
         change("assessment_section", section, "*",
                {"id": section, "assessment_id": assessment, "text": "x"}))
    _, _, cursor_a, _ = pull_all(team_server, a)
    r = team_server.client.post("/v1/erase", json={"carer_id": cid}, headers=a.headers)
    assert r.status_code == 403 and "manager" in r.json()["detail"]
    r = team_server.client.post("/v1/erase", json={"carer_id": cid}, headers=m.headers)
    assert r.status_code == 200 and r.json() == {"erased": 4}, r.text
    for rid in (cid, contact, section, assessment):
        assert count(team_server, field, field.c.record_id == rid) == 0
        assert count(team_server, change_log, change_log.c.record_id == rid,
                     change_log.c.field != "erased") == 0
        assert count(team_server, tombstone, tombstone.c.record_id == rid) == 1
    changes, _, _, _ = pull_all(team_server, a, cursor_a)
    assert {(c["entity"], c["record_id"]) for c in changes if c["field"] == "erased"} == {
        ("carer", cid), ("contact", contact), ("assessment", assessment), ("assessment_section", section)}
    assert all(c["value"] is None for c in changes)
    late = _id()
    outs = push(team_server, a, change("carer", cid, "first_name", "Back", base_rev=1),
                change("contact", late, "*", {"id": late, "carer_id": cid, "notes": "late"}))["outcomes"]
    assert [o["outcome"] for o in outs] == ["refused", "refused"]
    assert outs[0]["reason"] == "This person was erased; the change was not kept."
    assert count(team_server, field, field.c.record_id.in_([cid, late])) == 0


def test_removed_workers_and_devices_are_refused(team_server):
    team_server.enrol_manager()
    a = team_server.enrol("Ana")
    a2 = team_server.enrol("Ana")  # a second laptop of hers
    b = team_server.enrol("Ben")
    service.remove_device(team_server.engine, b.device_id)
    r = team_server.client.post("/v1/pull", json={}, headers=b.headers)
    assert r.status_code == 401 and "enrolment code" in r.json()["detail"]
    service.remove(team_server.engine, "Ana")
    for dev in (a, a2):
        body = {"changes": [], "laptop_time": datetime.now(UTC).isoformat()}
        r = team_server.client.post("/v1/push", json=body, headers=dev.headers)
        assert r.status_code == 401 and "removed from the team" in r.json()["detail"]


def test_an_older_protocol_is_told_to_upgrade(team_server, monkeypatch):
    from ycworker.team import protocol

    m = team_server.enrol_manager()
    headers = dict(m.headers)
    del headers[PROTOCOL_HEADER]
    r = team_server.client.post("/v1/pull", json={}, headers=headers)
    assert r.status_code == 426 and "upgrade" in r.json()["detail"]
    monkeypatch.setattr(protocol, "PROTOCOL", 3)
    r = team_server.client.post("/v1/pull", json={}, headers={**headers, PROTOCOL_HEADER: "2"})
    assert r.status_code == 200  # one version behind is accepted
    r = team_server.client.post("/v1/pull", json={}, headers={**headers, PROTOCOL_HEADER: "1"})
    assert r.status_code == 426 and "upgrade" in r.json()["detail"]


def test_a_laptop_clock_days_out_is_told_and_decides_nothing(team_server):
    m = team_server.enrol_manager()
    cid = new_carer(team_server, m, m.worker_id)
    skewed = datetime.now(UTC) - timedelta(days=3)
    out = push(team_server, m, change("carer", cid, "first_name", "Sam", base_rev=1, made_at=skewed),
               laptop_time=skewed)
    assert "3 days behind" in out["clock_warning"]
    assert out["outcomes"][0]["outcome"] == "applied"
    assert push(team_server, m)["clock_warning"] is None


def test_conflicts_on_a_case_that_moved_go_to_its_new_holder_and_managers(team_server):
    m = team_server.enrol_manager()
    a, b = team_server.enrol("Ana"), team_server.enrol("Ben")
    cid = new_carer(team_server, m, a.worker_id)
    push(team_server, m, change("carer", cid, "first_name", "Alexa", base_rev=1))
    out = push(team_server, a, change("carer", cid, "first_name", "Lexi", base_rev=1))["outcomes"][0]
    assert out["outcome"] == "conflict"
    push(team_server, m, change("carer", cid, "worker_id", b.worker_id, base_rev=2))
    assert pull_all(team_server, a)[3]["conflicts"] == []
    assert len(pull_all(team_server, b)[3]["conflicts"]) == 1
    assert len(pull_all(team_server, m)[3]["conflicts"]) == 1
    assert count(team_server, conflict) == 1


def test_an_erasure_pushed_from_a_managers_laptop_erases_on_the_server(team_server):
    m = team_server.enrol_manager()
    a = team_server.enrol("Ana")
    cid = new_carer(team_server, m, a.worker_id)
    contact = _id()
    push(team_server, a, change("contact", contact, "*", {"id": contact, "carer_id": cid}))
    refused = push(team_server, a, change("carer", cid, "erased", None))["outcomes"][0]
    assert refused["outcome"] == "refused" and "manager" in refused["reason"]
    outs = push(team_server, m, change("contact", contact, "-", None), change("carer", cid, "-", None),
                change("carer", cid, "erased", None))["outcomes"]
    assert [o["outcome"] for o in outs] == ["applied", "applied", "applied"]
    assert count(team_server, tombstone, tombstone.c.record_id.in_([cid, contact])) == 2
    assert count(team_server, field, field.c.record_id.in_([cid, contact])) == 0
