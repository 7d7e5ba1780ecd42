"""Safeguarding status on a young carer's record, and the meetings that go with it (0012).

A status is a period: Child in Need, Child Protection or Early Help (Team Around the Family), from
a start date to an end date (open while it lasts). Each change is a new period, so the history is
kept; the status today is the period that covers today. The meetings (a Child in Need meeting, a
Child Protection conference or core group, a Team Around the Family meeting) record who attended
and the actions agreed. Both belong to the carer (``carer_id``): they sync to the carer's worker
and go with the carer on erasure.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, Index

from db.models.base import Record


class SafeguardingStatus(Record, table=True):
    """One period of a safeguarding status (child_in_need | child_protection | early_help)."""

    __tablename__ = "safeguarding_status"
    __table_args__ = (Index("ix_safeguarding_status_carer", "carer_id", "start_date"),)
    carer_id: str = Field(foreign_key="carer.id")
    status: str  # child_in_need | child_protection | early_help
    start_date: date
    end_date: date | None = None  # None: still in force
    worker_id: str | None = Field(default=None, foreign_key="worker.id")


class SafeguardingMeeting(Record, table=True):
    """A meeting about the carer's safeguarding plan: when, what kind, who attended, what was agreed."""

    __tablename__ = "safeguarding_meeting"
    __table_args__ = (Index("ix_safeguarding_meeting_carer", "carer_id", "meeting_date"),)
    carer_id: str = Field(foreign_key="carer.id")
    meeting_date: date
    kind: str  # cin_meeting | cp_conference | cp_review | core_group | taf_meeting | strategy | other
    attended: str = ""
    actions: str = ""
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
