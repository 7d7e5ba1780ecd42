"""The team server's HTTP API (FastAPI): ``create_app(database_url)``.

Every 4xx answer is ``{"detail": sentence}``; an unexpected failure is a 500 with a generic sentence
and a reference that is logged with the traceback (never the exception's text). Bodies are read
and validated here (at most ``MAX_BODY`` bytes; strict pydantic models of ``protocol``) before any
database work, so a refused request writes nothing.

The bodies are read by hand (for the 413 before reading and the one-sentence 422), so each route
declares its request body, its answers and the protocol header in the OpenAPI description itself
(``_route``), from the same pydantic models: the description is what schemathesis tests the app
against (tests/team/test_server_schemathesis.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from db.server.migrate import make_engine
from db.server.tables import device
from ycworker.team import protocol as p
from ycworker.team.server import service
from ycworker.team.server import service_return as service_return_
from ycworker.team.server.enrol_limit import EnrolLimiter, StoredEnrolLimiter
from ycworker.team.server.errors import Refused

log = logging.getLogger("ycworker.team.server")

MAX_BODY = 8 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)

TOO_OLD = ("This version of ycworker is too old for the team server: upgrade it, then sync again "
           "(nothing waiting on this laptop is lost).")
TOO_LARGE = "The request is too large for the team server; send fewer changes at once."
TOO_MANY = ("Too many wrong enrolment codes from this address; wait a minute and try again with the code "
            "exactly as a manager gave it.")


class EraseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    carer_id: str = Field(max_length=32)


class EraseResponse(BaseModel):
    erased: int


class StatusResponse(BaseModel):
    service: str | None
    protocol: int
    server_time: str


#: What each refusal means, for the OpenAPI description (the body is always ``ErrorBody``).
REFUSALS = {
    400: "The laptop's protocol is newer than the server's.",
    401: "No device token, or a removed worker's or device's (for /v1/enrol: a wrong code).",
    403: "The device's worker may not do this.",
    404: "No such conflict.",
    413: f"The body is larger than {MAX_BODY} bytes.",
    422: "The body is not valid JSON or not this request's fields and types.",
    426: "The laptop's protocol is too old: it must upgrade (nothing it queued is lost).",
    429: "Too many wrong enrolment codes from this address.",
}
DEVICE_REFUSALS = (400, 401, 413, 422, 426)


class _Answer(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        self.status, self.detail, self.headers = status, detail, headers


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


def _has_nul(value: Any) -> bool:
    """Whether a NUL character hides in any text of a parsed body (PostgreSQL text cannot hold one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def create_app(database_url: str, *, enrol_limiter: EnrolLimiter | None = None,
               protocol: int | None = None) -> FastAPI:
    """The team API over the PostgreSQL at ``database_url`` (its schema made by ``team init``).

    ``protocol`` is the protocol version this server speaks (by default ``protocol.PROTOCOL``; the
    tests give another to play a server upgrade): it accepts that and the one before, and answers
    426 to older.
    """

    def speaks() -> int:
        return p.PROTOCOL if protocol is None else protocol

    app = FastAPI(title="ycworker team server", version=str(speaks()), docs_url=None, redoc_url=None)
    engine = make_engine(database_url, pool_size=5, max_overflow=10)
    app.state.engine = engine
    limiter = enrol_limiter or StoredEnrolLimiter(engine)
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
        if raw is None or not raw.strip().isdigit() or int(raw) < speaks() - 1:
            raise _Answer(426, TOO_OLD)
        version = int(raw)
        if version > speaks():
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
            parsed = model.model_validate_json(b"".join(chunks))
        except ValidationError as e:
            raise _Answer(422, _sentence_for(e)) from None
        if _has_nul(parsed.model_dump()):
            raise _Answer(422, "The request was refused because some text in it holds a NUL character "
                               "(code 0), which the team server cannot keep.")
        return parsed

    async def _caller(request: Request) -> service.Caller:
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _Answer(401, service.SENTENCE_NO_DEVICE, {"WWW-Authenticate": "Bearer"})
        return await run_in_threadpool(service.authenticate, engine, token.strip())

    async def _call(fn: Callable[..., Any], *args: Any) -> Any:
        return await run_in_threadpool(fn, engine, *args)

    #: Whether the schema has ``device.protocol_version`` (migration 0002), learnt at the first
    #: device request: on a database still one revision behind, this app serves without noting
    #: versions (so the schema can be upgraded live before the app restarts).
    notes_versions: list[bool] = []

    def _note_version(device_id: str, version: int) -> None:
        if not notes_versions:
            with engine.connect() as conn:
                notes_versions.append("protocol_version" in {
                    c["name"] for c in sa.inspect(conn).get_columns("device")})
            if not notes_versions[0]:
                log.warning("The team server's database is older than this server: run `ycworker team "
                            "init` to upgrade it (laptops' protocol versions are not recorded until then).")
        if notes_versions[0]:
            with engine.begin() as conn:
                conn.execute(device.update().where(
                    device.c.id == device_id, device.c.protocol_version.is_distinct_from(version))
                    .values(protocol_version=version))

    async def _accept(request: Request, model: type[M]) -> tuple[service.Caller, M]:
        """What every device's request goes through, in this order (so the cheapest refusal
        answers first and nothing is read for a refused caller): the protocol version (426/400),
        the device token (401), the body (413/422). The device's protocol version is noted."""
        version = _version(request)
        caller = await _caller(request)
        body = await _body(request, model)
        await run_in_threadpool(_note_version, caller.device_id, version)
        return caller, body

    def _json(model: BaseModel) -> JSONResponse:
        return JSONResponse(model.model_dump(mode="json"))

    bodies: list[type[BaseModel]] = []

    def _route(path: str, body: type[BaseModel] | None, answer: type[BaseModel], *refusals: int,
               auth: bool = True) -> Callable[[Callable[..., Any]], Any]:
        """``app.post`` with the OpenAPI description of what the handler reads by hand: its body
        (``body``'s JSON schema), the protocol header, the device token and the refusals."""
        extra: dict[str, Any] = {
            "parameters": [{"name": p.PROTOCOL_HEADER, "in": "header", "required": True,
                            "description": "The laptop's protocol version: this server's or the one before.",
                            "schema": {"type": "integer", "minimum": speaks() - 1, "maximum": speaks()}}],
            "security": [{"device": []}] if auth else [],
        }
        if body is not None:
            bodies.append(body)
            extra["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{body.__name__}"}}}}
        codes = sorted({*((*DEVICE_REFUSALS, *refusals) if auth else refusals)})
        responses: dict[int | str, dict[str, Any]] = {
            code: {"model": p.ErrorBody, "description": REFUSALS[code]} for code in codes}
        return app.post(path, response_model=answer, responses=responses, openapi_extra=extra)

    def _openapi() -> dict[str, Any]:
        """FastAPI's description, with the request bodies' schemas and the device token scheme."""
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        components = schema.setdefault("components", {})
        known = components.setdefault("schemas", {})
        for model in bodies:
            described = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, part in {**described.pop("$defs", {}), model.__name__: described}.items():
                if known.setdefault(name, part) != part:
                    raise AssertionError(f"two schemas named {name} in the team API's description")
        components["securitySchemes"] = {"device": {"type": "http", "scheme": "bearer",
                                                    "description": "The device token enrolment gave."}}
        app.openapi_schema = schema
        return schema

    app.openapi = _openapi  # type: ignore[method-assign]

    @_route("/v1/enrol", p.EnrolRequest, p.EnrolResponse, 400, 401, 413, 422, 426, 429, auth=False)
    async def enrol(request: Request) -> JSONResponse:
        _version(request)
        address = request.client.host if request.client else "unknown"
        wait = await run_in_threadpool(limiter.blocked, address)
        if wait > 0:
            raise _Answer(429, TOO_MANY, {"Retry-After": str(int(wait) + 1)})
        req = await _body(request, p.EnrolRequest)
        try:
            return _json(await _call(service.enrol, req))
        except Refused:
            await asyncio.sleep(await run_in_threadpool(limiter.failed, address))
            raise

    @_route("/v1/push", p.PushRequest, p.PushResponse)
    async def push(request: Request) -> JSONResponse:
        caller, req = await _accept(request, p.PushRequest)
        return _json(await _call(service.push, caller, req))

    @_route("/v1/pull", p.PullRequest, p.PullResponse)
    async def pull(request: Request) -> JSONResponse:
        caller, req = await _accept(request, p.PullRequest)
        return _json(await _call(service.pull, caller, req))

    @_route("/v1/resolve", p.ResolveRequest, p.ResolveResponse, 403, 404)
    async def resolve(request: Request) -> JSONResponse:
        caller, req = await _accept(request, p.ResolveRequest)
        if req.keep == "typed" and req.value is None:
            raise _Answer(422, "The request was refused because some fields are not right: value (missing "
                               "for keep=typed).")
        return _json(await _call(service.resolve, caller, req))

    @_route("/v1/erase", EraseRequest, EraseResponse, 403)
    async def erase(request: Request) -> JSONResponse:
        caller, req = await _accept(request, EraseRequest)
        n = await _call(service.erase, caller, req.carer_id)
        return JSONResponse({"erased": n})

    @_route("/v1/return", p.ReturnRequest, p.ReturnResponse, 403)
    async def service_return(request: Request) -> JSONResponse:
        """A manager's laptop: the quarter's return built from the server's data (service_return)."""
        caller, req = await _accept(request, p.ReturnRequest)
        return _json(await _call(service_return_.build_return, caller, req))

    @_route("/v1/devices", None, p.DevicesResponse, 403)
    async def devices(request: Request) -> JSONResponse:
        """A manager's laptop: each laptop's last sync (the warning before a return is exported)."""
        _version(request)
        caller = await _caller(request)
        return _json(await _call(service_return_.devices, caller))

    @_route("/v1/team", p.TeamRequest, p.TeamResponse, 403)
    async def team(request: Request) -> JSONResponse:
        """A manager's laptop: every laptop's last sync and waiting changes (issue 16)."""
        caller, _req = await _accept(request, p.TeamRequest)
        return _json(await _call(service.team, caller))

    @app.get("/v1/status", response_model=StatusResponse)
    async def status(request: Request) -> JSONResponse:
        return JSONResponse({**await _call(service.status), "protocol": speaks()})

    _ = (enrol, push, pull, resolve, erase, service_return, devices, team, status)
    return app

