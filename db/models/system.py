"""The audit log, the export outbox and the store's own settings."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from db.models.base import Record, utcnow


class AuditEntry(Record, table=True):
    """Append-only: who did what to which record, when. No personal data."""

    __tablename__ = "audit_log"
    at: datetime = Field(default_factory=utcnow, index=True)
    worker_id: str | None = None
    action: str  # view | create | update | export | erase | unlock | failed_unlock | ...
    entity: str = ""  # table name
    record_id: str = ""


class SealedReturn(Record, table=True):
    """A commissioner's return in the local outbox. Sealed once written; never edited."""

    __tablename__ = "sealed_return"
    label: str  # e.g. 2025-26-Q2
    period_start: date
    period_end: date
    folder_name: str = Field(unique=True)
    path: str  # where the sealed copy lives in the outbox
    manifest_sha256: str
    made_by_id: str | None = Field(default=None, foreign_key="worker.id")
    synced_to: str = ""
    synced_at: datetime | None = None


class Setting(SQLModel, table=True):
    """Key/value settings kept inside the encrypted store (e.g. the pseudonym secret)."""

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime = Field(default_factory=utcnow)
