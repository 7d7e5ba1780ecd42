"""The manager's view of the team: each worker's caseload and how their laptop stands with the server.

Read from this laptop only (no network on a keypress): the case figures from the carers held here
(a manager's laptop holds the whole service), the laptops' last sync and waiting changes from the
copy the last sync kept (``sync.DEVICES``, what the server reported). One grouped read of the
carer table gives every worker's figures:

- open cases: open, not archived;
- allocations and assessments overdue: the carer's stored pending deadline
  (``carer.deadline_kind`` / ``deadline_date``, the working-day clocks the caseload keeps:
  ``ycworker.caseload.deadlines``) is before today;
- turning 18: the caseload's "turning 18" filter (18th birthday within six months,
  ``search.turning_18_bounds``).

A manager's view only (``reallocate.require_manager``). Reallocation and who sees "everyone" are
the caseload's services (``ycworker.caseload.reallocate``); the screen calls them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from db.models import Carer, Worker
from ycworker.caseload import reallocate
from ycworker.caseload.search import turning_18_bounds
from ycworker.common import settings
from ycworker.common.context import Context
from ycworker.team import protocol
from ycworker.team import sync as team_sync

NOT_SYNCED = "not synced"


@dataclass(frozen=True)
class WorkerLine:
    worker_id: str
    name: str
    role: str
    active: bool
    open_cases: int = 0
    allocations_overdue: int = 0
    assessments_overdue: int = 0
    turning_18: int = 0
    #: The latest sync of any of their laptops (server clock), None when never (or not known).
    last_sync: datetime | None = None
    #: Changes waiting on their laptops as last reported (None: no laptop reported).
    waiting: int | None = None
    laptops: int = 0

    @property
    def label(self) -> str:
        extra = " (manager)" if self.role == "manager" else ""
        return f"{self.name}{extra}" + ("" if self.active else " (left)")


@dataclass
class TeamOverview:
    today: date
    lines: list[WorkerLine] = field(default_factory=list)
    #: Open cases with no worker (support requests not yet allocated) and their overdue allocations.
    unallocated: int = 0
    unallocated_overdue: int = 0
    enrolled: bool = False
    #: When the server's report of the laptops was made (server clock); None: never fetched.
    reported_at: datetime | None = None
    workers_see_everyone: bool = False

    @property
    def open_cases(self) -> int:
        return sum(line.open_cases for line in self.lines) + self.unallocated


def sync_text(line: WorkerLine, today: date) -> str:
    """Last sync as the Team screen shows it: "not synced", "today 14:05", "3 Dec 09:12"."""
    if line.last_sync is None:
        return NOT_SYNCED
    at = line.last_sync if line.last_sync.tzinfo else line.last_sync.replace(tzinfo=UTC)
    local = at.astimezone()
    if local.date() == today:
        return f"today {local:%H:%M}"
    if local.year == today.year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y}"


def sync_text_at(view: TeamOverview) -> str:
    """When the server's report of the laptops was made, as ``sync_text`` shows a time."""
    if view.reported_at is None:
        return NOT_SYNCED
    at = view.reported_at if view.reported_at.tzinfo else view.reported_at.replace(tzinfo=UTC)
    local = at.astimezone()
    return f"today {local:%H:%M}" if local.date() == view.today else f"{local:%d %b %Y %H:%M}"


def waiting_text(line: WorkerLine) -> str:
    return "—" if line.waiting is None else f"{line.waiting:,}"


def _reported(session: Any) -> protocol.TeamResponse | None:
    raw = settings.get(session, team_sync.DEVICES)
    if not raw:
        return None
    try:
        return protocol.TeamResponse.model_validate_json(raw)
    except ValueError:  # a copy this version cannot read: shown as not known, fetched again next sync
        return None


def figures(session: Any, today: date) -> TeamOverview:
    """The team's figures from this laptop's carers and the last report of the laptops."""
    after, by = turning_18_bounds(today)
    overdue = col(Carer.deadline_date) < today
    kind = col(Carer.deadline_kind)
    dob = col(Carer.date_of_birth)
    rows = session.execute(
        sa_select(col(Carer.worker_id), func.count(),
                  func.sum(case((and_(kind == "allocation", overdue), 1), else_=0)),
                  func.sum(case((and_(kind == "assessment", overdue), 1), else_=0)),
                  func.sum(case((and_(dob > after, dob <= by), 1), else_=0)))
        .where(col(Carer.status) == "open", col(Carer.archived_at).is_(None))
        .group_by(col(Carer.worker_id))).all()
    by_worker = {wid: (int(n), int(a or 0), int(s or 0), int(t or 0)) for wid, n, a, s, t in rows}
    out = TeamOverview(today=today, enrolled=team_sync.is_enrolled(session),
                       workers_see_everyone=reallocate.workers_see_everyone(session))
    none = by_worker.pop(None, None)
    if none is not None:
        out.unallocated, out.unallocated_overdue = none[0], none[1]
    report = _reported(session)
    syncs: dict[str, list[protocol.DeviceReport]] = {}
    if report is not None:
        out.reported_at = report.server_time
        for d in report.devices:
            if not d.removed:
                syncs.setdefault(d.worker_id, []).append(d)
    workers = session.exec(select(Worker.id, Worker.name, Worker.role, Worker.active)
                           .order_by(Worker.name)).all()
    for wid, name, role, active in workers:
        counts = by_worker.get(wid)
        if not active and counts is None:
            continue  # a worker who left and holds nothing
        devices = syncs.get(wid, [])
        synced = [d.last_sync_at for d in devices if d.last_sync_at is not None]
        n, a, s, t = counts or (0, 0, 0, 0)
        out.lines.append(WorkerLine(
            worker_id=wid, name=name, role=role, active=bool(active), open_cases=n,
            allocations_overdue=a, assessments_overdue=s, turning_18=t,
            last_sync=max(synced) if synced else None,
            waiting=sum(d.waiting for d in devices) if devices else None, laptops=len(devices)))
    return out


# -- use cases (one per user action) -----------------------------------------------------------------


def team_overview(store: Any, ctx: Context) -> TeamOverview:
    """The Team screen's figures (a manager's view), from this laptop's data only."""
    reallocate.require_manager(store, ctx.worker_id, "see the team's view")
    with store.read() as session:
        return figures(session, ctx.today)
