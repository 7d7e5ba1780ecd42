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
