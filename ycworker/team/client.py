"""The laptop's HTTP client of the team server: the bodies of ``protocol.py`` over any
``httpx.Client``-like object (tests pass a starlette ``TestClient`` over the server's app).

Every request carries the protocol version and, but for enrolment, the device's token. What can
go wrong comes back as ``TeamError`` with a sentence a worker can act on: never exception text.
"""

from __future__ import annotations

import contextlib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ycworker.team import protocol

REMOVED = "This laptop was removed from the team; ask a manager."
UPGRADE = "Update ycworker on this laptop; your changes are kept and will be sent after."
UNREACHABLE = "The team server could not be reached; your changes are kept and will be sent next time."
SERVER_FAULT = "The team server had a problem; your changes are kept and will be sent next time."
NOT_UNDERSTOOD = ("The team server's answer was not understood; your changes are kept. "
                  "Check the server's address, or update ycworker.")
TIMEOUT_SECONDS = 60.0

M = TypeVar("M", bound=BaseModel)


class TeamError(Exception):
    """A sync step that could not finish. ``kind``: removed | upgrade | unreachable | server | refused."""

    def __init__(self, sentence: str, kind: str = "refused", status: int | None = None,
                 detail: str | None = None) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        self.kind = kind
        self.status = status
        #: The server's own sentence (a 401 says whether the worker or the laptop was removed).
        self.detail = detail


class TeamClient:
    """One laptop's conversation with its team server."""

    def __init__(self, http: Any, token: str | None = None) -> None:
        self.http = http
        self.token = token

    @classmethod
    def connect(cls, url: str, token: str | None = None, *, timeout: float = TIMEOUT_SECONDS) -> TeamClient:
        import httpx

        return cls(httpx.Client(base_url=url.rstrip("/"), timeout=timeout), token)

    def close(self) -> None:
        close = getattr(self.http, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):  # closing never matters to the outcome
                close()

    def enrol(self, request: protocol.EnrolRequest) -> protocol.EnrolResponse:
        return self._post("/v1/enrol", request, protocol.EnrolResponse, auth=False)

    def push(self, request: protocol.PushRequest) -> protocol.PushResponse:
        return self._post("/v1/push", request, protocol.PushResponse)

    def pull(self, request: protocol.PullRequest) -> protocol.PullResponse:
        return self._post("/v1/pull", request, protocol.PullResponse)

    def resolve(self, request: protocol.ResolveRequest) -> protocol.ResolveResponse:
        return self._post("/v1/resolve", request, protocol.ResolveResponse)

    def team(self) -> protocol.TeamResponse:
        """A manager's laptop: how every laptop of the team stands (last sync, changes waiting)."""
        return self._post("/v1/team", protocol.TeamRequest(), protocol.TeamResponse)

    def _post(self, path: str, body: BaseModel, answer: type[M], *, auth: bool = True) -> M:
        headers = {protocol.PROTOCOL_HEADER: str(protocol.PROTOCOL), "Content-Type": "application/json"}
        if auth:
            if not self.token:
                raise TeamError(REMOVED, "removed")
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.http.post(path, content=body.model_dump_json(), headers=headers)
        except Exception as exc:  # httpx.TransportError and kin: the network, never the data
            if _is_transport_error(exc):
                raise TeamError(UNREACHABLE, "unreachable") from None
            raise
        status = response.status_code
        if status == 401 and not auth:  # enrolment: the code was refused, nothing was removed
            raise TeamError(_detail(response) or NOT_UNDERSTOOD, "refused", status)
        if status == 401:
            raise TeamError(REMOVED, "removed", status, _detail(response))
        if status == 426:
            raise TeamError(UPGRADE, "upgrade", status)
        if status >= 500:
            raise TeamError(SERVER_FAULT, "server", status)
        if status >= 400:
            raise TeamError(_detail(response) or NOT_UNDERSTOOD, "refused", status)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError:
            raise TeamError(NOT_UNDERSTOOD, "server", status) from None


def _is_transport_error(exc: Exception) -> bool:
    try:
        import httpx
    except ImportError:  # pragma: no cover - httpx is a dependency
        return isinstance(exc, OSError)
    return isinstance(exc, httpx.TransportError | OSError)


def _detail(response: Any) -> str | None:
    try:
        body = response.json()
    except Exception:  # noqa: BLE001 - a body that is not JSON has no sentence to show
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return detail if isinstance(detail, str) and detail.strip() else None
