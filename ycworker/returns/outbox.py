"""The sealed returns in the outbox: who sealed each, for which period, and where it was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from db.models import SealedReturn, Worker


@dataclass(frozen=True)
class ReturnRow:
    id: str
    label: str
    period_start: date
    period_end: date
    folder_name: str
    path: str
    made_at: datetime
    made_by: str
    synced_to: str
    synced_at: datetime | None


def list_returns(session: Session) -> list[ReturnRow]:
    """Every sealed return, newest first."""
    sealed, workers = sa.inspect(SealedReturn).local_table, sa.inspect(Worker).local_table
    t, w = sealed.c, workers.c
    q = (sa.select(t.id, t.label, t.period_start, t.period_end, t.folder_name, t.path, t.created_at,
                   w.name, t.synced_to, t.synced_at)
         .select_from(sealed.outerjoin(workers, t.made_by_id == w.id))
         .order_by(t.created_at.desc(), t.folder_name.desc()))
    return [ReturnRow(*row[:7], row[7] or "", row[8] or "", row[9])
            for row in session.connection().execute(q)]
