"""Signposting as data (0012): the organisations the service signposts to (a list the service keeps,
held by every laptop), and each time a young carer was signposted to one (date, outcome).
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, Index

from db.models.base import Record


class Organisation(Record, table=True):
    """An organisation on the service's signposting list (Kooth, a counselling service, a food bank)."""

    __tablename__ = "signposting_organisation"
    name: str = Field(unique=True)
    kind: str = ""  # e.g. "online counselling", "food bank"
    active: bool = True


class Signposting(Record, table=True):
    """A young carer signposted to an organisation on the list."""

    __tablename__ = "signposting"
    __table_args__ = (Index("ix_signposting_carer", "carer_id", "signposted_date"),
                      Index("ix_signposting_date", "signposted_date", "organisation_id"))
    carer_id: str = Field(foreign_key="carer.id")
    organisation_id: str = Field(foreign_key="signposting_organisation.id")
    signposted_date: date
    outcome: str = "referred"  # referred | engaged | waiting_list | declined | not_known
    note: str = ""
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
