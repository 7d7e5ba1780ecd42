"""The laptop's client: the protocol header and token sent, and each failure as a sentence."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from ycworker.team import protocol
from ycworker.team.client import REMOVED, SERVER_FAULT, UNREACHABLE, UPGRADE, TeamClient, TeamError


def client(answer) -> TeamClient:
    return TeamClient(httpx.Client(base_url="http://team.test", transport=httpx.MockTransport(answer)),
                      "the-token")


def push() -> protocol.PushRequest:
    return protocol.PushRequest(changes=[], laptop_time=datetime(2026, 11, 24, tzinfo=UTC))


def test_each_request_carries_the_protocol_version_and_the_token():
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"outcomes": [], "server_time": "2026-11-24T10:00:00+00:00"})

    got = client(answer).push(push())
    assert got.outcomes == []
    [request] = seen
    assert request.url.path == "/v1/push"
    assert request.headers[protocol.PROTOCOL_HEADER] == str(protocol.PROTOCOL)
    assert request.headers["Authorization"] == "Bearer the-token"


@pytest.mark.parametrize(("status", "sentence", "kind"), [
    (401, REMOVED, "removed"),
    (426, UPGRADE, "upgrade"),
    (500, SERVER_FAULT, "server"),
    (422, "The body had an unknown field.", "refused"),
])
def test_answers_become_sentences(status, sentence, kind):
    def answer(request):
        return httpx.Response(status, json={"detail": "The body had an unknown field."})

    with pytest.raises(TeamError) as caught:
        client(answer).push(push())
    assert (caught.value.sentence, caught.value.kind) == (sentence, kind)


def test_a_server_out_of_reach_is_a_sentence():
    def answer(request):
        raise httpx.ConnectTimeout("timed out", request=request)

    with pytest.raises(TeamError) as caught:
        client(answer).push(push())
    assert caught.value.sentence == UNREACHABLE
