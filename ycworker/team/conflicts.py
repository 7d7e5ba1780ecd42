"""Conflicts a person settles: two values for one field; the server kept its own.

``resolve`` settles one here at once (the record shows the value kept, the choice is audited) and
keeps the choice in ``team.pending_resolves`` until the server has it: sent at once when the
server can be reached, else at the next sync.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from db import outbox
from db.engine import Store
from db.models.team import TeamConflict
from ycworker.common import audit, settings
from ycworker.common.errors import UserError
from ycworker.team import sync as team_sync
from ycworker.team.client import TeamClient, TeamError

CHOICES = ("server", "laptop", "typed")


@dataclass(frozen=True)
class ConflictLine:
    id: str
    carer_ref: str | None
    entity: str
    record_id: str
    field: str
    server_value: Any
    laptop_value: Any
    base_value: Any

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "carer_ref": self.carer_ref, "field": self.field,
                "server_value": self.server_value, "laptop_value": self.laptop_value,
                "base_value": self.base_value}


def _plain(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _carer_ref(session: Session, entity: str, record_id: str) -> str | None:
    """The reference of the carer a record belongs to (the carer itself, or its ``carer_id``)."""
    conn = session.connection()
    carer = SQLModel.metadata.tables["carer"]
    carer_id: str | None = record_id if entity == "carer" else None
    table = SQLModel.metadata.tables.get(entity)
    if carer_id is None and table is not None and "carer_id" in table.c:
        carer_id = conn.execute(select(table.c.carer_id).where(table.c.id == record_id)).scalar()
    if carer_id is None:
        return None
    return conn.execute(select(carer.c.carer_ref).where(carer.c.id == carer_id)).scalar()


def open_conflicts(store: Store) -> list[ConflictLine]:
    with store.read() as session:
        rows = session.exec(select(TeamConflict).where(col(TeamConflict.settled_at).is_(None))
                            .order_by(col(TeamConflict.server_at), col(TeamConflict.id))).all()
        return [ConflictLine(r.id, _carer_ref(session, r.entity, r.record_id), r.entity, r.record_id,
                             r.field, _plain(r.server_value), _plain(r.laptop_value), _plain(r.base_value))
                for r in rows]


def resolve(store: Store, conflict_id: str, keep: str, *, by: str | None,
            value: str | None = None) -> TeamConflict:
    """Settle a conflict here: the record takes the kept value (not queued: the choice goes to the
    server as a resolve), the choice is audited and waits to be sent. ``value`` (JSON text) only
    with ``keep="typed"``."""
    if keep not in CHOICES:
        raise UserError("Keep the server's value or this laptop's.")
    if keep == "typed" and value is None:
        raise UserError("Type the value to keep.")
    with store.write() as session:
        conflict = session.get(TeamConflict, conflict_id.strip())
        if conflict is None:
            raise UserError("There is no conflict with that id: see ycworker team conflicts.")
        if conflict.settled_at is not None:
            raise UserError("That conflict was settled already.")
        kept = {"server": conflict.server_value, "laptop": conflict.laptop_value, "typed": value}[keep]
        table = team_sync.table_of(conflict.entity)
        if table is not None and conflict.field in table.c:
            with outbox.applying_pulled(session):
                session.connection().execute(table.update().where(table.c.id == conflict.record_id).values(
                    {conflict.field: outbox.decode(table.c[conflict.field], kept)}))
        conflict.settled_at = team_sync.now()
        conflict.settled_by = by
        conflict.choice = keep
        session.add(conflict)
        pending = [p for p in team_sync.pending_resolves(session) if p["conflict_id"] != conflict.id]
        pending.append({"conflict_id": conflict.id, "keep": keep, "value": value})
        settings.put(session, team_sync.PENDING_RESOLVES, json.dumps(pending))
        audit.record(session, "update", "team_conflict", conflict.id, by)
        return conflict


def send_now(store: Store, client: TeamClient | None = None) -> str | None:
    """Send settled conflicts now. Returns None when sent, else the sentence why they wait."""
    own = client is None
    try:
        if client is None:
            client = team_sync.connect(store)
        team_sync.send_resolves(store, client)
        return None
    except TeamError as exc:
        return exc.sentence
    finally:
        if own and client is not None:
            client.close()
