"""Hostile input to the team server: each a 4xx with a sentence, and nothing written."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from db.server.tables import change_log, change_outcome, device, enrol_failure, field, record
from ycworker.team.protocol import PROTOCOL, PROTOCOL_HEADER
from ycworker.team.server import service
from ycworker.team.server.app import MAX_BODY, EnrolLimiter, create_app
from ycworker.team.server.enrol_limit import ENROL_FAILURES_PER_MINUTE, StoredEnrolLimiter


def _nothing_written(server) -> None:
    with server.engine.connect() as conn:
        for table in (change_log, change_outcome, field, record):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0, table.name


def _good_change() -> dict:
    return {"id": "a" * 32, "entity": "carer", "record_id": "b" * 32, "field": "*",
            "value": json.dumps({"first_name": "Alex"}), "made_at": "2026-01-01T09:00:00Z"}


@pytest.mark.parametrize("body, where", [
    (b'{"changes": [', "not valid JSON"),
    (b'{"changes": "many", "laptop_time": "2026-01-01T00:00:00Z"}', "changes"),
    (b'{"changes": [], "laptop_time": "yesterday"}', "laptop_time"),
    (b'{"changes": [], "laptop_time": "2026-01-01T00:00:00Z", "admin": true}', "admin (not a field"),
    (json.dumps({"changes": [{**_good_change(), "sql": "DROP TABLE record"}],
                 "laptop_time": "2026-01-01T00:00:00Z"}).encode(), "changes.0.sql"),
    (json.dumps({"changes": [{**_good_change(), "base_rev": "two"}],
                 "laptop_time": "2026-01-01T00:00:00Z"}).encode(), "changes.0.base_rev"),
], ids=["malformed", "wrong-type", "bad-date", "unknown-field", "unknown-change-field", "wrong-rev-type"])
def test_malformed_or_mistyped_pushes_are_refused_with_the_field_named(team_server, body, where):
    m = team_server.enrol_manager()
    r = team_server.client.post("/v1/push", content=body,
                                headers={**m.headers, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert where in r.json()["detail"]
    assert "Traceback" not in r.text and "pydantic" not in r.text
    _nothing_written(team_server)


def test_an_oversized_body_is_refused_before_it_is_read(team_server):
    m = team_server.enrol_manager()
    body = b'{"changes": [], "laptop_time": "2026-01-01T00:00:00Z", "pad": "' + b"x" * MAX_BODY + b'"}'
    r = team_server.client.post("/v1/push", content=body, headers=m.headers)
    assert r.status_code == 413 and "too large" in r.json()["detail"]
    _nothing_written(team_server)


@pytest.mark.parametrize("auth", [None, "Bearer ", "Basic abc", "Bearer " + "x" * 43])
def test_a_missing_or_forged_token_is_refused(team_server, auth):
    team_server.enrol_manager()
    headers = {PROTOCOL_HEADER: str(PROTOCOL)}
    if auth is not None:
        headers["Authorization"] = auth
    body = {"changes": [_good_change()], "laptop_time": datetime.now(UTC).isoformat()}
    r = team_server.client.post("/v1/push", json=body, headers=headers)
    assert r.status_code == 401 and "enrolment code" in r.json()["detail"]
    _nothing_written(team_server)


def test_tokens_are_kept_only_as_their_hash(team_server):
    m = team_server.enrol_manager()
    with team_server.engine.connect() as conn:
        stored = conn.execute(sa.select(device.c.token_hash)).scalars().all()
    assert stored == [service.sha256(m.token)] and m.token not in stored


def test_an_enrolment_code_works_once(team_server):
    m = team_server.enrol_manager()
    assert m.enrolment["service_name"] and len(bytes.fromhex(m.enrolment["pseudonym_secret"])) == 32
    r = team_server.client.post("/v1/enrol", json={"code": team_server.manager_code},
                                headers={PROTOCOL_HEADER: str(PROTOCOL)})
    assert r.status_code == 401 and "already used" in r.json()["detail"]


def test_guessed_enrolment_codes_are_slowed_then_limited(team_db_url, team_server):
    from fastapi.testclient import TestClient

    delays: list[float] = []

    class Recording(EnrolLimiter):
        def failed(self, address: str) -> float:
            delays.append(super().failed(address))
            return delays[-1]

    limiter = Recording(limit=5, window=60, delay=0.001)
    app = create_app(team_db_url, enrol_limiter=limiter)
    headers = {PROTOCOL_HEADER: str(PROTOCOL)}
    with TestClient(app) as client:
        for i in range(5):
            r = client.post("/v1/enrol", json={"code": f"AAAAA-BBBBB-CCCCC-DDDD{i}"}, headers=headers)
            assert r.status_code == 401, r.text
        # the sixth attempt, even with the right code, waits out the window
        r = client.post("/v1/enrol", json={"code": team_server.manager_code}, headers=headers)
        assert r.status_code == 429 and "Too many wrong enrolment codes" in r.json()["detail"]
        assert int(r.headers["Retry-After"]) > 0
    app.state.engine.dispose()
    assert len(delays) == 5 and delays == sorted(delays) and delays[0] < delays[-1]  # each wrong code slower
    with team_server.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(device)).scalar_one() == 0


def test_the_limit_passes_with_its_window():
    now = [1000.0]
    limiter = EnrolLimiter(limit=2, window=60, delay=0.5, clock=lambda: now[0])
    assert limiter.failed("a") == 0.5 and limiter.failed("a") == 1.0
    assert limiter.blocked("a") == 60 and limiter.blocked("b") == 0
    now[0] += 61
    assert limiter.blocked("a") == 0


def _five_wrong_codes(app) -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        for i in range(ENROL_FAILURES_PER_MINUTE):
            r = client.post("/v1/enrol", json={"code": f"AAAAA-BBBBB-CCCCC-DDDD{i}"},
                            headers={PROTOCOL_HEADER: str(PROTOCOL)})
            assert r.status_code == 401, r.text
    app.state.engine.dispose()


def test_the_brake_on_guessed_codes_outlives_a_restart_of_the_server(team_db_url, team_server):
    from fastapi.testclient import TestClient

    from db.server.migrate import make_engine

    engine = make_engine(team_db_url)
    _five_wrong_codes(create_app(team_db_url, enrol_limiter=StoredEnrolLimiter(engine, delay=0.001)))
    engine.dispose()
    restarted = create_app(team_db_url)  # a new process: nothing in memory
    with TestClient(restarted) as client:
        r = client.post("/v1/enrol", json={"code": team_server.manager_code},
                        headers={PROTOCOL_HEADER: str(PROTOCOL)})
    restarted.state.engine.dispose()
    assert r.status_code == 429 and "Too many wrong enrolment codes" in r.json()["detail"]
    with team_server.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(device)).scalar_one() == 0
        kept = conn.execute(sa.select(enrol_failure.c.address)).scalars().all()
    assert kept == ["testclient"] * ENROL_FAILURES_PER_MINUTE  # the address, never the codes tried


def test_wrong_codes_older_than_the_window_are_let_go(team_db_url, team_server):
    from db.server.migrate import make_engine

    engine = make_engine(team_db_url)
    limiter = StoredEnrolLimiter(engine, limit=2, window=60, delay=0.5)
    limiter.clock = lambda: 1000.0
    assert limiter.failed("a") == 0.5 and limiter.failed("a") == 1.0
    assert limiter.blocked("a") == 60 and limiter.blocked("b") == 0
    limiter.clock = lambda: 1061.0
    assert limiter.blocked("a") == 0
    assert limiter.failed("b") == 0.5  # a later wrong code clears the slate of every address
    with engine.connect() as conn:
        assert conn.execute(sa.select(enrol_failure.c.address)).scalars().all() == ["b"]
    engine.dispose()


def test_a_server_one_schema_revision_behind_still_brakes_guessed_codes(team_postgres):
    from fastapi.testclient import TestClient

    from db.server.migrate import make_engine, upgrade

    name = f"team_behind_{id(team_postgres) % 100000}_{datetime.now(UTC).microsecond}"
    with team_postgres.admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    url = team_postgres.url(name)
    engine = make_engine(url)
    upgrade(engine, "0004")  # before enrol_failure: the wrong codes are kept in memory meanwhile
    code = service.init_service(engine, "Northshire Young Carers")
    app = create_app(url)
    with TestClient(app) as client:
        answers = [client.post("/v1/enrol", json={"code": f"AAAAA-BBBBB-CCCCC-DDDD{i}"},
                               headers={PROTOCOL_HEADER: str(PROTOCOL)}).status_code
                   for i in range(ENROL_FAILURES_PER_MINUTE)]
        r = client.post("/v1/enrol", json={"code": code}, headers={PROTOCOL_HEADER: str(PROTOCOL)})
    app.state.engine.dispose()
    engine.dispose()
    assert answers == [401] * ENROL_FAILURES_PER_MINUTE
    assert r.status_code == 429, r.text


def test_an_unexpected_failure_is_a_sentence_never_the_exception(team_db_url, team_server, monkeypatch):
    from fastapi.testclient import TestClient

    m = team_server.enrol_manager()

    def boom(*a, **kw):
        raise RuntimeError("SELECT secret FROM service WHERE password='hunter2'")

    monkeypatch.setattr(service, "pull", boom)
    app = create_app(team_db_url)
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.post("/v1/pull", json={}, headers=m.headers)
    app.state.engine.dispose()
    assert r.status_code == 500
    detail = r.json()["detail"]
    assert "reference" in detail and "hunter2" not in r.text and "SELECT" not in r.text


def test_unknown_addresses_and_methods_answer_with_a_sentence(team_server):
    r = team_server.client.get("/v1/push")
    assert r.status_code == 405 and r.json()["detail"].endswith(".")
    r = team_server.client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["detail"].endswith(".")


def test_a_worker_cannot_settle_a_conflict_on_someone_elses_case(team_server):
    m = team_server.enrol_manager()
    a, b = team_server.enrol("Ana"), team_server.enrol("Ben")
    cid = "c" * 32
    now = datetime.now(UTC).isoformat()

    def ch(value, base=None):
        return {"changes": [{"id": service.new_id(), "entity": "carer", "record_id": cid,
                             "field": "*" if base is None else "first_name", "value": json.dumps(value),
                             "base_rev": base, "made_at": now}], "laptop_time": now}

    first = ch({"first_name": "A", "worker_id": a.worker_id})
    team_server.client.post("/v1/push", json=first, headers=m.headers)
    team_server.client.post("/v1/push", json=ch("B", 1), headers=m.headers)
    out = team_server.client.post("/v1/push", json=ch("C", 1), headers=a.headers).json()["outcomes"][0]
    assert out["outcome"] == "conflict"
    r = team_server.client.post("/v1/resolve", json={"conflict_id": out["conflict"]["id"], "keep": "laptop"},
                                headers=b.headers)
    assert r.status_code == 403 and "manager" in r.json()["detail"]
    r = team_server.client.post("/v1/resolve", json={"conflict_id": out["conflict"]["id"], "keep": "typed"},
                                headers=a.headers)
    assert r.status_code == 422 and "value" in r.json()["detail"]
