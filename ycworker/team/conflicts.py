"""Conflicts a person settles: two values for one field; the server kept its own.

``resolve`` settles one here at once (the record shows the value kept, the choice is audited) and
keeps the choice in ``team.pending_resolves`` until the server has it: sent at once when the
server can be reached, else at the next sync.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from db import outbox
from db.engine import Store
from db.models.team import TeamConflict
from ycworker.common import audit, settings
from ycworker.common.context import Context
from ycworker.common.errors import FieldError, UserError
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


# -- the Conflicts screen: what a worker may settle, and each choice as one call -------------------


@dataclass(frozen=True)
class ConflictView:
    """One conflict as the Conflicts screen shows it: values as text, people by name."""

    id: str
    carer_ref: str | None
    person: str | None  # the carer's name (None when the record is no carer's)
    entity: str
    record_id: str
    field: str
    label: str
    server_value: str
    server_by: str | None
    server_at: datetime | None
    laptop_value: str
    laptop_by: str | None
    laptop_at: datetime | None
    base_value: str
    typed_allowed: bool


def shown(value: Any) -> str:
    """A field's value as a worker reads it: "(empty)", yes/no, dates as DD/MM/YYYY."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return f"{date.fromisoformat(value):%d/%m/%Y}"
        except ValueError:
            return value
    return str(value)


def _label(entity: str, field: str) -> str:
    from ycworker.caseload import carers

    if entity == "carer" and field in carers.PROFILE_FIELDS:
        return carers.PROFILE_FIELDS[field]
    words = field.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:] if entity == "carer" else f"{entity.replace('_', ' ')}: {words}"


def _owner(session: Session, entity: str, record_id: str) -> tuple[str | None, bool, str | None, str | None]:
    """(carer id, held here, the carer's worker id, the carer's name) of a record."""
    conn = session.connection()
    carer = SQLModel.metadata.tables["carer"]
    carer_id: str | None = record_id if entity == "carer" else None
    table = SQLModel.metadata.tables.get(entity)
    if carer_id is None and table is not None and "carer_id" in table.c:
        carer_id = conn.execute(select(table.c.carer_id).where(table.c.id == record_id)).scalar()
        gone = conn.execute(select(table.c.id).where(table.c.id == record_id)).first() is None
        if carer_id is None and gone:
            return None, False, None, None  # the record is no longer on this laptop
    if carer_id is None:
        return None, True, None, None
    row = conn.execute(select(carer.c.worker_id, carer.c.first_name, carer.c.last_name)
                       .where(carer.c.id == carer_id)).first()
    if row is None:
        return carer_id, False, None, None
    return carer_id, True, row.worker_id, f"{row.first_name} {row.last_name}".strip()


def _may_settle(worker_id: str | None, manager: bool, conflict: TeamConflict, held: bool,
                owner: str | None, carer_id: str | None) -> bool:
    """A manager settles any; a worker those on their own cases, and on a record that is no
    carer's when the edit was theirs. One on a record no longer held goes to the manager."""
    if manager:
        return True
    if not held or worker_id is None:
        return False
    if carer_id is not None:
        return owner == worker_id
    return conflict.laptop_by == worker_id


def to_settle(store: Store, worker_id: str | None, manager: bool) -> list[ConflictView]:
    """The open conflicts this worker may settle, oldest first."""
    from db.models import Worker

    with store.read() as session:
        names = {w.id: w.name for w in session.exec(select(Worker)).all()}
        rows = session.exec(select(TeamConflict).where(col(TeamConflict.settled_at).is_(None))
                            .order_by(col(TeamConflict.server_at), col(TeamConflict.id))).all()
        found = []
        for r in rows:
            carer_id, held, owner, person = _owner(session, r.entity, r.record_id)
            if not _may_settle(worker_id, manager, r, held, owner, carer_id):
                continue
            found.append(ConflictView(
                id=r.id, carer_ref=_carer_ref(session, r.entity, r.record_id) if held else None,
                person=person, entity=r.entity, record_id=r.record_id, field=r.field,
                label=_label(r.entity, r.field),
                server_value=shown(_plain(r.server_value)),
                server_by=names.get(r.server_by or "", r.server_by),
                server_at=r.server_at, laptop_value=shown(_plain(r.laptop_value)),
                laptop_by=names.get(r.laptop_by or "", r.laptop_by), laptop_at=r.laptop_at,
                base_value=shown(_plain(r.base_value)),
                typed_allowed=_typed_check(r.entity, r.field) is not None))
        return found


def count_to_settle(store: Store, worker_id: str | None, manager: bool) -> int:
    if manager:
        with store.read() as session:
            return team_sync.open_conflicts(session)
    return len(to_settle(store, worker_id, manager))


def _carer_checks() -> dict[str, Callable[[str, date], Any]]:
    """The record screen's own checks of the carer's fields (``carers.update_field``)."""
    from ycworker.caseload import carers
    from ycworker.common import validators as v

    def text(label: str, *, required: bool = False, limit: int = 100) -> Callable[[str, date], Any]:
        return lambda raw, _today: v.field_text("value", raw, label, required=required, limit=limit)

    return {
        "first_name": text("First name", required=True),
        "last_name": text("Last name", required=True),
        "preferred_name": text("Preferred name"),
        "date_of_birth": lambda raw, today: carers.field_dob("value", raw, today),
        "sex": lambda raw, _t: v.field_choice("value", raw, tuple(carers.SEXES), "Sex", upper=True),
        "ethnicity": lambda raw, _t: v.field_choice("value", raw, carers.ETHNICITIES, "ethnicity code",
                                                    upper=True),
        "disability": lambda raw, _t: v.field_yes_no("value", raw, "Disability"),
        "send": lambda raw, _t: v.field_yes_no("value", raw, "SEND"),
        "fsm": lambda raw, _t: v.field_yes_no("value", raw, "Free school meals"),
        "phone": lambda raw, _t: v.field_phone("value", raw),
        "email": lambda raw, _t: v.field_email("value", raw),
        "caring_tasks": text("Caring tasks", limit=v.MAX_LONG_TEXT),
    }


def _typed_check(entity: str, field: str) -> Callable[[str, date], Any] | None:
    """How a typed value of this field is checked; None when it cannot be typed (an id, a time:
    keep one of the two values)."""
    from ycworker.common import validators as v

    if entity == "carer":
        return _carer_checks().get(field)
    table = team_sync.table_of(entity)
    if table is None or field not in table.c or field == "id" or field.endswith("_id"):
        return None
    column = table.c[field]
    kind_of = column.type
    if isinstance(kind_of, sa.types.TypeDecorator):
        kind_of = kind_of.impl_instance
    try:
        kind = kind_of.python_type
    except NotImplementedError:
        return None
    label = _label(entity, field).split(": ")[-1].capitalize()
    if kind is bool:
        return lambda raw, _t: v.field_yes_no("value", raw, label)
    if kind is date:
        return lambda raw, today: v.field_date("value", raw, today, required=not column.nullable, label=label)
    if kind is str:
        limit = getattr(kind_of, "length", None) or v.MAX_LONG_TEXT
        return lambda raw, _t: v.field_text("value", raw, label, required=not column.nullable, limit=limit)
    if kind is int:
        def whole(raw: str, _today: date) -> int | None:
            text = (raw or "").strip()
            if not text and column.nullable:
                return None
            try:
                return int(text)
            except ValueError:
                raise FieldError("value", f"{label} is a whole number.") from None
        return whole
    return None


def settle(store: Store, conflict_id: str, keep: str, ctx: Context, typed: str | None = None) -> str:
    """One choice on the Conflicts screen: keep the server's value, this laptop's, or a typed one
    (checked as the record screen checks that field; ``FieldError`` on "value" when it is not
    right). Settled here at once, audited, and sent with the next sync. Returns the value kept,
    as shown."""
    value: str | None = None
    if keep == "typed":
        with store.read() as session:
            row = session.get(TeamConflict, conflict_id)
            if row is None:
                raise UserError("That conflict is no longer here: it was settled on another laptop.")
            check = _typed_check(row.entity, row.field)
        if check is None:
            raise FieldError("value", "This field cannot be typed; keep the server's value or this laptop's.")
        value = outbox.encode(check(typed or "", ctx.today))
    kept = resolve(store, conflict_id, keep, by=ctx.worker_id, value=value)
    return shown(_plain({"server": kept.server_value, "laptop": kept.laptop_value, "typed": value}[keep]))
