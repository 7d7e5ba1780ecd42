"""The team server's HTTP API (FastAPI): ``create_app(database_url)``.

Every 4xx answer is ``{"detail": sentence}``; an unexpected failure is a 500 with a generic sentence
and a reference that is logged with the traceback (never the exception's text). Bodies are read
and validated here (at most ``MAX_BODY`` bytes; strict pydantic models of ``protocol``) before any
database work, so a refused request writes nothing.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.server.migrate import make_engine
from ycworker.team import protocol as p
from ycworker.team.server import service
from ycworker.team.server.errors import Refused

log = logging.getLogger("ycworker.team.server")

MAX_BODY = 8 * 1024 * 1024
#: Wrong enrolment codes per client address per minute before 429.
ENROL_FAILURES_PER_MINUTE = 5
ENROL_WINDOW_SECONDS = 60.0

M = TypeVar("M", bound=BaseModel)

TOO_OLD = ("This version of ycworker is too old for the team server: upgrade it, then sync again "
           "(nothing waiting on this laptop is lost).")
TOO_LARGE = "The request is too large for the team server; send fewer changes at once."
TOO_MANY = ("Too many wrong enrolment codes from this address; wait a minute and try again with the code "
            "exactly as a manager gave it.")


class EraseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carer_id: str = Field(max_length=32)


class _Answer(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.headers = status, detail, headers


class EnrolLimiter:
    """Wrong enrolment codes, per client address: each one answered more slowly, and after
    ``limit`` within ``window`` seconds the address gets 429 until the window has passed."""

    def __init__(self, limit: int = ENROL_FAILURES_PER_MINUTE, window: float = ENROL_WINDOW_SECONDS,
                 delay: float = 0.25, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.delay, self.clock = limit, window, delay, clock
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, address: str) -> deque[float]:
        q = self.failures[address]
        cutoff = self.clock() - self.window
        while q and q[0] <= cutoff:
            q.popleft()
        return q

    def blocked(self, address: str) -> float:
        """Seconds until this address may try again (0: it may)."""
        q = self._recent(address)
        return 0.0 if len(q) < self.limit else max(0.0, q[0] + self.window - self.clock())

    def failed(self, address: str) -> float:
        """Record a wrong code; the delay to answer it with (grows with each failure)."""
        q = self._recent(address)
        q.append(self.clock())
        return min(self.delay * len(q), 3.0)


def _sentence_for(error: ValidationError) -> str:
    places = []
    for e in error.errors():
        if e.get("type") == "json_invalid":
            return "The request body is not valid JSON."
        where = ".".join(str(x) for x in e.get("loc", ())) or "body"
        kind = e.get("type", "")
        if kind == "extra_forbidden":
            places.append(f"{where} (not a field this server knows)")
        elif kind == "missing":
            places.append(f"{where} (missing)")
        else:
            places.append(f"{where} ({e.get('msg', 'not valid').lower()})")
    shown = "; ".join(places[:5]) + ("; and more" if len(places) > 5 else "")
    return f"The request was refused because some fields are not right: {shown}."


def create_app(database_url: str, *, enrol_limiter: EnrolLimiter | None = None) -> FastAPI:
    """The team API over the PostgreSQL at ``database_url`` (its schema made by ``team init``)."""
    app = FastAPI(title="ycworker team server", version=str(p.PROTOCOL), docs_url=None, redoc_url=None)
    engine = make_engine(database_url, pool_size=5, max_overflow=10)
    app.state.engine = engine
    limiter = enrol_limiter or EnrolLimiter()
    app.state.enrol_limiter = limiter

    @app.exception_handler(_Answer)
    async def _answer(request: Request, exc: _Answer) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> JSONResponse:
        return JSONResponse({"detail": exc.sentence}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = {404: "There is no such address on the team server.",
                  405: "That address does not take this kind of request."}.get(
            exc.status_code, "The team server refused the request.")
        return JSONResponse({"detail": detail}, status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        ref = secrets.token_hex(4)
        log.exception("unexpected failure, reference %s", ref)
        detail = ("The team server met a problem it did not expect; nothing from this request was kept. "
                  f"Try again later (reference {ref}).")
        return JSONResponse({"detail": detail}, status_code=500)

    def _version(request: Request) -> int:
        raw = request.headers.get(p.PROTOCOL_HEADER)
        if raw is None or not raw.strip().isdigit() or int(raw) < p.PROTOCOL - 1:
            raise _Answer(426, TOO_OLD)
        version = int(raw)
        if version > p.PROTOCOL:
            raise _Answer(400, "This laptop's ycworker is newer than the team server: ask whoever runs the "
                               "server to upgrade it.")
        return version

    async def _body(request: Request, model: type[M]) -> M:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            raise _Answer(413, TOO_LARGE)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise _Answer(413, TOO_LARGE)
            chunks.append(chunk)
        try:
            return model.model_validate_json(b"".join(chunks))
        except ValidationError as e:
            raise _Answer(422, _sentence_for(e)) from None

    async def _caller(request: Request) -> service.Caller:
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _Answer(401, service.SENTENCE_NO_DEVICE, {"WWW-Authenticate": "Bearer"})
        return await run_in_threadpool(service.authenticate, engine, token.strip())

    async def _call(fn: Callable[..., Any], *args: Any) -> Any:
        return await run_in_threadpool(fn, engine, *args)

    def _json(model: BaseModel) -> JSONResponse:
        return JSONResponse(model.model_dump(mode="json"))

    @app.post("/v1/enrol")
    async def enrol(request: Request) -> JSONResponse:
        _version(request)
        address = request.client.host if request.client else "unknown"
        wait = limiter.blocked(address)
        if wait > 0:
            raise _Answer(429, TOO_MANY, {"Retry-After": str(int(wait) + 1)})
        req = await _body(request, p.EnrolRequest)
        try:
            return _json(await _call(service.enrol, req))
        except Refused:
            await asyncio.sleep(limiter.failed(address))
            raise

    @app.post("/v1/push")
    async def push(request: Request) -> JSONResponse:
        _version(request)
        caller = await _caller(request)
        req = await _body(request, p.PushRequest)
        return _json(await _call(service.push, caller, req))

    @app.post("/v1/pull")
    async def pull(request: Request) -> JSONResponse:
        _version(request)
        caller = await _caller(request)
        req = await _body(request, p.PullRequest)
        return _json(await _call(service.pull, caller, req))

    @app.post("/v1/resolve")
    async def resolve(request: Request) -> JSONResponse:
        _version(request)
        caller = await _caller(request)
        req = await _body(request, p.ResolveRequest)
        if req.keep == "typed" and req.value is None:
            raise _Answer(422, "The request was refused because some fields are not right: value (missing "
                               "for keep=typed).")
        return _json(await _call(service.resolve, caller, req))

    @app.post("/v1/erase")
    async def erase(request: Request) -> JSONResponse:
        _version(request)
        caller = await _caller(request)
        req = await _body(request, EraseRequest)
        n = await _call(service.erase, caller, req.carer_id)
        return JSONResponse({"erased": n})

    @app.post("/v1/team")
    async def team(request: Request) -> JSONResponse:
        """A manager's laptop: every laptop's last sync and waiting changes (issue 16)."""
        _version(request)
        caller = await _caller(request)
        await _body(request, p.TeamRequest)
        return _json(await _call(service.team, caller))

    @app.get("/v1/status")
    async def status(request: Request) -> JSONResponse:
        return JSONResponse(await _call(service.status))

    _ = (enrol, push, pull, resolve, erase, team, status)
    return app

