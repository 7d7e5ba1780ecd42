"""School years and ages, England's 1 September cut-off: a child is in Reception in the school year
(1 September to 31 August) that starts when they are four; Reception is 0, Year 11 is 11."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta


def school_year_start(on: date) -> date:
    """1 September of the school year that ``on`` falls in."""
    return date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def school_year(date_of_birth: date, on: date) -> int:
    """The English school year of a child on a date: Reception 0, Year 1 = 1 ... Year 13 = 13.

    Negative for nursery-age children, above 13 for those past school age.
    """
    start = school_year_start(on)
    aug31 = date(start.year, 8, 31)
    age = aug31.year - date_of_birth.year - ((aug31.month, aug31.day) < (date_of_birth.month,
                                                                          date_of_birth.day))
    return age - 4


def describe_school_year(year: int) -> str:
    if year < 0:
        return "Nursery"
    if year == 0:
        return "Reception"
    if year > 13:
        return "Left school"
    return f"Year {year}"


def born_between_for_years(first_year: int, last_year: int, on: date) -> tuple[date, date]:
    """The dates of birth (inclusive) of children in school years first..last on a date."""
    start = school_year_start(on).year
    earliest = date(start - last_year - 5, 9, 1)
    latest = date(start - first_year - 4, 8, 31)
    return earliest, latest


def age_on(date_of_birth: date, on: date) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def born_between_for_ages(min_age: int, max_age: int, on: date) -> tuple[date, date]:
    """Dates of birth (inclusive) of people aged min..max on a date."""
    latest = on - relativedelta(years=min_age)
    earliest = on - relativedelta(years=max_age + 1) + relativedelta(days=1)
    return earliest, latest
