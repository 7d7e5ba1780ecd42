"""Signposting as data: a young carer signposted to an organisation on the list the service keeps
(Kooth, a counselling service, a food bank ...), with the date and the outcome. The Returns screen
counts them by organisation (``ycworker.returns.casework``). A manager adds organisations to the
list (``add_organisation``; the role is checked by the use case). Audited like every record edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Organisation, Signposting
from ycworker.caseload.record import carer_row
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collect, collector
from ycworker.common.validators import MAX_TEXT, field_choice, field_date, field_text

OUTCOMES = {
    "referred": "Referred / details given",
    "engaged": "Engaged with them",
    "waiting_list": "On their waiting list",
    "declined": "Declined",
    "not_known": "Not known",
}


@dataclass(frozen=True)
class Signposted:
    signposting_id: str
    signposted_date: date
    organisation: str
    outcome: str
    note: str

    def describe(self) -> str:
        outcome = OUTCOMES.get(self.outcome, self.outcome)
        text = f"{self.signposted_date:%d/%m/%Y} {self.organisation}: {outcome}"
        return text + (f" ({self.note})" if self.note else "")


def organisations(session: Session, *, active_only: bool = True) -> list[tuple[str, str]]:
    """(name, id) of the organisations on the list, by name."""
    stmt = select(Organisation.name, Organisation.id).order_by(func.lower(Organisation.name))
    if active_only:
        stmt = stmt.where(col(Organisation.active))
    return [(name, oid) for name, oid in session.exec(stmt).all()]


def add_organisation(session: Session, form: dict[str, str], worker_id: str | None = None) -> str:
    """An organisation added to the signposting list (a manager's: checked by the caller)."""
    errors: list[FieldError] = []
    name = collect(errors, field_text, "name", form.get("name", ""), "Name", required=True, limit=MAX_TEXT)
    kind = collect(errors, field_text, "kind", form.get("kind", ""), "What they do", limit=MAX_TEXT)
    if errors:
        raise FormErrors(errors)
    same = session.exec(select(Organisation).where(func.lower(Organisation.name) == name.lower())).first()
    if same is not None:
        raise FieldError("name", f"'{same.name}' is already on the list.")
    row = Organisation(name=name, kind=kind or "")
    session.add(row)
    session.flush()
    audit.record(session, "create", "signposting_organisation", row.id, worker_id)
    return row.id


def add_signposting(session: Session, carer_id: str, form: dict[str, str], today: date,
                    worker_id: str | None = None) -> str:
    """The carer signposted to an organisation on the list: date, outcome, an optional note."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    org_id = (form.get("organisation") or "").strip()
    if not org_id:
        errors.append(FieldError("organisation", "Choose the organisation from the list (a manager adds "
                                                 "new ones)."))
    elif session.get(Organisation, org_id) is None:
        errors.append(FieldError("organisation",
                                 "That organisation is no longer on the list: choose another."))
    when = check(field_date, "signposted_date", form.get("signposted_date", ""), today, label="Date")
    outcome = check(field_choice, "outcome", form.get("outcome", "") or "referred", tuple(OUTCOMES),
                    "Outcome")
    note = check(field_text, "note", form.get("note", ""), "Note")
    if errors:
        raise FormErrors(errors)
    row = Signposting(carer_id=c.id, organisation_id=org_id, signposted_date=when, outcome=outcome,
                      note=note or "", worker_id=worker_id)
    session.add(row)
    session.flush()
    audit.record(session, "create", "signposting", row.id, worker_id)
    return row.id


def for_carer(session: Session, carer_id: str) -> list[Signposted]:
    """The carer's signposting, newest first."""
    return [Signposted(*r) for r in session.execute(
        sa_select(col(Signposting.id), col(Signposting.signposted_date), col(Organisation.name),
                  col(Signposting.outcome), col(Signposting.note))
        .join(Organisation, col(Organisation.id) == Signposting.organisation_id)
        .where(col(Signposting.carer_id) == carer_id)
        .order_by(col(Signposting.signposted_date).desc(), col(Signposting.created_at).desc())).all()]


def counts_by_organisation(session: Session, start: date, end: date) -> list[tuple[str, int]]:
    """(organisation, how many times carers were signposted to it) between two dates, both
    included; most first, then by name. Only organisations with at least one."""
    rows = session.exec(
        select(Organisation.name, func.count())
        .select_from(Signposting)
        .join(Organisation, col(Organisation.id) == Signposting.organisation_id)
        .where(col(Signposting.signposted_date) >= start, col(Signposting.signposted_date) <= end)
        .group_by(Organisation.name)).all()
    return sorted(((name, int(n)) for name, n in rows), key=lambda r: (-r[1], r[0].lower()))
