"""A young carer's record for scripts (``ycworker carer show|set REF``, shared/spec/team.md).

``show`` is the record as one plain dict (the keys of the spec, in its order), its opening audited
as the record screen's is. ``set`` changes one of a few profile fields through the record screen's
own service (``carers.update_field``, the same validators, the same audit entry, and so the same
team queue, which is filled from the ORM's flush): nothing here writes a field any other way,
except the impact level, which the record screen does not edit (an assessment sets it) and which is
checked against the same list the caseload filter and the import use.

Two rules are stricter than the record screen's, because a script cannot see a list to pick from:
a school must already be one of the service's schools (the screen adds a typed new one), and the
impact level cannot be cleared. A refusal is a ``UserError`` with a sentence naming what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from db.models import Carer, District, School, Worker, utcnow
from ycworker.caseload import carers
from ycworker.caseload.record import carer_row
from ycworker.caseload.search import IMPACTS
from ycworker.common import audit
from ycworker.common.context import Context
from ycworker.common.errors import FieldError, FormErrors, UserError
from ycworker.common.validators import field_choice, field_text

#: The keys of ``carer show``, in the spec's order.
SHOW_KEYS = ("carer_ref", "first_name", "last_name", "preferred_name", "date_of_birth", "school",
             "district", "impact_level", "worker", "status")
#: The fields ``carer set`` may change.
SETTABLE = ("first_name", "last_name", "preferred_name", "school", "district", "impact_level")
#: The carer's column each settable field writes (to tell a change from the same value again).
_COLUMN = {"school": "school_id", "district": "district_id"}
#: How many schools a refusal names at most.
_SCHOOLS_NAMED = 15


def find_carer_id(session: Session, carer_ref: str) -> str:
    """The id of the young carer with this reference (any case), or a sentence saying there is none."""
    ref = (carer_ref or "").strip()
    if not ref:
        raise UserError("Give the young carer's reference, e.g. YC-AMIR01.")
    found = session.exec(select(Carer.id).where(func.lower(Carer.carer_ref) == ref.casefold())).first()
    if found is None:
        raise UserError(f"No young carer has the reference {ref[:40]}.")
    return found


def _name_of(session: Session, model: Any, row_id: str | None) -> str | None:
    if not row_id:
        return None
    name: str | None = session.exec(select(model.name).where(model.id == row_id)).first()
    return name


def show(store: Any, carer_ref: str, ctx: Context) -> dict[str, str | None]:
    """The carer as ``carer show`` prints them; the viewing is audited (no personal data in it)."""
    with store.write() as session:
        c = carer_row(session, find_carer_id(session, carer_ref))
        shown: dict[str, str | None] = {
            "carer_ref": c.carer_ref,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "preferred_name": c.preferred_name,
            "date_of_birth": c.date_of_birth.isoformat(),
            "school": _name_of(session, School, c.school_id),
            "district": _name_of(session, District, c.district_id),
            "impact_level": c.impact_level,
            "worker": _name_of(session, Worker, c.worker_id),
            "status": c.status,
        }
        audit.record(session, "view", "carer", c.id, ctx.worker_id)
    assert tuple(shown) == SHOW_KEYS
    return shown


@dataclass(frozen=True)
class Changed:
    """What ``carer set`` did: the carer's reference, the field, the value as the record now shows
    it, and whether anything changed (the same value again writes and audits nothing)."""

    carer_ref: str
    field: str
    shown: str
    changed: bool


def set_field(store: Any, carer_ref: str, name: str, raw: str, ctx: Context) -> Changed:
    """Check and save one field, in one transaction; refuses with a sentence (``UserError``)."""
    if name not in SETTABLE:
        raise UserError(f"'{name[:40]}' cannot be changed from the command line; the fields that can "
                        f"are {', '.join(SETTABLE)}.")
    try:
        with store.write() as session:
            c = carer_row(session, find_carer_id(session, carer_ref))
            column = _COLUMN.get(name, name)
            before = getattr(c, column)
            if name == "impact_level":
                shown = _set_impact(session, c, raw, ctx)
            else:
                if name == "school":
                    _require_known_school(session, raw)
                shown = carers.update_field(session, c.id, name, raw, ctx.today, ctx.worker_id)
            return Changed(c.carer_ref, name, shown, getattr(c, column) != before)
    except FormErrors as exc:
        raise UserError(" ".join(e.message for e in exc.errors)) from None
    except FieldError as exc:
        raise UserError(exc.message) from None


def _require_known_school(session: Session, raw: str) -> None:
    """A school named on the command line must be one of the service's (none: clears it)."""
    value = field_text("school", raw, carers.PROFILE_FIELDS["school"])
    if not value or session.exec(select(School.id).where(func.lower(School.name) == value.lower())).first():
        return
    names = list(session.exec(select(School.name).order_by(School.name)).all())
    alike = [n for n in names if value.lower() in n.lower()]
    if alike:
        hint = f"; schools with '{value[:40]}' in their name: {_some(alike)}"
    elif names:
        hint = f"; the service's schools are {_some(names)}"
    else:
        hint = "; the service has no schools yet (add one from the carer's record)"
    raise FieldError("school", f"'{value[:40]}' is not one of the service's schools{hint}.")


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:_SCHOOLS_NAMED])
    more = len(names) - _SCHOOLS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def _set_impact(session: Session, c: Carer, raw: str, ctx: Context) -> str:
    """The impact level (low, medium or high), saved and audited as ``update_field`` saves a field."""
    value = field_choice("impact_level", raw, IMPACTS, "Level of impact")
    c.impact_level = value
    if session.is_modified(c):
        c.updated_at = utcnow()
        session.add(c)
        session.flush()
        audit.record(session, "update", "carer", c.id, ctx.worker_id)
    return value

