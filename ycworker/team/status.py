"""This laptop's team sync at a glance: the server, the last sync, changes waiting, open
conflicts, the clock warning. Cheap queries (a few settings and two counts), for ``team status``
and the footer; no network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select

from db.engine import Store
from db.models.team import TeamChange
from ycworker.common import settings
from ycworker.team import conflicts as team_conflicts
from ycworker.team import sync as team_sync


@dataclass(frozen=True)
class TeamStatus:
    server: str | None
    last_sync: str | None
    waiting: int
    conflicts: int
    clock_warning: str | None

    @property
    def enrolled(self) -> bool:
        return self.server is not None

    def as_dict(self) -> dict:
        return asdict(self)


def status(store: Store) -> TeamStatus:
    with store.read() as session:
        server = settings.get(session, team_sync.URL) or None
        waiting = session.exec(select(sa.func.count()).select_from(TeamChange)
                               .where(col(TeamChange.status).in_(team_sync.PENDING))).one()
        return TeamStatus(
            server=server,
            last_sync=settings.get(session, team_sync.LAST_SYNC) or None,
            waiting=int(waiting),
            conflicts=team_sync.open_conflicts(session),
            clock_warning=settings.get(session, team_sync.CLOCK) or None,
        )


# -- the line the App shows (header) --------------------------------------------------------------


@dataclass(frozen=True)
class StatusLine:
    """What the App shows of team sync: ``text`` ("synced 2 h ago · 14 changes waiting ·
    1 conflict") and the count of conflicts this worker may settle."""

    text: str
    conflicts: int


def ago(last: str | None, now: datetime) -> str:
    """ "synced 2 h ago" from the ISO time of the last sync; "never synced" without one."""
    if not last:
        return "never synced"
    try:
        then = datetime.fromisoformat(last)
    except ValueError:
        return "never synced"
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = max(0.0, (now - then).total_seconds())
    if seconds < 60:
        return "synced just now"
    if seconds < 3600:
        return f"synced {int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"synced {int(seconds // 3600)} h ago"
    return f"synced {int(seconds // 86400)} days ago"


def describe(st: TeamStatus, conflicts: int, now: datetime, *, resolves_waiting: int = 0) -> str:
    waiting = st.waiting + resolves_waiting
    parts = [ago(st.last_sync, now), f"{waiting:,} change{'' if waiting == 1 else 's'} waiting"]
    if conflicts:
        parts.append(f"{conflicts:,} conflict{'' if conflicts == 1 else 's'}")
    return " · ".join(parts)


def line(store: Store, *, worker_id: str | None, manager: bool,
         now: datetime | None = None) -> StatusLine | None:
    """The App's status line; None when this laptop never joined a team (then nothing of team
    sync is shown). A few settings and three counts: cheap enough after every save."""
    st = status(store)
    if not st.enrolled:
        return None
    with store.read() as session:
        resolves = len(team_sync.pending_resolves(session))
    mine = team_conflicts.count_to_settle(store, worker_id, manager) if st.conflicts else 0
    return StatusLine(describe(st, mine, now or team_sync.now(), resolves_waiting=resolves), mine)


_COMMITTED = "ycw_committed_since_checkout"  # a connection's mark: a commit to report


def watch_commits(store: Store, saved: Callable[[], None]) -> Callable[[], None]:
    """Call ``saved()`` after each committed write to the store, once the commit is on disk (from
    the writing thread; it should only note that the status line is stale). Returns the function
    that stops it.

    SQLAlchemy's ``commit`` event runs *before* the driver commits, so a status read started from
    it could still see the old figures and the line would stay stale: the event only marks the
    connection, and ``saved()`` is called when the connection goes back to the pool, committed."""

    def on_commit(conn: sa.Connection) -> None:
        conn.info[_COMMITTED] = True

    def on_checkin(_dbapi: Any, record: Any) -> None:
        if record is not None and record.info.pop(_COMMITTED, False):
            saved()

    sa.event.listen(store.engine, "commit", on_commit)
    sa.event.listen(store.engine, "checkin", on_checkin)

    def stop() -> None:
        for name, fn in (("commit", on_commit), ("checkin", on_checkin)):
            if sa.event.contains(store.engine, name, fn):
                sa.event.remove(store.engine, name, fn)

    return stop
