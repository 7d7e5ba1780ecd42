"""Support requests (referrals): the short form, the duplicate check, consent, allocation,
closure and reopening, and the statutory deadlines' wording.

A new support request is checked first (``check_request``), then likely duplicates are looked up
(``ycworker.caseload.duplicates.likely_duplicates``: same date of birth, similar name) so that a
re-referral attaches to the person already known (``create_request(..., attach_to=carer_id)``).
Deadlines follow commissioner-return.md: allocation within 5 working days of referral, assessment
within 15 working days of allocation (England and Wales bank holidays).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from db.models import Carer, Referral, School, Worker, utcnow
from ycworker.caseload import carer_refs, closure, deadlines
from ycworker.caseload.carers import field_dob, find_district, find_or_add_school
from ycworker.caseload.deadlines import pending_deadline
from ycworker.caseload.duplicates import Match, likely_duplicates
from ycworker.caseload.record import carer_row
from ycworker.caseload.search import describe_pending
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collect
from ycworker.common.validators import field_choice, field_date, field_text

SOURCES = {
    "school": "School", "gp": "GP", "health": "Health", "self": "Self", "parent": "Parent",
    "early_help": "Early help", "social_care": "Social care", "other": "Other",
}
CONSENTS = {"given": "Given", "refused": "Refused", "pending": "Pending"}
CLOSURE_REASONS = {
    "intervention_completed": "Intervention completed",
    "stepped_down": "Stepped down to clubs only",
    "consent_not_given": "Consent not given",
    "not_a_young_carer": "Not a young carer",
    "moved_away": "Moved away",
    "disengaged": "Disengaged",
    "aged_out": "Aged out (25)",
    "transferred": "Transferred",
    "other": "Other",
}
REQUEST_FIELDS = ("first_name", "last_name", "date_of_birth", "school", "district", "source",
                  "referrer_name", "referrer_contact", "reason", "referral_date")


@dataclass(frozen=True)
class CleanRequest:
    first_name: str
    last_name: str
    date_of_birth: date
    school: str
    district: str
    district_id: str | None
    source: str
    referrer_name: str
    referrer_contact: str
    reason: str
    referral_date: date


@dataclass(frozen=True)
class Created:
    carer_id: str
    referral_id: str
    new_person: bool


def deadline_text(referral_date: date, allocated: date | None, assessed: date | None,
                  closed: date | None, consent: str, today: date) -> str:
    """'allocation due in 3 working days', 'assessment overdue by 2 working days', or ''."""
    p = pending_deadline(referral_date, allocated, assessed, closed, consent)
    return describe_pending(p[0], p[1], today) if p else ""


# Words that make a search text a school, a household or a place rather than a person's name.
_NOT_NAME_WORDS = frozenset({
    "school", "academy", "primary", "secondary", "college", "high", "infant", "infants", "junior",
    "juniors", "nursery", "grammar", "church", "ce", "rc", "cofe", "saint", "st", "community",
    "federation", "trust", "family", "household", "house", "centre", "center", "district",
})
_NAME_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$", re.UNICODE)


def name_from_search(text: str) -> tuple[str, str]:
    """(first, last) for a new request's name fields from what was typed in the caseload search,
    or ('', '') when it does not look like a person's name: a carer ref ("YC-PQ3FUE"), a school
    ("Castle Academy"), a household ("Khan family") or anything with digits stays out."""
    words = (text or "").split()
    if not 1 <= len(words) <= 4:
        return "", ""
    if any(not _NAME_WORD.match(w) or w.lower().strip("'’") in _NOT_NAME_WORDS for w in words):
        return "", ""
    return words[0], " ".join(words[1:])


def check_request(session: Session, form: dict[str, str], today: date) -> CleanRequest:
    """Every field of the short form checked; all problems raised together as FormErrors."""
    errors: list[FieldError] = []
    get = lambda k: str(form.get(k) or "")  # noqa: E731
    first = collect(errors, field_text, "first_name", get("first_name"), "First name", required=True,
                     limit=100)
    last = collect(errors, field_text, "last_name", get("last_name"), "Last name", required=True,
                    limit=100)
    ref_date = collect(errors, field_date, "referral_date", get("referral_date") or f"{today:%d/%m/%Y}",
                        today, label="Date of the request")
    dob = collect(errors, field_dob, "date_of_birth", get("date_of_birth"), today, at=ref_date)
    school = collect(errors, field_text, "school", get("school"), "School")
    district = collect(errors, field_text, "district", get("district"), "District")
    district_id = None
    if district:
        district_id = collect(errors, find_district, session, "district", district)
    if not school and not district and not any(e.field in ("school", "district") for e in errors):
        errors.append(FieldError("school", "Give the school, or the district if they are not at school."))
    source = collect(errors, field_choice, "source", get("source"), tuple(SOURCES), "Who referred")
    referrer = collect(errors, field_text, "referrer_name", get("referrer_name"), "Referrer's name")
    contact = collect(errors, field_text, "referrer_contact", get("referrer_contact"),
                       "Referrer's contact")
    reason = collect(errors, field_text, "reason", get("reason"), "Why", required=True, limit=4000)
    if errors:
        raise FormErrors(errors)
    return CleanRequest(first, last, dob, school or "", district or "", district_id, source,
                        referrer or "", contact or "", reason, ref_date)


def duplicates_for(session: Session, clean: CleanRequest) -> list[Match]:
    """People who may be this young carer, ranked, each with its reason (their school counts too)."""
    return likely_duplicates(session, clean.first_name, clean.last_name, clean.date_of_birth,
                             school=clean.school)


def _unique_ref(session: Session) -> str:
    for _ in range(20):
        ref = carer_refs.new_carer_ref()
        if session.exec(select(Carer.id).where(Carer.carer_ref == ref)).first() is None:
            return ref
    raise RuntimeError("could not make a unique carer ref")


def create_request(session: Session, form: dict[str, str], today: date, worker_id: str | None = None,
                   *, attach_to: str | None = None) -> Created:
    """Record the support request: for a new person (attach_to None) or a person already known."""
    clean = check_request(session, form, today)
    if attach_to:
        carer = session.get(Carer, attach_to)
        if carer is None:
            raise FieldError("attach", "That young carer is no longer there.")
        open_ref = session.exec(select(col(Referral.referral_date)).where(
            Referral.carer_id == carer.id, col(Referral.closed_date).is_(None))).first()
        if open_ref is not None:
            raise FieldError("attach", f"{carer.first_name} {carer.last_name} already has an open "
                                       f"support request (from {open_ref:%d/%m/%Y}); add a note to "
                                       "it instead of a new one.")
        if carer.status != "open":
            carer.status = "open"
        if clean.school and not carer.school_id:
            carer.school_id = find_or_add_school(session, clean.school, clean.district_id)
        if clean.district_id and not carer.district_id:
            carer.district_id = clean.district_id
        carer.updated_at = utcnow()
        new_person = False
    else:
        school_id = find_or_add_school(session, clean.school, clean.district_id)
        district_id = clean.district_id
        if district_id is None and school_id:
            district_id = session.exec(select(School.district_id).where(School.id == school_id)).first()
        carer = Carer(carer_ref=_unique_ref(session), first_name=clean.first_name,
                      last_name=clean.last_name, date_of_birth=clean.date_of_birth,
                      school_id=school_id, district_id=district_id, status="open")
        new_person = True
    session.add(carer)
    session.flush()
    referral = Referral(carer_id=carer.id, referral_date=clean.referral_date, source=clean.source,
                        referrer_name=clean.referrer_name, referrer_contact=clean.referrer_contact,
                        reason=clean.reason, consent="pending")
    session.add(referral)
    session.flush()
    deadlines.refresh(session, carer.id)
    if new_person:
        audit.record(session, "create", "carer", carer.id, worker_id)
    audit.record(session, "create", "referral", referral.id, worker_id)
    return Created(carer.id, referral.id, new_person)


def _referral(session: Session, referral_id: str) -> Referral:
    r = session.get(Referral, referral_id)
    if r is None:
        raise FieldError("referral", "That support request is no longer there.")
    return r


def record_consent(session: Session, referral_id: str, form: dict[str, str], today: date,
                   worker_id: str | None = None) -> None:
    """Consent given / refused / pending, with the date and who gave (or refused) it."""
    r = _referral(session, referral_id)
    errors: list[FieldError] = []
    status = collect(errors, field_choice, "consent", form.get("consent", ""), tuple(CONSENTS), "Consent")
    when = None
    if status in ("given", "refused"):
        when = collect(errors, field_date, "consent_date", form.get("consent_date", ""), today,
                        label="Date of consent", not_before=r.referral_date,
                        not_before_label="the request")
    who = collect(errors, field_text, "consent_given_by", form.get("consent_given_by", ""),
                   "Who gave it", required=status in ("given", "refused"), limit=100)
    if errors:
        raise FormErrors(errors)
    r.consent, r.consent_date, r.consent_given_by = status, when, who or ""
    r.updated_at = utcnow()
    session.add(r)
    session.flush()
    deadlines.refresh(session, r.carer_id)  # refused before allocation: no allocation clock
    audit.record(session, "update", "referral", r.id, worker_id)


def allocate(session: Session, referral_id: str, form: dict[str, str], today: date,
             worker_id: str | None = None) -> None:
    """Allocate the request to a worker on a date (the carer joins that worker's caseload)."""
    r = _referral(session, referral_id)
    errors: list[FieldError] = []
    if r.closed_date is not None:
        raise FieldError("worker", "This request is closed; reopen it first.")
    if r.consent == "refused":
        raise FieldError("worker", "Consent was refused: close the request (consent not given) or "
                                   "record new consent first.")
    to = (form.get("worker") or "").strip()
    worker = session.get(Worker, to) if to else None
    if worker is None or not worker.active:
        errors.append(FieldError("worker", "Choose the worker to allocate to."))
    when = collect(errors, field_date, "allocated_date", form.get("allocated_date", ""), today,
                    label="Date of allocation", not_before=r.referral_date,
                    not_before_label="the request")
    if r.assessment_completed_date and when and when > r.assessment_completed_date:
        errors.append(FieldError("allocated_date", "The assessment was completed before that date."))
    if errors or worker is None:
        raise FormErrors(errors)
    r.worker_id, r.allocated_date = worker.id, when
    r.updated_at = utcnow()
    carer = carer_row(session, r.carer_id)
    carer.worker_id = worker.id
    carer.updated_at = utcnow()
    session.add_all([r, carer])
    session.flush()
    deadlines.refresh(session, r.carer_id)
    audit.record(session, "update", "referral", r.id, worker_id)


def close(session: Session, referral_id: str, form: dict[str, str], today: date,
          worker_id: str | None = None) -> None:
    """Close with one of the spec's reasons; the carer's record closes when nothing else is open."""
    r = _referral(session, referral_id)
    if r.closed_date is not None:
        raise FieldError("closure_reason", "This request is already closed.")
    errors: list[FieldError] = []
    reason = collect(errors, field_choice, "closure_reason", form.get("closure_reason", ""),
                      tuple(CLOSURE_REASONS), "Reason for closing")
    when = collect(errors, field_date, "closed_date", form.get("closed_date", ""), today,
                    label="Date of closure", not_before=r.referral_date, not_before_label="the request")
    note = collect(errors, field_text, "closure_note", form.get("closure_note", ""), "Note", limit=4000)
    if reason == "consent_not_given" and r.consent == "given":
        errors.append(FieldError("closure_reason", "Consent is recorded as given; record it as refused "
                                                   "first, or choose another reason."))
    if errors:
        raise FormErrors(errors)
    r.closed_date, r.closure_reason, r.closure_note = when, reason, note or ""
    if reason == "consent_not_given" and r.consent == "pending":
        r.consent = "refused"
        r.consent_date = r.consent_date or when
    r.updated_at = utcnow()
    session.add(r)
    session.flush()
    still_open = session.exec(select(Referral.id).where(Referral.carer_id == r.carer_id,
                                                        col(Referral.closed_date).is_(None))).first()
    if still_open is None:
        carer = carer_row(session, r.carer_id)
        carer.status = "closed"
        carer.updated_at = utcnow()
        session.add(carer)
        session.flush()
        closure.drop_open_plan_actions(session, r.carer_id, worker_id)  # the plan ends with the case
    session.flush()
    deadlines.refresh(session, r.carer_id)
    audit.record(session, "update", "referral", r.id, worker_id)


def reopen(session: Session, referral_id: str, today: date, worker_id: str | None = None) -> None:
    """Undo a closure: the request is open again (its clocks restart from its own dates)."""
    r = _referral(session, referral_id)
    if r.closed_date is None:
        raise FieldError("referral", "This request is not closed.")
    other = session.exec(select(col(Referral.referral_date)).where(
        Referral.carer_id == r.carer_id, col(Referral.closed_date).is_(None), Referral.id != r.id)).first()
    if other is not None:
        raise FieldError("referral", f"Another request (from {other:%d/%m/%Y}) is open; close it first "
                                     "or add to it.")
    r.closed_date, r.closure_reason = None, None
    r.closure_note = ""
    r.reopened_count += 1
    r.updated_at = utcnow()
    carer = carer_row(session, r.carer_id)
    carer.status = "open"
    carer.updated_at = utcnow()
    session.add_all([r, carer])
    session.flush()
    deadlines.refresh(session, r.carer_id)  # the clocks restart from the request's own dates
    audit.record(session, "update", "referral", r.id, worker_id)


def workers_to_allocate(session: Session) -> list[tuple[str, str]]:
    return [(name, wid) for name, wid in session.exec(
        select(Worker.name, Worker.id).where(Worker.active).order_by(Worker.name)).all()]


__all__ = [
    "CLOSURE_REASONS", "CONSENTS", "SOURCES", "CleanRequest", "Created", "allocate", "check_request",
    "close", "create_request", "deadline_text", "duplicates_for", "record_consent", "reopen",
    "workers_to_allocate",
]
