"""Schemathesis over the team API's own OpenAPI description (issue 15): every operation, requests
made from the description (valid and invalid), with no token, a forged one, a worker's and a
manager's; no answer is a 5xx and every answer is one the description declares, in its schema.

In process (schemathesis's ASGI transport) against a real PostgreSQL (tests/team/conftest.py);
seeded (``derandomize``) and bounded (``EXAMPLES`` per operation and mode), so a run is repeatable
and quick. The operations are read from the description itself, so a route added later is covered
without a change here."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ycworker.team.server.app import EnrolLimiter, create_app

#: Examples per operation and mode: enough to reach every refusal and the services, quick in CI.
EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _operations() -> list[tuple[str, str, tuple[GenerationMode, ...]]]:
    """(method, path, modes) of every operation the description holds (built without a database):
    valid requests, and invalid ones where the operation takes anything to get wrong."""
    app = create_app("postgresql://nobody@/none?host=/nonexistent")
    try:
        return [(method.upper(), path, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
                 if "requestBody" in op or op.get("parameters") else (GenerationMode.POSITIVE,))
                for path, methods in app.openapi()["paths"].items() for method, op in methods.items()]
    finally:
        app.state.engine.dispose()


def _run(op, mode: GenerationMode, tokens: dict[str, str | None]) -> set[int]:
    answered: set[int] = set()

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))
    @given(case=op.as_strategy(generation_mode=mode), who=st.sampled_from(sorted(tokens)))
    def call(case, who):
        token = tokens[who]
        response = case.call(headers={"Authorization": f"Bearer {token}"} if token else None)
        answered.add(response.status_code)
        case.validate_response(response, checks=CHECKS)

    call()
    return answered


@pytest.mark.parametrize("method, path, modes", _operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_request_made_from_the_description_gets_a_server_error(team_server, team_db_url, method, path,
                                                                  modes):
    app = create_app(team_db_url, enrol_limiter=EnrolLimiter(delay=0.0))
    manager = team_server.enrol_manager()
    worker = team_server.enrol("Ana Lopez")
    tokens = {"none": None, "forged": "x" * 43, "worker": worker.token, "manager": manager.token}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    op = schema[path][method]
    answered: set[int] = set()
    try:
        for mode in modes:
            answered |= _run(op, mode, tokens)
    finally:
        app.state.engine.dispose()
    # a device's request: refused without a token, served with one
    if app.openapi()["paths"][path][method.lower()].get("security"):
        assert 401 in answered and answered - {401, 426}, answered


def test_a_nul_character_in_any_text_is_refused_not_a_server_error(team_server):
    """Found by the run above: PostgreSQL text cannot hold NUL, so a pushed change with one in its
    entity made a 500 (psycopg refused the query); now it is a 422 before any database work."""
    manager = team_server.enrol_manager()
    change = {"id": "a" * 32, "entity": "car\x00er", "record_id": "b" * 32, "field": "first_name",
              "value": '"Sam"', "made_at": "2026-01-01T09:00:00Z"}
    body = json.dumps({"changes": [change], "laptop_time": "2026-01-01T09:00:00Z"})
    assert "\\u0000" in body
    r = team_server.client.post("/v1/push", content=body, headers=manager.headers)
    assert r.status_code == 422 and "NUL" in r.json()["detail"], r.text
    with team_server.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM change_outcome").scalar() == 0
