"""A young carer's record as the record screen shows it: profile, household and siblings,
cared-for people, support requests with their clocks, contacts and notes, and what is due next.

Opening a record is audited when ``load_record`` is given a write session (no personal data in the
audit entry). Edits to the record are in ``ycworker.caseload.carers``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import (
    CaredFor,
    CaredForCondition,
    Carer,
    CareRelationship,
    Contact,
    District,
    Household,
    Referral,
    School,
    Worker,
)
from ycworker.caseload import review_schedule
from ycworker.caseload.search import age_on, describe_pending, flag_for, pending_deadline
from ycworker.common import audit
from ycworker.common.errors import FieldError

TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class Person:
    carer_id: str
    name: str
    carer_ref: str
    age: int
    status: str


@dataclass(frozen=True)
class CaredForView:
    cared_for_id: str
    name: str
    relationship: str
    conditions: tuple[str, ...]
    notes: str
    also_cared_for_by: tuple[str, ...]  # siblings who care for the same person


@dataclass(frozen=True)
class ReferralView:
    referral_id: str
    referral_date: date
    source: str
    referrer_name: str
    reason: str
    consent: str
    consent_date: date | None
    consent_given_by: str
    worker: str
    worker_id: str | None
    allocated_date: date | None
    assessment_completed_date: date | None
    impact_level: str | None
    closed_date: date | None
    closure_reason: str | None
    closure_note: str
    reopened_count: int
    deadline: date | None
    deadline_text: str  # "allocation due in 3 working days" or ""

    @property
    def is_open(self) -> bool:
        return self.closed_date is None

    @property
    def stage(self) -> str:
        if self.closed_date:
            return f"closed {self.closed_date:%d/%m/%Y} ({(self.closure_reason or '').replace('_', ' ')})"
        if self.consent == "refused":
            return "consent refused"
        if self.allocated_date is None:
            return "waiting for allocation"
        if self.assessment_completed_date is None:
            return f"allocated to {self.worker or 'a worker'}; assessment to do"
        return "assessed; in support"


@dataclass(frozen=True)
class ContactView:
    contact_id: str
    contact_date: date
    kind: str
    duration_minutes: int
    note: str
    worker: str
    mode: str | None = None  # None: a note, or a contact recorded before the mode was asked


@dataclass
class CarerRecord:
    carer_id: str
    carer_ref: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    age: int
    sex: str
    ethnicity: str
    disability: bool
    fsm: bool
    send: bool
    school: str
    district: str
    worker: str
    phone: str
    email: str
    caring_tasks: str
    impact_level: str | None
    status: str
    needs_referral_details: bool
    last_contact_date: date | None
    household_id: str | None
    review_due_date: date | None = None
    review_text: str = ""  # "review due 03 Mar 2027", "review overdue by 5 days (due ...)" or ""
    household_name: str = ""
    household_ref: str = ""
    address: str = ""
    postcode: str = ""
    household_phone: str = ""
    siblings: list[Person] = field(default_factory=list)
    cared_for: list[CaredForView] = field(default_factory=list)
    referrals: list[ReferralView] = field(default_factory=list)
    timeline: list[ContactView] = field(default_factory=list)
    due_next: list[str] = field(default_factory=list)
    flag: str = ""
    #: The record screen's fields with a team conflict waiting to be settled (team sync).
    conflicted_fields: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def open_referral(self) -> ReferralView | None:
        return next((r for r in self.referrals if r.is_open), None)

    @property
    def latest_referral(self) -> ReferralView | None:
        return self.referrals[0] if self.referrals else None

    def value_of(self, name: str) -> str:
        """The text shown in a profile field's input."""
        v = getattr(self, name if name != "household_phone" else "household_phone")
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, date):
            return f"{v:%d/%m/%Y}"
        return "" if v is None else str(v)


class NotFound(FieldError):
    def __init__(self, what: str = "record"):
        super().__init__("record", f"That {what} is no longer there (it may have been erased).")


def carer_row(session: Session, carer_id: str) -> Carer:
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise NotFound("young carer")
    return carer


def _name_of(session: Session, model, row_id: str | None) -> str:
    if not row_id:
        return ""
    return session.exec(select(model.name).where(model.id == row_id)).first() or ""


def referral_views(session: Session, carer_id: str, today: date) -> list[ReferralView]:
    rows = session.execute(
        sa_select(col(Referral.id), col(Referral.referral_date), col(Referral.source),
                  col(Referral.referrer_name), col(Referral.reason), col(Referral.consent),
                  col(Referral.consent_date), col(Referral.consent_given_by), col(Worker.name),
                  col(Referral.worker_id), col(Referral.allocated_date),
                  col(Referral.assessment_completed_date), col(Referral.impact_level),
                  col(Referral.closed_date), col(Referral.closure_reason), col(Referral.closure_note),
                  col(Referral.reopened_count))
        .join(Worker, col(Worker.id) == Referral.worker_id, isouter=True)
        .where(col(Referral.carer_id) == carer_id)
        .order_by(col(Referral.closed_date).is_not(None), col(Referral.referral_date).desc(),
                  col(Referral.created_at).desc())
    ).all()
    out = []
    for r in rows:
        p = pending_deadline(r[1], r[10], r[11], r[13], r[5])
        out.append(ReferralView(
            referral_id=r[0], referral_date=r[1], source=r[2], referrer_name=r[3], reason=r[4],
            consent=r[5], consent_date=r[6], consent_given_by=r[7], worker=r[8] or "",
            worker_id=r[9], allocated_date=r[10], assessment_completed_date=r[11],
            impact_level=r[12], closed_date=r[13], closure_reason=r[14], closure_note=r[15],
            reopened_count=r[16], deadline=p[1] if p else None,
            deadline_text=describe_pending(p[0], p[1], today) if p else "",
        ))
    return out


def load_record(session: Session, carer_id: str, today: date, worker_id: str | None = None,
                *, audit_view: bool = True) -> CarerRecord:
    """Everything the record screen shows. Audits the view when given a write session."""
    c = carer_row(session, carer_id)
    rec = CarerRecord(
        carer_id=c.id, carer_ref=c.carer_ref, first_name=c.first_name, last_name=c.last_name,
        preferred_name=c.preferred_name, date_of_birth=c.date_of_birth,
        age=age_on(c.date_of_birth, today), sex=c.sex, ethnicity=c.ethnicity,
        disability=c.disability, fsm=c.fsm, send=c.send,
        school=_name_of(session, School, c.school_id), district=_name_of(session, District, c.district_id),
        worker=_name_of(session, Worker, c.worker_id), phone=c.phone, email=c.email,
        caring_tasks=c.caring_tasks, impact_level=c.impact_level, status=c.status,
        needs_referral_details=c.needs_referral_details, last_contact_date=c.last_contact_date,
        household_id=c.household_id, flag=flag_for(c.date_of_birth, today),
        review_due_date=c.review_due_date if c.status == "open" else None,
    )
    rec.review_text = review_schedule.describe(rec.review_due_date, today)
    rec.conflicted_fields = conflicted_fields(session, c.id, c.household_id)
    if c.household_id:
        h = session.get(Household, c.household_id)
        if h is not None:
            rec.household_name, rec.household_ref = h.name, h.ref or ""
            rec.address, rec.postcode, rec.household_phone = h.address, h.postcode, h.phone
        sibs = session.execute(
            sa_select(col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                      col(Carer.carer_ref), col(Carer.date_of_birth), col(Carer.status))
            .where(col(Carer.household_id) == c.household_id, col(Carer.id) != c.id)
            .order_by(col(Carer.date_of_birth))
        ).all()
        rec.siblings = [Person(i, f"{f} {last}", ref, age_on(dob, today), st)
                        for i, f, last, ref, dob, st in sibs]
    rec.cared_for = cared_for_views(session, c.id)
    rec.referrals = referral_views(session, c.id, today)
    rec.timeline = [
        ContactView(i, d, k, m, n, w or "", mode)
        for i, d, k, m, n, w, mode in session.execute(
            sa_select(col(Contact.id), col(Contact.contact_date), col(Contact.kind),
                      col(Contact.duration_minutes), col(Contact.note), col(Worker.name), col(Contact.mode))
            .join(Worker, col(Worker.id) == Contact.worker_id, isouter=True)
            .where(col(Contact.carer_id) == c.id)
            .order_by(col(Contact.contact_date).desc(), col(Contact.created_at).desc())
            .limit(TIMELINE_LIMIT)
        ).all()
    ]
    rec.due_next = due_next(rec, today)
    if audit_view:
        audit.record(session, "view", "carer", c.id, worker_id)
    return rec


def cared_for_views(session: Session, carer_id: str) -> list[CaredForView]:
    rows = session.exec(
        select(CaredFor.id, CaredFor.name, CareRelationship.relationship, CaredFor.notes)
        .join(CareRelationship, col(CareRelationship.cared_for_id) == CaredFor.id)
        .where(CareRelationship.carer_id == carer_id)
        .order_by(CaredFor.name)
    ).all()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    conds: dict[str, list[str]] = {}
    for cf, cond in session.exec(select(CaredForCondition.cared_for_id, CaredForCondition.condition)
                                 .where(col(CaredForCondition.cared_for_id).in_(ids))).all():
        conds.setdefault(cf, []).append(cond)
    others: dict[str, list[str]] = {}
    for cf, first, last in session.exec(
        select(CareRelationship.cared_for_id, Carer.first_name, Carer.last_name)
        .join(Carer, col(Carer.id) == CareRelationship.carer_id)
        .where(col(CareRelationship.cared_for_id).in_(ids), CareRelationship.carer_id != carer_id)
    ).all():
        others.setdefault(cf, []).append(f"{first} {last}")
    return [CaredForView(i, n, rel, tuple(sorted(conds.get(i, []))), notes, tuple(others.get(i, [])))
            for i, n, rel, notes in rows]


def due_next(rec: CarerRecord, today: date) -> list[str]:
    """What the worker should do next for this carer, most pressing first."""
    out = []
    for r in rec.referrals:
        if not r.is_open:
            continue
        if r.consent == "refused" and r.allocated_date is None:
            out.append("Consent refused: close the request (consent not given) or record new consent.")
        elif r.consent == "pending":
            out.append(f"Consent still pending for the request of {r.referral_date:%d/%m/%Y}.")
        if r.deadline_text:
            what = "Allocate to a worker" if r.allocated_date is None else "Complete the needs assessment"
            out.append(f"{what}: {r.deadline_text} ({r.deadline:%a %d %b %Y}).")
    if rec.status != "open":  # a closed record asks nothing more (consent refused, moved away ...)
        return out
    if rec.flag:
        out.append(rec.flag[0].upper() + rec.flag[1:] + ".")
    if rec.review_due_date is not None and (rec.review_due_date - today).days <= review_schedule.SOON_DAYS:
        out.append(f"Review the support plan: {rec.review_text}.")
    if rec.needs_referral_details:
        out.append("Walk-in: take the support request details.")
    if not rec.cared_for:
        out.append("Add the person they care for.")
    if rec.status == "open" and not any(r.is_open for r in rec.referrals):
        out.append("Open record with no open support request: add one or close the record.")
    return out


#: A conflict's column (carer, household) -> the record screen's field it shows in.
_CARER_COLUMN_FIELD = {"school_id": "school", "district_id": "district"}
_HOUSEHOLD_COLUMN_FIELD = {"name": "household_name", "ref": "household_ref", "address": "address",
                           "postcode": "postcode", "phone": "household_phone"}


def conflicted_fields(session: Session, carer_id: str, household_id: str | None) -> list[str]:
    """The record screen's fields (carer and household) with a team conflict still open: a field
    where this laptop and the team server hold different values until a person chooses. Empty on
    a laptop never enrolled (no conflicts are ever made there)."""
    from db.models.team import TeamConflict

    wanted = [("carer", carer_id)] + ([("household", household_id)] if household_id else [])
    rows = session.execute(
        sa_select(col(TeamConflict.entity), col(TeamConflict.field))
        .where(col(TeamConflict.settled_at).is_(None),
               sa.tuple_(col(TeamConflict.entity), col(TeamConflict.record_id)).in_(wanted))).all()
    shown: list[str] = []
    for entity, column in rows:
        name = (_CARER_COLUMN_FIELD.get(column, column) if entity == "carer"
                else _HOUSEHOLD_COLUMN_FIELD.get(column, ""))
        if name and name not in shown:
            shown.append(name)
    return shown
