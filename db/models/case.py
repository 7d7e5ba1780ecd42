"""The case: referrals (support requests), contacts and notes."""

from __future__ import annotations

from datetime import date

from sqlmodel import Field, Index

from db.models.base import Record


class Referral(Record, table=True):
    """A support request for a young carer, from receipt to closure."""

    # Open referrals and their clocks (0002): the caseload's "overdue" filter and deadline sort
    # read this index alone.
    __table_args__ = (
        Index("ix_referral_open", "closed_date", "allocated_date", "assessment_completed_date",
              "referral_date", "consent", "carer_id"),
        # Open referrals still to assess, in allocation order: the Assessments area's list (0014).
        Index("ix_referral_to_assess", "closed_date", "assessment_completed_date", "allocated_date",
              "worker_id", "carer_id", "id"),
    )

    carer_id: str = Field(foreign_key="carer.id", index=True)
    referral_date: date = Field(index=True)
    # school | gp | health | self | parent | early_help | social_care | other
    source: str = "other"
    referrer_name: str = ""
    referrer_contact: str = ""
    reason: str = ""
    consent: str = "pending"  # given | refused | pending
    consent_date: date | None = None
    consent_given_by: str = ""
    worker_id: str | None = Field(default=None, foreign_key="worker.id", index=True)
    allocated_date: date | None = Field(default=None, index=True)
    assessment_completed_date: date | None = None
    impact_level: str | None = None
    closed_date: date | None = Field(default=None, index=True)
    # intervention_completed | stepped_down | consent_not_given | not_a_young_carer | moved_away
    # | disengaged | aged_out | transferred | other
    closure_reason: str | None = None
    closure_note: str = ""
    reopened_count: int = 0
    import_key: str | None = Field(default=None, unique=True)  # carer_ref|referral_date for imports


class Contact(Record, table=True):
    """A contact or note on a carer's timeline."""

    carer_id: str = Field(foreign_key="carer.id", index=True)
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    contact_date: date = Field(index=True)
    kind: str = "note"  # one_to_one | phone_call | school_visit | home_visit | note
    duration_minutes: int = 0
    note: str = ""
    # How the support was delivered (0010): face_to_face | phone | video | online_group | text_message;
    # None for notes and for contacts recorded before it was asked ("not recorded").
    mode: str | None = None
