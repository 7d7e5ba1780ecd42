"""Holiday activities, their days, bookings, waiting-list offers and attendance on the day."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel import Field, Index, UniqueConstraint

from db.models.base import Record


class HolidayActivity(Record, table=True):
    """A one-off or multi-day holiday activity (a winter party, a day trip, a HAF week)."""

    __tablename__ = "holiday_activity"
    title: str
    venue: str = ""
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    holiday_period: str = ""  # e.g. "Christmas 2025", "Summer 2026"
    capacity: int = 20
    min_age: int = 5
    max_age: int = 24
    eligible_impact: str = ""  # comma list of impact levels, empty for anyone
    haf: bool = False  # Holiday Activities and Food programme: FSM, Reception to Year 11
    funding: str = ""
    cost_pence: int = 0
    staff_notes: str = ""
    archived_at: datetime | None = None


class ActivityDay(Record, table=True):
    __tablename__ = "activity_day"
    activity_id: str = Field(foreign_key="holiday_activity.id", index=True)
    day_date: date = Field(index=True)
    start_time: time | None = None
    end_time: time | None = None


class Booking(Record, table=True):
    """A child's booking on an activity (or their place on its waiting list)."""

    __table_args__ = (
        UniqueConstraint("activity_id", "carer_id"),
        # the capacity check and the waiting list read bookings by activity and status
        Index("ix_booking_activity_status", "activity_id", "status", "waiting_position"),
    )
    activity_id: str = Field(foreign_key="holiday_activity.id", index=True)
    carer_id: str = Field(foreign_key="carer.id", index=True)
    status: str = "booked"  # booked | waiting | offered | cancelled
    waiting_position: int | None = None
    dietary: str = ""
    allergies: str = ""
    medical: str = ""
    medication: str = ""
    photo_consent: bool | None = None
    emergency_contact: str = ""
    collection: str = ""
    transport: str = "none"
    cancel_reason: str = ""
    booked_by_id: str | None = Field(default=None, foreign_key="worker.id")
    # 0005: when and by whom a booking was cancelled (the reason is cancel_reason)
    cancelled_at: datetime | None = None
    cancelled_by_id: str | None = None


class BookingDay(Record, table=True):
    """A day of the activity that a booking covers, and attendance on it."""

    __tablename__ = "booking_day"
    __table_args__ = (UniqueConstraint("booking_id", "day_id"),)
    booking_id: str = Field(foreign_key="booking.id", index=True)
    day_id: str = Field(foreign_key="activity_day.id", index=True)
    attendance: str | None = None  # present | late | absent
    marked_at: datetime | None = None
    marked_by_id: str | None = None  # 0005: the worker who took the mark


class BookingOffer(Record, table=True):
    """A freed place offered to the next child on the waiting list."""

    __tablename__ = "booking_offer"
    booking_id: str = Field(foreign_key="booking.id", index=True)
    offered_at: datetime
    offered_by_id: str | None = Field(default=None, foreign_key="worker.id")
    response: str = "pending"  # pending | accepted | declined
    responded_at: datetime | None = None
    responded_by_id: str | None = None  # 0005: the worker who recorded the answer
