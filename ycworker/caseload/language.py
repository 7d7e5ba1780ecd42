"""Language and access: the young carer's first language, whether an interpreter is needed and any
communication needs, and the same for the family (on the household). Shown on the record, and as a
short marker beside the name on a club register and on an activity's day sheet (``markers``), so
staff running a session know before they start. Audited like every record edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import Carer, Household, utcnow
from ycworker.caseload.record import carer_row
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors, collector
from ycworker.common.validators import MAX_TEXT, field_text, field_yes_no

FIELDS = {
    "first_language": "First language",
    "interpreter_needed": "Interpreter needed",
    "communication_needs": "Communication needs",
    "family_first_language": "Family's first language",
    "family_interpreter_needed": "Interpreter for the family",
    "family_communication_needs": "Family's communication needs",
}


@dataclass(frozen=True)
class Access:
    """Language and access of a carer and their family."""

    first_language: str = ""
    interpreter_needed: bool = False
    communication_needs: str = ""
    family_first_language: str = ""
    family_interpreter_needed: bool = False
    family_communication_needs: str = ""

    @property
    def marker(self) -> str:
        """The short marker beside a name: who needs an interpreter (and in which language), or that
        there are communication needs; "" when nothing is recorded that staff must know."""
        return marker(self.first_language, self.interpreter_needed, self.communication_needs,
                      self.family_first_language, self.family_interpreter_needed,
                      self.family_communication_needs)

    def lines(self) -> list[str]:
        out = []
        own = _describe(self.first_language, self.interpreter_needed, self.communication_needs)
        family = _describe(self.family_first_language, self.family_interpreter_needed,
                           self.family_communication_needs)
        if own:
            out.append(f"Young carer: {own}")
        if family:
            out.append(f"Family: {family}")
        return out

    def form_values(self) -> dict[str, str]:
        return {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in self.__dict__.items()}


def _describe(language: str, interpreter: bool, needs: str) -> str:
    parts = []
    if language:
        parts.append(f"first language {language}")
    if interpreter:
        parts.append("INTERPRETER NEEDED" + (f" ({language})" if language else ""))
    if needs:
        parts.append(f"communication needs: {needs}")
    return "; ".join(parts)


def marker(language: str, interpreter: bool, needs: str, family_language: str, family_interpreter: bool,
           family_needs: str) -> str:
    if interpreter:
        return f"interpreter: {language}" if language else "interpreter"
    if family_interpreter:
        return f"family interpreter: {family_language}" if family_language else "family interpreter"
    if needs or family_needs:
        return "communication needs"
    return ""


def short(marker_text: str) -> str:
    """The marker in few letters, for a register's name column ("interp. Polish", "comm. needs")."""
    return (marker_text.replace("family interpreter", "fam. interp.").replace("interpreter", "interp.")
            .replace("communication needs", "comm. needs").replace(":", ""))


def of(session: Session, carer: Carer) -> Access:
    h = session.get(Household, carer.household_id) if carer.household_id else None
    return Access(carer.first_language, carer.interpreter_needed, carer.communication_needs,
                  h.first_language if h else "", h.interpreter_needed if h else False,
                  h.communication_needs if h else "")


def markers(session: Session, carer_ids: Iterable[str]) -> dict[str, str]:
    """carer id -> marker, for the carers that have one (a register, a day sheet)."""
    ids = list(carer_ids)
    out: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        for cid, *values in session.execute(
            sa_select(col(Carer.id), col(Carer.first_language), col(Carer.interpreter_needed),
                      col(Carer.communication_needs), col(Household.first_language),
                      col(Household.interpreter_needed), col(Household.communication_needs))
            .outerjoin(Household, col(Household.id) == Carer.household_id)
            .where(col(Carer.id).in_(ids[i:i + 500]))).all():
            text = marker(values[0] or "", bool(values[1]), values[2] or "", values[3] or "",
                          bool(values[4]), values[5] or "")
            if text:
                out[cid] = text
    return out


def save(session: Session, carer_id: str, form: dict[str, str], worker_id: str | None = None) -> Access:
    """Check and save the carer's and the family's language and access (a household is made for a
    carer without one when family needs are given)."""
    c = carer_row(session, carer_id)
    errors: list[FieldError] = []

    check = collector(errors)

    values: dict[str, Any] = {}
    for name, label in FIELDS.items():
        raw = str(form.get(name) or "")
        if name.endswith("interpreter_needed"):
            values[name] = check(field_yes_no, name, raw, label)
        else:
            values[name] = check(field_text, name, raw, label, limit=MAX_TEXT if "language" in name else 400)
    for prefix in ("", "family_"):
        if values.get(f"{prefix}interpreter_needed") and not values.get(f"{prefix}first_language") \
                and not any(e.field == f"{prefix}first_language" for e in errors):
            errors.append(FieldError(f"{prefix}first_language", "Say which language the interpreter is for."))
    if errors:
        raise FormErrors(errors)
    c.first_language = values["first_language"]
    c.interpreter_needed = bool(values["interpreter_needed"])
    c.communication_needs = values["communication_needs"]
    family = (values["family_first_language"], bool(values["family_interpreter_needed"]),
              values["family_communication_needs"])
    h = session.get(Household, c.household_id) if c.household_id else None
    if h is None and any(family):
        h = Household(name=f"{c.last_name} family", district_id=c.district_id)
        session.add(h)
        session.flush()
        c.household_id = h.id
    if session.is_modified(c):
        c.updated_at = utcnow()
        session.add(c)
        session.flush()
        audit.record(session, "update", "carer", c.id, worker_id)
    if h is not None:
        h.first_language, h.interpreter_needed, h.communication_needs = family
        if session.is_modified(h):
            h.updated_at = utcnow()
            session.add(h)
            session.flush()
            audit.record(session, "update", "household", h.id, worker_id)
    return of(session, c)
