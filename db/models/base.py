"""Shared column conventions: device-made UUID keys and created/updated stamps.

Several laptops' stores will be merged later, so every key is a UUID made on the
device (never an autoincrement integer) and every row says when it was made and
last changed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def new_id() -> str:
    """A fresh row key: 32 lowercase hex digits of a random UUID."""
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """Now, in UTC, timezone-aware (SQLModel's datetime columns require aware values)."""
    return datetime.now(UTC)


class Record(SQLModel):
    """Columns every table has."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, nullable=False)
