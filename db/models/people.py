"""Workers, districts, schools, households, young carers and the people they care for."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, Index, UniqueConstraint

from db.models.base import Record


class Worker(Record, table=True):
    """A youth worker (the user). Managers see every caseload and the audit log."""

    name: str
    initials: str = ""
    role: str = "worker"  # worker | manager
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    active: bool = True


class District(Record, table=True):
    """A district or Family Hub area: the unit the service reports by."""

    name: str = Field(unique=True)


class School(Record, table=True):
    """A school or college on the service's list, with its Young Carer Champion status."""

    name: str = Field(index=True)
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    phase: str = ""  # primary | secondary | college | special | other
    on_list: bool = True
    champion_name: str = ""
    champion_since: date | None = None
    champion_until: date | None = None


class Household(Record, table=True):
    """A family: siblings who care share one household."""

    ref: str | None = Field(default=None, unique=True)  # the service's own household_ref
    name: str = ""  # e.g. "Khan family"
    address: str = ""
    postcode: str = ""
    phone: str = ""
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    # Language and access for the family (0012): the family's first language, whether an
    # interpreter is needed to talk with the family, and any communication needs.
    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""


class Carer(Record, table=True):
    """A young carer (5-24). Archived, never deleted, except by a manager's erasure."""

    __table_args__ = (
        Index("ix_carer_name", "last_name", "first_name"),
        # Caseload paging and counts (0002): covering indexes, so a 50,000-carer list counts and
        # pages without reading whole rows.
        Index("ix_carer_status_name", "status", "archived_at", "last_name", "first_name", "id",
              "date_of_birth"),
        Index("ix_carer_worker_name", "worker_id", "status", "archived_at", "last_name",
              "first_name", "id", "date_of_birth"),
        Index("ix_carer_archived_name", "archived_at", "last_name", "first_name", "id",
              "date_of_birth"),
        Index("ix_carer_status_contact", "status", "archived_at", "last_contact_date", "last_name",
              "first_name", "id"),
        # The home screen's walk-ins needing referral details, oldest first (0008).
        Index("ix_carer_needs_details", "needs_referral_details", "archived_at", "created_at"),
        # Reviews due and overdue: home's list and the caseload's "review overdue" filter (0010).
        Index("ix_carer_review_due", "status", "archived_at", "review_due_date"),
        # The caseload's deadline order and overdue filter (0011): the stored pending deadline.
        Index("ix_carer_status_deadline", "status", "archived_at", "deadline_date", "last_name",
              "first_name", "id"),
        Index("ix_carer_worker_deadline", "worker_id", "status", "archived_at", "deadline_date",
              "last_name", "first_name", "id"),
        # Open carers born in a window: the turning-18 filter and the transition list (0014).
        Index("ix_carer_status_birth", "status", "archived_at", "date_of_birth", "worker_id",
              "last_name", "first_name", "id"),
    )

    carer_ref: str = Field(unique=True)  # the service's own id for the young carer
    first_name: str
    last_name: str
    preferred_name: str = ""
    date_of_birth: date = Field(index=True)
    sex: str = "U"  # M | F | U
    ethnicity: str = "NOBT"  # DfE census code
    disability: bool = False
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    school_id: str | None = Field(default=None, foreign_key="school.id", index=True)
    district_id: str | None = Field(default=None, foreign_key="district.id", index=True)
    worker_id: str | None = Field(default=None, foreign_key="worker.id", index=True)
    phone: str = ""
    email: str = ""
    caring_tasks: str = ""
    impact_level: str | None = None  # low | medium | high (from the latest assessment)
    status: str = Field(default="open", index=True)  # open | closed
    needs_referral_details: bool = False  # walk-ins and quick adds
    fsm: bool = False  # benefits-related free school meals (HAF eligibility)
    send: bool = False  # special educational needs and disability
    last_contact_date: date | None = None
    archived_at: datetime | None = None
    # When the support plan's next review is due: set when the plan is made (plan date + the
    # service's review weeks), moved on by each review, cleared when a review closes the case (0010).
    review_due_date: date | None = None
    # The next statutory deadline of the open referrals, kept by the referral services
    # (ycworker.caseload.deadlines): None when nothing is pending.
    deadline_date: date | None = None
    deadline_kind: str | None = None  # allocation | assessment
    # Language and access (0012): the young carer's own first language, interpreter, needs.
    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    # Handover to adult services at 18 (0012): the referral to Adult Social Care (a carer's
    # assessment under the Care Act) and its outcome, and the handover to the young adult
    # carers' offer.
    asc_referral_date: date | None = None
    asc_outcome: str | None = None  # pending | assessed_support | assessed_no_needs | declined | other
    yac_handover_date: date | None = None


class CaredFor(Record, table=True):
    """A person a young carer looks after. Siblings in one household may care for the same person."""

    __tablename__ = "cared_for"
    household_id: str | None = Field(default=None, foreign_key="household.id", index=True)
    name: str = ""
    notes: str = ""


class CareRelationship(Record, table=True):
    """Who a carer looks after, and how they are related (mother, father, brother, ...)."""

    __tablename__ = "care_relationship"
    __table_args__ = (UniqueConstraint("carer_id", "cared_for_id"),)
    carer_id: str = Field(foreign_key="carer.id", index=True)
    cared_for_id: str = Field(foreign_key="cared_for.id", index=True)
    relationship: str  # mother | father | brother | sister | grandparent | other


class CaredForCondition(Record, table=True):
    """A condition of a cared-for person; several may apply."""

    __tablename__ = "cared_for_condition"
    __table_args__ = (UniqueConstraint("cared_for_id", "condition"),)
    cared_for_id: str = Field(foreign_key="cared_for.id", index=True)
    # physical_disability | long_term_illness | mental_health | substance_misuse
    # | learning_disability_send | other
    condition: str
