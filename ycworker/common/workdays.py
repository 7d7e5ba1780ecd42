"""Working days in England and Wales, and the statutory deadlines built on them.

A working day is Monday to Friday and not a bank holiday in England and Wales, one-off days
included (from the maintained ``holidays`` package). ``working_days_after(d, n)`` is the n-th
working day after d, d itself not counted: O(log n) with a sorted list of holidays and bisect.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from functools import lru_cache

import holidays

FIRST_YEAR = 1990
LAST_YEAR = 2060
CALENDAR_NAME = f"England and Wales bank holidays (python-holidays {holidays.__version__}, GB-ENG)"

ALLOCATION_DAYS = 5
ASSESSMENT_DAYS = 15


@lru_cache(maxsize=1)
def _weekday_holidays() -> tuple[date, ...]:
    """Bank holidays that fall Monday-Friday, sorted (weekend ones change nothing)."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST_YEAR, LAST_YEAR + 1))
    return tuple(sorted(d for d in days if d.weekday() < 5))


def bank_holidays(start: date, end: date) -> list[date]:
    """Weekday bank holidays from start to end, both included."""
    hols = _weekday_holidays()
    return list(hols[bisect_left(hols, start) : bisect_right(hols, end)])


def is_working_day(d: date) -> bool:
    if d.weekday() >= 5:
        return False
    hols = _weekday_holidays()
    i = bisect_left(hols, d)
    return not (i < len(hols) and hols[i] == d)


def _weekdays_up_to(d: date) -> int:
    """How many Monday-Fridays there are from the epoch Monday 0001-01-01 to d, d included."""
    ordinal = d.toordinal() - 1  # 0001-01-01 is a Monday, ordinal 1
    weeks, rest = divmod(ordinal + 1, 7)
    return weeks * 5 + min(rest, 5)


def _working_days_up_to(d: date) -> int:
    return _weekdays_up_to(d) - bisect_right(_weekday_holidays(), d)


def working_days_between(start: date, end: date) -> int:
    """Working days after start, up to and including end (negative if end is before start)."""
    return _working_days_up_to(end) - _working_days_up_to(start)


def working_days_after(d: date, n: int) -> date:
    """The n-th working day after d (d itself not counted). n >= 0; n == 0 returns d."""
    if n < 0:
        raise ValueError("n must be 0 or more")
    if n == 0:
        return d
    target = _working_days_up_to(d) + n
    # The answer is at least n weekdays on; holidays push it later. Jump, then settle.
    guess = d + timedelta(days=n + (n // 5) * 2)
    while _working_days_up_to(guess) < target:
        short = target - _working_days_up_to(guess)
        guess += timedelta(days=max(1, short))
    while not is_working_day(guess) or _working_days_up_to(guess - timedelta(days=1)) >= target:
        guess -= timedelta(days=1)
    return guess


def allocation_deadline(referral_date: date) -> date:
    return working_days_after(referral_date, ALLOCATION_DAYS)


def assessment_deadline(allocated_date: date) -> date:
    return working_days_after(allocated_date, ASSESSMENT_DAYS)


def describe_deadline(deadline: date, today: date) -> str:
    """'due today', 'due in 3 working days', 'overdue by 2 working days'."""
    if deadline == today:
        return "due today"
    if deadline > today:
        n = working_days_between(today, deadline)
        return f"due in {n} working day{'s' if n != 1 else ''}"
    n = working_days_between(deadline, today)
    n = max(n, 1)
    return f"overdue by {n} working day{'s' if n != 1 else ''}"
