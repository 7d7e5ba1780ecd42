"""UK financial-year quarters: 2021-22-Q1 is 1 April to 30 June 2021."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

_QUARTER = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    def __contains__(self, d: date) -> bool:
        return self.start <= d <= self.end


def parse_quarter(text: str) -> Period:
    m = _QUARTER.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a quarter; write it like 2021-22-Q1")
    year, short, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if (year + 1) % 100 != short:
        raise ValueError(f"'{text}' is not a financial year: {year}-{(year + 1) % 100:02d} follows {year}")
    start = date(year, 4, 1) + relativedelta(months=3 * (q - 1))
    end = start + relativedelta(months=3, days=-1)
    return Period(start, end, f"{year}-{short:02d}-Q{q}")


def quarter_of(d: date) -> Period:
    fy = d.year if d.month >= 4 else d.year - 1
    q = ((d.month - 4) % 12) // 3 + 1
    return parse_quarter(f"{fy}-{(fy + 1) % 100:02d}-Q{q}")


def previous_quarter(d: date) -> Period:
    return quarter_of(quarter_of(d).start - relativedelta(days=1))


def custom(start: date, end: date) -> Period:
    return Period(start, end, f"{start.isoformat()}_{end.isoformat()}")


def financial_year_start(d: date) -> date:
    return date(d.year if d.month >= 4 else d.year - 1, 4, 1)


def shift_quarter(period: Period, quarters: int) -> Period:
    """The quarter ``quarters`` on (or back) from the quarter a period starts in."""
    start = quarter_of(period.start).start + relativedelta(months=3 * quarters)
    return quarter_of(start)


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _day(text: str) -> date:
    m = _DAY.match(text.strip())
    if not m:
        raise ValueError(f"'{text.strip()}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY")
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(6), m.group(5), m.group(4))
    try:
        return date(int(y), int(mo), int(d))
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date (no such day)") from None


def parse_period(text: str) -> Period:
    """A quarter (``2025-26-Q2``) or two dates (``2025-08-01 to 2025-08-31``, ``01/08/2025 31/08/2025``)."""
    value = " ".join((text or "").split())
    if not value:
        raise ValueError("Type a quarter like 2025-26-Q2, or two dates like 2025-08-01 to 2025-08-31")
    if "Q" in value.upper() and "/" not in value:
        return parse_quarter(value.upper())
    parts = [p for p in re.split(r"\s+to\s+|\s+", value, flags=re.IGNORECASE) if p]
    if len(parts) != 2:
        raise ValueError(f"'{value[:40]}' is not a quarter or two dates; write 2025-26-Q2, or "
                         "2025-08-01 to 2025-08-31")
    start, end = _day(parts[0]), _day(parts[1])
    if end < start:
        raise ValueError(f"The period ends ({end:%d/%m/%Y}) before it starts ({start:%d/%m/%Y})")
    return custom(start, end)
