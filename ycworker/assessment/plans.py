"""Support plans: actions co-designed with the young carer (what, who, by when, status).

An action is ``open`` until it is ``done`` (with the day it was done) or ``dropped``. An open
action whose due date is before today is overdue: the home screen lists those
(``ycworker.home.day``: status open and due_date < today), and so does the plan screen. Due dates may
be in the future (that is the point of a plan); the day an action was done may not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from db.models import Assessment, Carer, PlanAction, utcnow
from ycworker.caseload import review_schedule
from ycworker.caseload.closure import drop_open_plan_actions as drop_open_actions
from ycworker.common import audit
from ycworker.common.errors import FieldError, FormErrors
from ycworker.common.errors import collect as errors_collect
from ycworker.common.validators import field_date, field_text, parse_date

STATUSES = {"open": "Open", "done": "Done", "dropped": "Dropped"}
WHO_SUGGESTIONS = ("Worker", "Carer", "Parent", "School", "Cared-for person", "Other")
EARLIEST_DUE = date(2000, 1, 1)


@dataclass(frozen=True)
class ActionRow:
    id: str
    what: str
    who: str
    due_date: date | None
    status: str
    done_date: date | None
    overdue: bool

    @property
    def status_text(self) -> str:
        if self.status == "done" and self.done_date:
            return f"done {self.done_date:%d/%m/%Y}"
        if self.overdue:
            return "overdue"
        return STATUSES.get(self.status, self.status).lower()


@dataclass(frozen=True)
class Plan:
    carer_id: str
    name: str
    carer_ref: str
    actions: list[ActionRow]
    review_due: date | None = None
    review_text: str = ""  # "review due 03 Mar 2027", "review overdue by 5 days (due ...)" or ""

    @property
    def overdue(self) -> int:
        return sum(a.overdue for a in self.actions)

    @property
    def open(self) -> int:
        return sum(a.status == "open" for a in self.actions)


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """The home screen's rule: open and due before today."""
    return status == "open" and due is not None and due < today


def _row(a: PlanAction, today: date) -> ActionRow:
    return ActionRow(a.id, a.what, a.who, a.due_date, a.status, a.done_date,
                     is_overdue(a.status, a.due_date, today))


def load_plan(session: Session, carer_id: str, today: date) -> Plan:
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("carer", "That young carer is no longer there.")
    rows = session.exec(select(PlanAction).where(PlanAction.carer_id == carer_id)).all()
    order = {"open": 0, "done": 1, "dropped": 2}
    rows = sorted(rows, key=lambda a: (order.get(a.status, 3), a.due_date or date.max, a.created_at))
    return Plan(carer_id, f"{carer.preferred_name or carer.first_name} {carer.last_name}",
                carer.carer_ref, [_row(a, today) for a in rows], carer.review_due_date,
                review_schedule.describe(carer.review_due_date, today))


def _due(raw: str) -> date | None:
    value = (raw or "").strip()
    if not value:
        return None
    try:
        d = parse_date(value)
    except ValueError as exc:
        raise FieldError("due_date", f"'{value}' {exc}.") from None
    if d < EARLIEST_DUE:
        raise FieldError("due_date", f"'{value}' is too long ago: check the year.")
    return d


def _check(form: Mapping[str, str], today: date, *, created: date | None = None
           ) -> tuple[str, str, date | None, str, date | None]:
    errors: list[FieldError] = []

    def collect(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        return errors_collect(errors, fn, *args, **kw)

    what = collect(field_text, "what", form.get("what", ""), "What", required=True)
    who = collect(field_text, "who", form.get("who", ""), "Who", required=True, limit=100)
    due = collect(_due, form.get("due_date", ""))
    status = (form.get("status") or "open").strip().lower()
    if status not in STATUSES:
        errors.append(FieldError("status", "Status is open, done or dropped."))
    done = None
    if status == "done":
        done = collect(field_date, "done_date", form.get("done_date") or f"{today:%d/%m/%Y}", today,
                       label="Date done", not_before=created, not_before_label="the plan action")
    if errors:
        raise FormErrors(errors)
    return what, who, due, status, done


def latest_assessment_id(session: Session, carer_id: str) -> str | None:
    return session.exec(select(Assessment.id).where(Assessment.carer_id == carer_id,
                                                    Assessment.status == "completed")
                        .order_by(col(Assessment.completed_date).desc())).first()


def add_action(session: Session, carer_id: str, form: Mapping[str, str], today: date,
               worker_id: str | None = None) -> str:
    """Add an action to the carer's plan (linked to their latest completed assessment). The plan's
    first action makes the plan: its review falls due the service's review weeks after today."""
    carer = session.get(Carer, carer_id)
    if carer is None:
        raise FieldError("what", "That young carer is no longer there.")
    what, who, due, status, done = _check(form, today)
    a = PlanAction(carer_id=carer_id, assessment_id=latest_assessment_id(session, carer_id), what=what,
                   who=who, due_date=due, status=status, done_date=done)
    session.add(a)
    review_schedule.plan_made(session, carer, today)
    session.flush()
    audit.record(session, "create", "plan_action", a.id, worker_id)
    return a.id


def _action(session: Session, action_id: str) -> PlanAction:
    a = session.get(PlanAction, action_id)
    if a is None:
        raise FieldError("what", "That plan action is no longer there.")
    return a


def update_action(session: Session, action_id: str, form: Mapping[str, str], today: date,
                  worker_id: str | None = None) -> None:
    a = _action(session, action_id)
    form = dict(form)
    if form.get("status", a.status) == "done" and not form.get("done_date") and a.done_date:
        form["done_date"] = f"{a.done_date:%d/%m/%Y}"
    what, who, due, status, done = _check(form, today)
    a.what, a.who, a.due_date, a.status, a.done_date = what, who, due, status, done
    a.updated_at = utcnow()
    session.add(a)
    session.flush()
    audit.record(session, "update", "plan_action", a.id, worker_id)


def set_status(session: Session, action_id: str, status: str, today: date,
               worker_id: str | None = None) -> ActionRow:
    """Mark an action done (today), dropped, or open again."""
    if status not in STATUSES:
        raise FieldError("status", "Status is open, done or dropped.")
    a = _action(session, action_id)
    a.status = status
    a.done_date = today if status == "done" else None
    a.updated_at = utcnow()
    session.add(a)
    session.flush()
    audit.record(session, "update", "plan_action", a.id, worker_id)
    return _row(a, today)


def open_count(session: Session, carer_id: str) -> int:
    return len(session.exec(select(PlanAction.id).where(PlanAction.carer_id == carer_id,
                                                        PlanAction.status == "open")).all())


__all__ = [
    "STATUSES", "WHO_SUGGESTIONS", "ActionRow", "Plan", "add_action", "drop_open_actions", "is_overdue",
    "latest_assessment_id", "load_plan", "open_count", "set_status", "update_action",
]
