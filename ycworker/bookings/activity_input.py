"""What a worker types for a holiday activity: its days, times, cost and impact levels, parsed and
validated into an ActivityInput."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from ycworker.common.errors import FieldError, FormErrors

IMPACT_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True)
class DayInput:
    day_date: date
    start_time: time | None = None
    end_time: time | None = None


@dataclass
class ActivityInput:
    title: str
    days: list[DayInput]
    venue: str = ""
    holiday_period: str = ""
    capacity: int = 20
    min_age: int = 5
    max_age: int = 18
    eligible_impact: tuple[str, ...] = ()
    haf: bool = False
    funding: str = ""
    cost_pence: int = 0
    staff_notes: str = ""
    district_id: str | None = None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y")


def parse_date(text: str) -> date | None:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> time | None:
    text = text.strip().replace(".", ":")
    for fmt in ("%H:%M", "%H%M", "%H"):
        try:
            return datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    return None


_DAY_RE = re.compile(r"^\s*(\S+)(?:\s+(\d{1,2}[:.]?\d{2}|\d{1,2})\s*-\s*(\d{1,2}[:.]?\d{2}|\d{1,2}))?\s*$")


def parse_days(text: str) -> list[DayInput]:
    """Days as typed: ``2026-12-21 10:00-14:00; 22/12/2026 10:00-14:00`` (times optional).

    Separated by semicolons, commas or new lines. Raises FieldError("days", ...).
    """
    parts = [p for p in re.split(r"[;,\n]", text) if p.strip()]
    if not parts:
        raise FieldError("days", "Give at least one day, e.g. 2026-12-21 10:00-14:00.")
    days: list[DayInput] = []
    for part in parts:
        m = _DAY_RE.match(part)
        day = parse_date(m.group(1)) if m else None
        if m is None or day is None:
            raise FieldError("days", f"'{part.strip()}' is not a day: write it as 2026-12-21 10:00-14:00.")
        start = end = None
        if m.group(2):
            start, end = parse_time(m.group(2)), parse_time(m.group(3))
            if start is None or end is None:
                raise FieldError("days", f"'{part.strip()}': the times should look like 10:00-14:00.")
        days.append(DayInput(day, start, end))
    return days


def format_days(days: list[DayInput]) -> str:
    out = []
    for d in days:
        text = d.day_date.isoformat()
        if d.start_time and d.end_time:
            text += f" {d.start_time:%H:%M}-{d.end_time:%H:%M}"
        out.append(text)
    return "; ".join(out)


def parse_cost(text: str) -> int:
    """'£2.50', '2.5', '0', '' -> pence. Raises FieldError("cost", ...)."""
    cleaned = text.strip().replace("£", "").replace(",", "")
    if cleaned.lower() in ("", "free", "0"):
        return 0
    try:
        value = round(float(cleaned) * 100)
    except ValueError:
        raise FieldError("cost", f"'{text}' is not an amount: write it as 2.50, or 0 for free.") from None
    if value < 0:
        raise FieldError("cost", "The cost cannot be negative.")
    return value


def format_cost(pence: int) -> str:
    return "free" if not pence else f"£{pence // 100}.{pence % 100:02d}"


def parse_impact(text: str) -> tuple[str, ...]:
    """'medium, high' -> ('medium', 'high'); empty means anyone. Raises FieldError("impact")."""
    levels = [p.strip().lower() for p in re.split(r"[,\s/]+", text) if p.strip()]
    bad = [p for p in levels if p not in IMPACT_LEVELS]
    if bad:
        raise FieldError("impact", f"'{bad[0]}' is not an impact level: use low, medium or high.")
    return tuple(level for level in IMPACT_LEVELS if level in levels)


def validate(data: ActivityInput, today: date | None = None) -> None:
    errors: list[FieldError] = []
    if not data.title.strip():
        errors.append(FieldError("title", "Give the activity a title, e.g. Winter party."))
    if not data.days:
        errors.append(FieldError("days", "Give at least one day, e.g. 2026-12-21 10:00-14:00."))
    seen: set[date] = set()
    for d in data.days:
        if d.day_date in seen:
            errors.append(FieldError("days", f"{d.day_date:%a %d %b %Y} is given twice."))
            break
        seen.add(d.day_date)
        if d.start_time and d.end_time and d.end_time <= d.start_time:
            errors.append(FieldError("days", f"On {d.day_date:%a %d %b} the end time is not after "
                                             "the start."))
            break
    if not (1 <= data.capacity <= 1000):
        errors.append(FieldError("capacity", "Capacity is the number of places each day, 1 to 1000."))
    if not (0 <= data.min_age <= data.max_age <= 25):
        errors.append(FieldError("ages", "The age range should run from the youngest to the oldest "
                                         "age, 0 to 25."))
    bad = [i for i in data.eligible_impact if i not in IMPACT_LEVELS]
    if bad:
        errors.append(FieldError("impact", f"'{bad[0]}' is not an impact level: use low, medium or high."))
    if data.cost_pence < 0:
        errors.append(FieldError("cost", "The cost cannot be negative."))
    if errors:
        raise FormErrors(errors)
