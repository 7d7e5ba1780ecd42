"""When a club meets: its recurrence (python-dateutil rrule), described, checked and expanded to dates.

A club meets weekly, fortnightly (anchored on its first date) or monthly, either on an nth
weekday ("second Tuesday", "last Friday") or on a date ("the 15th"; a date past the month's
end, such as the 31st, falls on the month's last day). Every date comes from an rrule: no
hand-written date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.rrule import FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule

from ycworker.common.errors import FieldError

FREQUENCIES = ("weekly", "fortnightly", "monthly")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RRULE_DAYS = (MO, TU, WE, TH, FR, SA, SU)
NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


@dataclass(frozen=True)
class Recurrence:
    frequency: str  # weekly | fortnightly | monthly
    weekday: int = 0  # Monday = 0 (weekly, fortnightly, monthly by nth weekday)
    nth_weekday: int | None = None  # monthly: 1..4 or -1 (last)
    month_day: int | None = None  # monthly: 1..31 (past the month's end: its last day)
    first_date: date | None = None
    last_date: date | None = None

    @classmethod
    def of(cls, club) -> Recurrence:
        return cls(club.frequency, club.weekday, club.nth_weekday, getattr(club, "month_day", None),
                   club.first_date, club.last_date)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe(rec: Recurrence) -> str:
    """'Every Tuesday', 'Every other Thursday', 'Second Tuesday of the month', ..."""
    day = WEEKDAY_NAMES[rec.weekday]
    if rec.frequency == "weekly":
        return f"Every {day}"
    if rec.frequency == "fortnightly":
        return f"Every other {day}"
    if rec.month_day:
        text = f"The {_ordinal(rec.month_day)} of each month"
        return text + (" (or the month's last day)" if rec.month_day > 28 else "")
    return f"{NTH_NAMES.get(rec.nth_weekday or 1, 'first').capitalize()} {day} of the month"


def check(rec: Recurrence) -> list[FieldError]:
    errors = []
    if rec.frequency not in FREQUENCIES:
        errors.append(FieldError("frequency", "Choose weekly, fortnightly or monthly."))
    if not 0 <= rec.weekday <= 6:
        errors.append(FieldError("weekday", "Choose a day of the week."))
    if rec.frequency == "monthly":
        if rec.month_day is None and rec.nth_weekday not in NTH_NAMES:
            errors.append(FieldError("pattern", "Choose first, second, third, fourth or last, or a date."))
        if rec.month_day is not None and not 1 <= rec.month_day <= 31:
            errors.append(FieldError("month_day", "A date in the month is 1 to 31."))
    if rec.frequency == "fortnightly" and rec.first_date is None:
        errors.append(FieldError("first_date",
                                 "A fortnightly club needs its first date, to know which weeks."))
    if rec.first_date and rec.last_date and rec.last_date < rec.first_date:
        errors.append(FieldError("last_date", "The last date is before the first date."))
    return errors


def rule(rec: Recurrence, start: date) -> rrule:
    """The club's rrule; ``start`` anchors it when the club has no first date."""
    anchor = datetime.combine(rec.first_date or start, time())
    until = datetime.combine(rec.last_date, time()) if rec.last_date else None
    day = _RRULE_DAYS[rec.weekday]
    if rec.frequency == "weekly":
        return rrule(WEEKLY, byweekday=day, dtstart=anchor, until=until)
    if rec.frequency == "fortnightly":
        return rrule(WEEKLY, interval=2, byweekday=day, dtstart=anchor, until=until)
    if rec.frequency == "monthly":
        if rec.month_day:
            if rec.month_day <= 28:
                return rrule(MONTHLY, bymonthday=rec.month_day, dtstart=anchor, until=until)
            # The 29th-31st, or the month's last day when it is shorter: the last of the days
            # from the 28th up to the wanted one that the month has.
            return rrule(MONTHLY, bymonthday=tuple(range(28, rec.month_day + 1)), bysetpos=-1,
                         dtstart=anchor, until=until)
        return rrule(MONTHLY, byweekday=day(rec.nth_weekday or 1), dtstart=anchor, until=until)
    raise ValueError(f"unknown frequency {rec.frequency!r}")


def dates_between(rec: Recurrence, start: date, end: date) -> list[date]:
    """The club's meeting dates from start to end, both included."""
    if end < start:
        return []
    r = rule(rec, start)
    return [d.date() for d in r.between(datetime.combine(start, time()), datetime.combine(end, time()),
                                        inc=True)]


def next_date(rec: Recurrence, after: date) -> date | None:
    """The first meeting on or after ``after``."""
    found = rule(rec, after).after(datetime.combine(after, time()), inc=True)
    return found.date() if found else None
