"""This laptop's team sync at a glance: the server, the last sync, changes waiting, open
conflicts, the clock warning. Cheap queries (a few settings and two counts), for ``team status``
and the footer; no network."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from sqlmodel import col, select

from db.engine import Store
from db.models.team import TeamChange
from ycworker.common import settings
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
