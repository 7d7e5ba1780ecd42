"""A young carer's fields and their edits: the lists (sexes, ethnicities, relationships,
conditions, contact kinds), the date-of-birth check, and the changes a worker makes to a record
(the general field validators are in ``ycworker.common.validators``).

Edits are saved one field at a time (``update_field``): the value is checked, and a problem raises
``FieldError`` naming the field with a sentence a youth worker can act on; nothing is written then.
Every change is audited in the same transaction (no personal data in the audit entry). The record
as shown, and the audited opening of it, are in ``ycworker.caseload.record``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from db.models import (
    CaredFor,
    CaredForCondition,
    Carer,
    CareRelationship,
    Contact,
    District,
    Household,
    School,
    utcnow,
)
from ycworker.caseload.record import carer_row
from ycworker.caseload.search import age_on
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collector
from ycworker.common.validators import (
    MAX_LONG_TEXT,
    MAX_TEXT,
    field_choice,
    field_date,
    field_email,
    field_phone,
    field_postcode,
    field_text,
    field_yes_no,
)

SEXES = {"M": "Male", "F": "Female", "U": "Unknown / not stated"}
ETHNICITIES = (
    "WBRI", "WIRI", "WIRT", "WROM", "WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)
RELATIONSHIPS = ("mother", "father", "brother", "sister", "sibling", "grandparent", "other")
CONDITIONS = {
    "physical_disability": "Physical disability",
    "long_term_illness": "Long-term illness",
    "mental_health": "Mental health",
    "substance_misuse": "Substance misuse",
    "learning_disability_send": "Learning disability / SEND",
    "other": "Other",
}
CONTACT_KINDS = {
    "one_to_one": "1:1 session",
    "phone_call": "Phone call",
    "school_visit": "School visit",
    "home_visit": "Home visit",
    "note": "Note",
}
#: How the support was delivered (a contact's mode; a note has none). The papers' hybrid offer.
CONTACT_MODES = {
    "face_to_face": "Face to face",
    "phone": "Phone",
    "video": "Video",
    "online_group": "Online group",
    "text_message": "Text / message",
}
MODE_NOT_RECORDED = "not recorded"
MIN_AGE, MAX_AGE = 4, 25


def mode_text(mode: str | None) -> str:
    """How a contact was delivered, as the record and the returns screen say it."""
    return CONTACT_MODES[mode].lower() if mode in CONTACT_MODES else MODE_NOT_RECORDED


def field_dob(name: str, raw: str, today: date, *, at: date | None = None) -> date:
    dob = field_date(name, raw, today, label="Date of birth")
    assert dob is not None
    age = age_on(dob, at or today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise FieldError(name, f"That makes them {age}; the service works with ages 5 to 24. "
                               "Check the date of birth.")
    return dob


# -- field-by-field edits -------------------------------------------------------------------------

PROFILE_FIELDS = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "disability": "Disability",
    "send": "SEND",
    "fsm": "Free school meals",
    "school": "School",
    "district": "District",
    "phone": "Phone",
    "email": "Email",
    "caring_tasks": "Caring tasks",
}
HOUSEHOLD_FIELDS = {
    "household_name": "Household name",
    "household_ref": "Household ref",
    "address": "Address",
    "postcode": "Postcode",
    "household_phone": "Household phone",
}


def find_or_add_school(session: Session, name: str, district_id: str | None) -> str | None:
    if not name:
        return None
    found = session.exec(select(School.id).where(func.lower(School.name) == name.lower())).first()
    if found:
        return found
    school = School(name=name, district_id=district_id, on_list=False)
    session.add(school)
    session.flush()
    return school.id


def find_district(session: Session, field_name: str, name: str) -> str | None:
    if not name:
        return None
    found = session.exec(select(District.id).where(func.lower(District.name) == name.lower())).first()
    if found is None:
        names = session.exec(select(District.name).order_by(District.name).limit(20)).all()
        hint = f"; the districts are {', '.join(names)}" if names else ""
        raise FieldError(field_name, f"'{name[:40]}' is not one of the service's districts{hint}.")
    return found


def update_field(session: Session, carer_id: str, name: str, raw: str, today: date,
                 worker_id: str | None = None) -> str:
    """Check and save one field of the record; returns the value as it will now be shown."""
    c = carer_row(session, carer_id)
    if name in HOUSEHOLD_FIELDS:
        return _update_household(session, c, name, raw, worker_id)
    if name not in PROFILE_FIELDS:
        raise FieldError(name, "That field cannot be changed here.")
    label = PROFILE_FIELDS[name]
    shown: str
    if name in ("first_name", "last_name"):
        value = field_text(name, raw, label, required=True, limit=100)
        setattr(c, name, value)
        shown = value
    elif name == "preferred_name":
        c.preferred_name = shown = field_text(name, raw, label, limit=100)
    elif name == "date_of_birth":
        c.date_of_birth = field_dob(name, raw, today)
        shown = f"{c.date_of_birth:%d/%m/%Y}"
    elif name == "sex":
        c.sex = shown = field_choice(name, raw, tuple(SEXES), label, upper=True)
    elif name == "ethnicity":
        c.ethnicity = shown = field_choice(name, raw, ETHNICITIES, "ethnicity code", upper=True)
    elif name in ("disability", "send", "fsm"):
        yes = field_yes_no(name, raw, label)
        setattr(c, name, yes)
        shown = "yes" if yes else "no"
    elif name == "school":
        value = field_text(name, raw, label)
        c.school_id = find_or_add_school(session, value, c.district_id)
        shown = value
    elif name == "district":
        value = field_text(name, raw, label)
        c.district_id = find_district(session, name, value)
        shown = value
    elif name == "phone":
        c.phone = shown = field_phone(name, raw)
    elif name == "email":
        c.email = shown = field_email(name, raw)
    else:  # caring_tasks
        c.caring_tasks = shown = field_text(name, raw, label, limit=MAX_LONG_TEXT)
    if not session.is_modified(c):  # the same value again (Enter, then leaving the field)
        return shown
    c.updated_at = utcnow()
    session.add(c)
    session.flush()
    audit.record(session, "update", "carer", c.id, worker_id)
    return shown


def _update_household(session: Session, c: Carer, name: str, raw: str, worker_id: str | None) -> str:
    label = HOUSEHOLD_FIELDS[name]
    if name == "postcode":
        value = field_postcode(name, raw)
    elif name == "household_phone":
        value = field_phone(name, raw)
    else:
        value = field_text(name, raw, label, limit=MAX_TEXT)
    h = session.get(Household, c.household_id) if c.household_id else None
    if h is None:
        if not value:
            return ""
        h = Household(name=f"{c.last_name} family", district_id=c.district_id)
        session.add(h)
        session.flush()
        c.household_id = h.id
        session.add(c)
    if name == "household_ref":
        if value:
            other = session.exec(select(Household.id).where(Household.ref == value,
                                                             Household.id != h.id)).first()
            if other:
                raise FieldError(name, f"Household ref '{value}' already belongs to another family; "
                                       "add this carer to that household as a sibling instead.")
        h.ref = value or None
    else:
        setattr(h, {"household_name": "name", "household_phone": "phone"}.get(name, name), value)
    if not session.is_modified(h):
        return value
    h.updated_at = utcnow()
    session.add(h)
    session.flush()
    audit.record(session, "update", "household", h.id, worker_id)
    return value


def add_sibling(session: Session, carer_id: str, sibling_ref: str, worker_id: str | None = None) -> str:
    """Put the carer with that carer ref in this carer's household (making one if need be)."""
    ref = (sibling_ref or "").strip()
    if not ref:
        raise FieldError("sibling", "Type the sibling's carer ref.")
    c = carer_row(session, carer_id)
    sib = session.exec(select(Carer).where(func.upper(Carer.carer_ref) == ref.upper())).first()
    if sib is None:
        raise FieldError("sibling", f"No young carer has the ref '{ref[:30]}'.")
    if sib.id == c.id:
        raise FieldError("sibling", "That is this carer's own ref.")
    if c.household_id is None and sib.household_id is None:
        h = Household(name=f"{c.last_name} family", district_id=c.district_id)
        session.add(h)
        session.flush()
        c.household_id = sib.household_id = h.id
    elif c.household_id is None:
        c.household_id = sib.household_id
    elif sib.household_id is None or sib.household_id != c.household_id:
        if sib.household_id is not None:
            others = session.exec(select(func.count()).select_from(Carer).where(
                Carer.household_id == sib.household_id, Carer.id != sib.id)).one()
            if others:
                raise FieldError("sibling", f"{sib.first_name} {sib.last_name} already lives in another "
                                            "household with siblings; change it from their record.")
        sib.household_id = c.household_id
    session.add_all([c, sib])
    session.flush()
    audit.record(session, "update", "carer", sib.id, worker_id)
    return sib.id


def add_cared_for(session: Session, carer_id: str, form: dict[str, object],
                  worker_id: str | None = None) -> str:
    """A person this carer looks after: name, relationship, conditions (several), notes.

    ``form["existing"]`` may name a cared-for person of the same household (a sibling already
    cares for them), who is then linked instead of added twice."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    existing = str(form.get("existing") or "")
    name = check(field_text, "name", str(form.get("name") or ""), "Name", limit=100)
    relationship = check(field_choice, "relationship", str(form.get("relationship") or ""),
                         RELATIONSHIPS, "Relationship")
    raw_conditions = form.get("conditions") or ()
    if isinstance(raw_conditions, str):
        raw_conditions = [p for p in re.split(r"[,;]", raw_conditions) if p.strip()]
    assert isinstance(raw_conditions, Iterable)  # a list of codes, or the codes as one text
    conditions: list[str] = []
    for cond in raw_conditions:
        value = check(field_choice, "conditions", str(cond), tuple(CONDITIONS), "Condition")
        if value and value not in conditions:
            conditions.append(value)
    notes = check(field_text, "notes", str(form.get("notes") or ""), "Notes", limit=MAX_LONG_TEXT)
    if not existing and not name and not any(e.field == "name" for e in errors):
        errors.append(FieldError("name", "Give a name (a first name or 'Mum' is enough)."))
    if errors:
        raise FormErrors(errors)
    if existing:
        cf = session.get(CaredFor, existing)
        if cf is None or (cf.household_id and cf.household_id != c.household_id):
            raise FieldError("existing", "That person is not in this carer's household.")
        if session.exec(select(CareRelationship.id).where(CareRelationship.carer_id == c.id,
                                                          CareRelationship.cared_for_id == cf.id)).first():
            raise FieldError("existing", "This carer is already linked to that person.")
    else:
        cf = CaredFor(household_id=c.household_id, name=name or "", notes=notes or "")
        session.add(cf)
        session.flush()
        for cond in conditions:
            session.add(CaredForCondition(cared_for_id=cf.id, condition=cond))
    session.add(CareRelationship(carer_id=c.id, cared_for_id=cf.id, relationship=relationship or "other"))
    session.flush()
    audit.record(session, "create", "care_relationship", cf.id, worker_id)
    return cf.id


def add_contact(session: Session, carer_id: str, form: dict[str, str], today: date,
                worker_id: str | None = None) -> str:
    """A contact or note on the timeline: kind, date, how it was delivered (every contact but a
    note), duration in minutes, note."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    kind = check(field_choice, "kind", form.get("kind", "note"), tuple(CONTACT_KINDS), "Kind of contact")
    when = check(field_date, "contact_date", form.get("contact_date", ""), today, label="Date")
    mode = (form.get("mode") or "").strip() or None
    if kind == "note":
        mode = None  # a note records no delivery
    elif mode is None:
        errors.append(FieldError("mode", "Choose how it was delivered: face to face, phone, video, "
                                         "online group or text/message."))
    elif mode not in CONTACT_MODES:
        errors.append(FieldError("mode", "How it was delivered: face to face, phone, video, online group "
                                         "or text/message."))
    raw_minutes = (form.get("duration_minutes") or "").strip()
    minutes = 0
    if raw_minutes:
        if not re.fullmatch(r"[0-9]{1,4}", raw_minutes) or int(raw_minutes) > 24 * 60:
            errors.append(FieldError("duration_minutes",
                                     f"'{raw_minutes[:20]}' is not a number of minutes (0 to 1440)."))
        else:
            minutes = int(raw_minutes)
    note = check(field_text, "note", form.get("note", ""), "Note", limit=MAX_LONG_TEXT)
    if kind == "note" and not note and not any(e.field == "note" for e in errors):
        errors.append(FieldError("note", "Write the note."))
    if errors:
        raise FormErrors(errors)
    contact = Contact(carer_id=c.id, worker_id=worker_id, contact_date=when, kind=kind,
                      duration_minutes=minutes, note=note or "", mode=mode)
    session.add(contact)
    if kind != "note" and (c.last_contact_date is None or when > c.last_contact_date):
        c.last_contact_date = when
        c.updated_at = utcnow()
        session.add(c)
    session.flush()
    audit.record(session, "create", "contact", contact.id, worker_id)
    return contact.id


def household_cared_for(session: Session, carer_id: str) -> list[tuple[str, str]]:
    """(id, name) of people cared for in this carer's household that this carer is not linked to."""
    c = carer_row(session, carer_id)
    if not c.household_id:
        return []
    linked = select(CareRelationship.cared_for_id).where(CareRelationship.carer_id == c.id)
    return [(cid, name) for cid, name in session.exec(
        select(CaredFor.id, CaredFor.name).where(CaredFor.household_id == c.household_id,
                                                 col(CaredFor.id).not_in(linked))).all()]
