"""The laptop's side of team sync: the queue of changes waiting for the server, the server's
revision of each record this laptop holds, and the conflicts a person settles.

These tables are local bookkeeping (never synced themselves). ``team_change`` is written in the
same SQLite transaction as the edit it records (``db.outbox`` fills it from the ORM's flush), so
a committed edit always has its queued change and a crash loses neither. Values are JSON text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.models.base import new_id, utcnow

#: ``team_change.field`` of a new record: ``value`` is a JSON object of all its columns.
NEW_RECORD = "*"
#: ``team_change.field`` of a deleted row: ``value`` is null.
DELETED = "-"


class TeamChange(SQLModel, table=True):
    """One change to one field of one record, waiting for (or settled by) the team server.

    ``status``: ``waiting`` (never sent; a later edit of the same field collapses into it),
    ``sending`` (sent, outcome not yet known: resent unchanged under the same id), then one of
    ``applied``, ``conflict``, ``refused`` (with ``reason``).
    """

    __tablename__ = "team_change"
    __table_args__ = (Index("ix_team_change_field", "entity", "record_id", "field", "status"),)
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)  # the change id
    entity: str  # table name
    record_id: str = Field(max_length=32)
    field: str  # column name, NEW_RECORD or DELETED
    value: str | None = None  # JSON text
    base_value: str | None = None  # JSON text: the value the edit started from
    base_rev: int | None = None  # the server's revision of the record this edit was based on
    made_at: datetime = Field(default_factory=utcnow)  # laptop clock: shown, never used for order
    worker_id: str | None = None
    status: str = Field(default="waiting", index=True)
    reason: str | None = None
    settled_at: datetime | None = None


class TeamRevision(SQLModel, table=True):
    """The server's revision of a record, as this laptop last saw it (pulled or pushed)."""

    __tablename__ = "team_revision"
    entity: str = Field(primary_key=True)
    record_id: str = Field(primary_key=True, max_length=32)
    rev: int


class TeamConflict(SQLModel, table=True):
    """Two values for one field: the server kept its own; a person chooses."""

    __tablename__ = "team_conflict"
    id: str = Field(primary_key=True, max_length=32)  # the server's conflict id
    change_id: str = Field(max_length=32)
    entity: str
    record_id: str = Field(max_length=32)
    field: str
    server_value: str | None = None
    server_by: str | None = None
    server_at: datetime | None = None
    laptop_value: str | None = None
    laptop_by: str | None = None
    laptop_at: datetime | None = None
    base_value: str | None = None
    settled_at: datetime | None = Field(default=None, index=True)
    settled_by: str | None = None
    choice: str | None = None  # server | laptop | typed
