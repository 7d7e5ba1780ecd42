"""Needs assessments with their sections and scores, support plans, reviews and outcomes."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, Index, UniqueConstraint

from db.models.base import Record


class Assessment(Record, table=True):
    """A Young Carer's Needs Assessment (or a re-assessment, or a Care Act s.63 transition one)."""

    # Recent completions, newest first; "has this request a draft?" for the due list (0003).
    __table_args__ = (Index("ix_assessment_status_completed", "status", "completed_date"),
                      Index("ix_assessment_referral_status", "referral_id", "status"),
                      # The Assessments area's lists, read from the indexes alone (0014).
                      Index("ix_assessment_lists", "status", "kind", "carer_id", "due_date",
                            "started_date", "referral_id", "id"),
                      Index("ix_assessment_recent", "status", "completed_date", "carer_id", "kind",
                            "impact_level", "id"))

    carer_id: str = Field(foreign_key="carer.id", index=True)
    referral_id: str | None = Field(default=None, foreign_key="referral.id", index=True)
    kind: str = "initial"  # initial | reassessment | transition
    status: str = Field(default="draft", index=True)  # draft | completed
    started_date: date | None = None
    completed_date: date | None = None
    completed_by_id: str | None = Field(default=None, foreign_key="worker.id")
    circumstances_change: str = ""
    circumstances_changed_on: date | None = None  # a re-assessment: when circumstances changed (0003)
    due_date: date | None = None  # a re-assessment: when it is due (0003)
    participants: str = ""  # comma list: carer, parents, cared_for, others
    info_shared_in_advance: bool | None = None
    info_in_usable_form: bool | None = None
    combined_with_other: bool | None = None
    combined_with: str = ""
    impact_level: str | None = None  # low | medium | high


class AssessmentSection(Record, table=True):
    """The text of one section of an assessment; saved as it is typed."""

    __tablename__ = "assessment_section"
    __table_args__ = (UniqueConstraint("assessment_id", "section"),)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    section: str
    text: str = ""


class AssessmentScore(Record, table=True):
    """One item score of MACA-YC18 or PANOC-YC20 (item numbers only, never item wording)."""

    __tablename__ = "assessment_score"
    __table_args__ = (UniqueConstraint("assessment_id", "instrument", "item"),)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    instrument: str  # MACA-YC18 | PANOC-YC20
    item: int
    score: int  # 0 | 1 | 2


class PlanAction(Record, table=True):
    """An action in a carer's support plan: what, who, by when."""

    __tablename__ = "plan_action"
    # Overdue actions on the home screen: open, due before today (0003).
    __table_args__ = (
        Index("ix_plan_action_open", "status", "due_date"),
        # One worker's overdue actions, reached from their carers (0008).
        Index("ix_plan_action_carer_open", "carer_id", "status", "due_date"),
    )
    carer_id: str = Field(foreign_key="carer.id", index=True)
    assessment_id: str | None = Field(default=None, foreign_key="assessment.id")
    what: str
    who: str = ""
    due_date: date | None = Field(default=None, index=True)
    status: str = "open"  # open | done | dropped
    done_date: date | None = None


class Review(Record, table=True):
    """A review of a carer's support: outcome ratings and satisfaction."""

    carer_id: str = Field(foreign_key="carer.id", index=True)
    referral_id: str | None = Field(default=None, foreign_key="referral.id", index=True)
    review_date: date = Field(index=True)
    worker_id: str | None = Field(default=None, foreign_key="worker.id")
    satisfied: bool | None = None
    satisfaction_comment: str = ""
    next_step: str = "continue"  # continue | step_down | close
    notes: str = ""
    completed_at: datetime | None = None
    # The satisfaction answer as a KPI 6 feedback response (source "review"), so it counts once (0003).
    feedback_id: str | None = Field(default=None, foreign_key="feedback.id")


class ReviewOutcome(Record, table=True):
    """The rating of one outcome measure (OUT01-OUT09) at a review."""

    __tablename__ = "review_outcome"
    __table_args__ = (UniqueConstraint("review_id", "outcome"),)
    review_id: str = Field(foreign_key="review.id", index=True)
    outcome: str  # OUT01 .. OUT09
    rating: str  # improved | no_change | worse | not_applicable
