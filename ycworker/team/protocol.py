"""The team sync protocol: the JSON bodies a laptop and the team server exchange (version 1).

Shared by the server (``ycworker.team.server``) and the laptop's client (``ycworker.team.client``),
so the two can never disagree on a field's name or type. Pydantic models with ``extra="forbid"``:
an unknown field is refused (422), never ignored.

Every request carries ``X-Ycworker-Protocol: <int>``; the server accepts ``PROTOCOL`` and
``PROTOCOL - 1`` and answers 426 to anything older. Every request but ``/v1/enrol`` carries
``Authorization: Bearer <device token>``.

Values are JSON text as the laptop stores them in ``team_change.value`` (``db.models.team``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

PROTOCOL = 1
PROTOCOL_HEADER = "X-Ycworker-Protocol"
#: The most changes one push may carry, and the most one pull returns.
MAX_BATCH = 500
#: A laptop clock further than this from the server's is told it is wrong (it decides nothing).
CLOCK_WARNING_SECONDS = 300

Id = str  # 32 lowercase hex digits (db.models.base.new_id)
Outcome = Literal["applied", "conflict", "refused"]
Role = Literal["worker", "manager"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkerInfo(Strict):
    id: Id = Field(max_length=32)
    name: str = Field(max_length=200)
    role: Role
    removed: bool = False


class EnrolRequest(Strict):
    code: str = Field(max_length=64)
    device_name: str = Field(default="", max_length=200)


class EnrolResponse(Strict):
    device_id: Id
    device_token: str
    worker: WorkerInfo
    service_name: str
    #: Hex of the service's pseudonym secret (returns give a person one pseudonym service-wide).
    pseudonym_secret: str
    workers: list[WorkerInfo]


class Change(Strict):
    """One queued change (a row of ``team_change``)."""

    id: Id = Field(max_length=32)
    entity: str = Field(max_length=64)
    record_id: Id = Field(max_length=32)
    field: str = Field(max_length=64)  # a column, "*" (a new record: value is all its columns) or "-"
    value: str | None = Field(default=None, max_length=200_000)
    base_value: str | None = Field(default=None, max_length=200_000)
    base_rev: int | None = None
    made_at: datetime


class PushRequest(Strict):
    changes: list[Change] = Field(max_length=MAX_BATCH)
    laptop_time: datetime
    #: Changes still waiting on the laptop after this batch (shown on the manager's Team view).
    waiting: int = 0


class ConflictInfo(Strict):
    id: Id
    change_id: Id
    entity: str
    record_id: Id
    field: str
    server_value: str | None
    server_by: str | None
    server_at: datetime | None
    laptop_value: str | None
    laptop_by: str | None
    laptop_at: datetime | None
    base_value: str | None


class ChangeOutcome(Strict):
    id: Id
    outcome: Outcome
    rev: int | None = None  # the record's revision after an applied change
    reason: str | None = None  # a sentence for the worker when refused
    conflict: ConflictInfo | None = None


class PushResponse(Strict):
    outcomes: list[ChangeOutcome]
    server_time: datetime
    clock_warning: str | None = None


class PullRequest(Strict):
    cursor: int = Field(default=0, ge=0)
    limit: int = Field(default=MAX_BATCH, ge=1, le=MAX_BATCH)


class PulledChange(Strict):
    seq: int
    entity: str
    record_id: Id
    field: str  # a column, "*" (the whole record), "-" (deleted) or "erased" (a tombstone)
    value: str | None
    rev: int
    by: str | None
    at: datetime


class PullResponse(Strict):
    changes: list[PulledChange]
    cursor: int
    more: bool
    #: Records that left this laptop's scope (a case moved to another worker): drop them.
    drop: list[tuple[str, Id]] = []
    workers: list[WorkerInfo] = []
    conflicts: list[ConflictInfo] = []


class ResolveRequest(Strict):
    conflict_id: Id
    keep: Literal["server", "laptop", "typed"]
    value: str | None = Field(default=None, max_length=200_000)


class ResolveResponse(Strict):
    outcome: Outcome
    rev: int | None = None
    reason: str | None = None


class TeamRequest(Strict):
    """``POST /v1/team``: a manager's laptop asks how every laptop of the team stands (no fields)."""


class DeviceReport(Strict):
    """One enrolled laptop as the server last heard from it."""

    device_id: Id
    worker_id: Id
    name: str = ""
    enrolled_at: datetime
    #: The server's clock when the laptop last pushed or pulled (None: never synced).
    last_sync_at: datetime | None = None
    #: Changes still waiting on the laptop, as it reported at its last push.
    waiting: int = 0
    removed: bool = False


class TeamResponse(Strict):
    server_time: datetime
    workers: list[WorkerInfo]
    devices: list[DeviceReport]


class ErrorBody(Strict):
    """Every 4xx answer: a sentence a worker or manager can act on."""

    detail: str


# -- the service's return, built on the server for a manager's laptop (POST /v1/return) ---------


class ReturnRequest(Strict):
    """The period to build the return for (a quarter's label, or two dates)."""

    label: str = Field(max_length=40)
    #: A return covers the service's working years: a date outside them is a mistyped request.
    start: date = Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))
    end: date = Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))


class ReturnFile(Strict):
    """One file of the return folder, exactly as the server built it (base64 of its bytes)."""

    name: str = Field(max_length=100)
    data: str
    rows: int


class DeviceSync(Strict):
    """A laptop enrolled with the service and when it last synced (None: never)."""

    worker: str
    device: str
    last_sync: datetime | None


class ReturnResponse(Strict):
    """The return's files (manifest last), the figures behind them (the laptop's ``KpiReport`` as
    JSON, for the figures screen and drill-down), where the change log was, and each laptop's
    last sync (for the warning before export)."""

    folder_name: str
    made_at: datetime
    today: date
    change_log_position: int
    service_name: str
    files: list[ReturnFile]
    report: dict[str, Any]
    devices: list[DeviceSync] = []


class DevicesResponse(Strict):
    """Each laptop's last sync (manager only: POST /v1/devices)."""

    devices: list[DeviceSync]
    change_log_position: int
