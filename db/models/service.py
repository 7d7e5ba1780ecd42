"""Service activity the return counts: awareness, training, feedback, Triple C, safeguarding, bus passes."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field

from db.models.base import Record


class AwarenessSession(Record, table=True):
    __tablename__ = "awareness_session"
    session_date: date = Field(index=True)
    audience: str = "pupils"  # pupils | school_staff | professionals | community | other
    headcount: int = 0
    school_id: str | None = Field(default=None, foreign_key="school.id")
    district_id: str | None = Field(default=None, foreign_key="district.id")
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    notes: str = ""


class TrainingSession(Record, table=True):
    __tablename__ = "training_session"
    session_date: date = Field(index=True)
    title: str = ""
    audience: str = ""  # e.g. teachers, GPs, social workers
    professionals_trained: int = 0
    worker_id: str | None = Field(default=None, foreign_key="worker.id")


class Feedback(Record, table=True):
    """A satisfaction response (KPI 6)."""

    feedback_date: date = Field(index=True)
    carer_id: str | None = Field(default=None, foreign_key="carer.id")
    satisfied: bool
    comment: str = ""
    source: str = ""  # review | survey | event


class TripleCEntry(Record, table=True):
    """The Compliments, Comments and Complaints log."""

    __tablename__ = "triple_c_entry"
    entry_date: date = Field(index=True)  # when it was received
    kind: str  # compliment | comment | complaint
    # young_carer | parent_carer | professional | school | other | "" (0006)
    received_from: str = ""
    theme: str = ""
    detail: str = ""
    response: str = ""
    responded_date: date | None = None
    worker_id: str | None = Field(default=None, foreign_key="worker.id")  # who logged it (0006)


class SafeguardingEntry(Record, table=True):
    """The safeguarding themes log (no names in the return)."""

    __tablename__ = "safeguarding_entry"
    entry_date: date = Field(index=True)
    theme: str
    action: str = ""
    carer_id: str | None = Field(default=None, foreign_key="carer.id")
    worker_id: str | None = Field(default=None, foreign_key="worker.id")


class BusPass(Record, table=True):
    __tablename__ = "bus_pass"
    carer_id: str = Field(foreign_key="carer.id", index=True)
    applied_date: date = Field(index=True)  # index 0006
    issued_date: date | None = None
