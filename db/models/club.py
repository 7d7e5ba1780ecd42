"""Clubs, their sessions and registers."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Field, UniqueConstraint

from db.models.base import Record


class Club(Record, table=True):
    """A district club (a Chill Club, a primary or secondary youth club)."""

    name: str
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    venue: str = ""
    min_age: int = 5
    max_age: int = 24
    frequency: str = "weekly"  # weekly | fortnightly | monthly
    weekday: int = 0  # Monday = 0
    nth_weekday: int | None = None  # monthly: 1..4, or -1 for the last
    # monthly on a date (1..31): a day past the month's end falls on its last day (migration 0004)
    month_day: int | None = None
    start_time: time | None = None
    end_time: time | None = None
    first_date: date | None = None
    last_date: date | None = None
    worker_id: str | None = Field(default=None, foreign_key="worker.id", index=True)
    active: bool = True


class ClubMember(Record, table=True):
    __tablename__ = "club_member"
    __table_args__ = (UniqueConstraint("club_id", "carer_id"),)
    club_id: str = Field(foreign_key="club.id", index=True)
    carer_id: str = Field(foreign_key="carer.id", index=True)
    joined_date: date | None = None
    left_date: date | None = None


class ClubSession(Record, table=True):
    """One meeting of a club: from the recurrence, or a one-off."""

    __tablename__ = "club_session"
    __table_args__ = (UniqueConstraint("club_id", "session_date", "start_time"),)
    club_id: str = Field(foreign_key="club.id", index=True)
    session_date: date = Field(index=True)
    start_time: time | None = None
    end_time: time | None = None
    one_off: bool = False
    cancelled: bool = False
    cancel_reason: str = ""


class Attendance(Record, table=True):
    """A mark on a register."""

    __table_args__ = (UniqueConstraint("session_id", "carer_id"),)
    session_id: str = Field(foreign_key="club_session.id", index=True)
    carer_id: str = Field(foreign_key="carer.id", index=True)
    status: str  # present | late | absent
    transport: str = "none"  # none | bus_pass | volunteer_driver | taxi
    note: str = ""
    walk_in: bool = False
    marked_at: datetime | None = None
    marked_by_id: str | None = Field(default=None, foreign_key="worker.id")
