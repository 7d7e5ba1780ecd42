"""What the service-log modules share: the listing window, field checks, and saving with audit.

The service log is the activity the commissioner's return counts beside the casework: awareness
sessions (``ycworker.service_log.awareness``), training (``training``), schools and their Young Carer
Champions (``schools``), satisfaction feedback (``feedback``), the Compliments, Comments and
Complaints log (``triple_c``), the safeguarding themes log (``safeguarding``) and bus pass
applications (``bus_passes``). Each module checks a form (a dict of the strings typed) and raises
``FormErrors`` naming every bad field, or saves the entry with an audit entry in the same
transaction (no personal data in it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from db.models import Carer, District, School, utcnow
from db.models.base import Record
from ycworker.common import audit, periods
from ycworker.common.errors import FieldError, FormErrors
from ycworker.common.validators import MAX_LONG_TEXT, field_date, field_text  # noqa: F401  (for the modules)

LIMIT = 1000  # rows a list shows at most (newest first); the summary counts them all

WINDOWS = ("quarter", "year", "all")
WINDOW_LABELS = {"quarter": "this quarter", "year": "this financial year", "all": "everything"}


@dataclass(frozen=True)
class Window:
    """The dates a list covers: this quarter, this financial year, or everything."""

    kind: str
    start: date | None
    end: date | None

    @property
    def label(self) -> str:
        if self.kind == "all" or self.start is None or self.end is None:
            return "everything"
        return f"{WINDOW_LABELS[self.kind]} ({self.start:%d/%m/%Y} to {self.end:%d/%m/%Y})"


def window(kind: str, today: date) -> Window:
    if kind == "quarter":
        q = periods.quarter_of(today)
        return Window(kind, q.start, q.end)
    if kind == "year":
        start = periods.financial_year_start(today)
        return Window(kind, start, date(start.year + 1, 3, 31))
    return Window("all", None, None)


def next_window(kind: str) -> str:
    return WINDOWS[(WINDOWS.index(kind) + 1) % len(WINDOWS)] if kind in WINDOWS else "year"


def within(column: Any, w: Window) -> list[ColumnElement[bool]]:
    """SQL conditions putting ``column`` (a model's date field) inside the window (none for everything)."""
    if w.start is None or w.end is None:
        return []
    return [col(column) >= w.start, col(column) <= w.end]


@dataclass(frozen=True)
class Listing:
    rows: list[Any]
    total: int  # in the window, even past LIMIT
    summary: str  # one line a worker reads first (counts for the return)

    @property
    def capped(self) -> bool:
        return self.total > len(self.rows)


# -- checking a form ------------------------------------------------------------------------------

class Checker:
    """Collects every field's error so the form shows them all at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def __call__(self, fn: Callable[..., Any], *args: Any, default: Any = None, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except FieldError as exc:
            self.errors.append(exc)
            return default

    def add(self, name: str, message: str) -> None:
        self.errors.append(FieldError(name, message))

    def failed(self, name: str) -> bool:
        return any(e.field == name for e in self.errors)

    def done(self) -> None:
        if self.errors:
            raise FormErrors(self.errors)


def field_int(name: str, raw: str, label: str, *, minimum: int = 0, maximum: int = 100_000,
              required: bool = True) -> int | None:
    value = (raw or "").strip().replace(",", "")
    if not value:
        if required:
            raise FieldError(name, f"{label} is needed (a whole number).")
        return None
    if not value.isascii() or not value.isdigit():
        raise FieldError(name, f"'{value[:20]}' is not a whole number; write it as digits, e.g. 12.")
    number = int(value)
    if number < minimum:
        raise FieldError(name, f"{label} should be at least {minimum}.")
    if number > maximum:
        raise FieldError(name, f"{label} of {number} is more than {maximum:,}: check it.")
    return number


def field_key(name: str, raw: str, choices: dict[str, str], label: str, *, required: bool = True) -> str:
    """One of a fixed list, typed or chosen by its key or its label."""
    value = (raw or "").strip()
    if not value:
        if required:
            raise FieldError(name, f"Choose the {label.lower()}.")
        return ""
    for key, text in choices.items():
        if value.lower() in (key, text.lower()) or value.lower().replace(" ", "_") == key:
            return key
    raise FieldError(name, f"'{value[:40]}' is not a {label.lower()}; choose one of "
                           f"{', '.join(choices.values())}.")


def field_yes_no(name: str, raw: str, label: str) -> bool:
    value = (raw or "").strip().lower()
    if value in ("y", "yes", "true", "1"):
        return True
    if value in ("n", "no", "false", "0"):
        return False
    raise FieldError(name, f"{label}: choose yes or no.")


def find_carer(session: Session, name: str, raw: str, *, required: bool) -> str | None:
    """A carer by the service's own ref (as on their record)."""
    ref = " ".join((raw or "").split())
    if not ref:
        if required:
            raise FieldError(name, "Give the young carer's ref, as on their record (e.g. YC-001234).")
        return None
    found = session.exec(select(Carer.id).where(func.lower(Carer.carer_ref) == ref.lower())).first()
    if found is None:
        raise FieldError(name, f"No young carer has the ref '{ref[:40]}'. Check it on their record.")
    return found


def carer_ref(session: Session, carer_id: str | None) -> str:
    if not carer_id:
        return ""
    return session.exec(select(Carer.carer_ref).where(Carer.id == carer_id)).first() or ""


def find_school(session: Session, name: str, raw: str, *, required: bool = False) -> str | None:
    text = " ".join((raw or "").split())
    if not text:
        if required:
            raise FieldError(name, "Give the school's name.")
        return None
    found = session.exec(select(School.id).where(func.lower(School.name) == text.lower())).first()
    if found is None:
        raise FieldError(name, f"'{text[:40]}' is not on the schools list; add it under Schools first, "
                               "or check the spelling.")
    return found


def district_options(session: Session) -> list[tuple[str, str]]:
    """(name, id) of every district, for a form's choice list."""
    return [(n, i) for i, n in session.exec(select(District.id, District.name).order_by(District.name))]


def check_district(session: Session, name: str, raw: str) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if session.get(District, value) is not None:
        return value
    found = session.exec(select(District.id).where(func.lower(District.name) == value.lower())).first()
    if found is None:
        raise FieldError(name, f"'{value[:40]}' is not one of the service's districts.")
    return found


# -- saving ---------------------------------------------------------------------------------------

class NotFound(FieldError):
    def __init__(self, what: str):
        super().__init__("", f"That {what} is no longer there; refresh the list.")


R = TypeVar("R", bound=Record)


def table_name(model: type[Record]) -> str:
    """The model's table, as the audit log names it."""
    name: str = sa.inspect(model).local_table.name
    return name


def save(session: Session, model: type[Record], entry_id: str | None, values: dict[str, Any],
         worker_id: str | None, what: str) -> str:
    """Create the entry (no id) or change it; audited in the same transaction."""
    if entry_id is None:
        row = model(**values)
        session.add(row)
        session.flush()
        audit.record(session, "create", table_name(model), row.id, worker_id)
        return row.id
    found = session.get(model, entry_id)
    if found is None:
        raise NotFound(what)
    row = found
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if changed:
        row.updated_at = utcnow()
        session.add(row)
        session.flush()
        audit.record(session, "update", table_name(model), row.id, worker_id)
    return row.id


def get(session: Session, model: type[R], entry_id: str, what: str) -> R:
    row = session.get(model, entry_id)
    if row is None:
        raise NotFound(what)
    return row


def uk(d: date | None) -> str:
    return "" if d is None else d.strftime("%d/%m/%Y")
