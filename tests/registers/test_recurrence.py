"""Club recurrences through python-dateutil's rrule: weekly, fortnightly, nth weekday, dates."""

from __future__ import annotations

from datetime import date

import pytest

from ycworker.common import workdays
from ycworker.registers.clubs import Recurrence, check, dates_between, describe, next_date

MON, TUE, FRI = 0, 1, 4


def test_weekly_every_tuesday():
    rec = Recurrence("weekly", TUE)
    assert dates_between(rec, date(2026, 11, 1), date(2026, 11, 30)) == [
        date(2026, 11, 3), date(2026, 11, 10), date(2026, 11, 17), date(2026, 11, 24)]
    assert describe(rec) == "Every Tuesday"


def test_fortnightly_keeps_its_weeks_from_the_first_date():
    rec = Recurrence("fortnightly", TUE, first_date=date(2026, 11, 10))
    assert dates_between(rec, date(2026, 11, 1), date(2026, 12, 31)) == [
        date(2026, 11, 10), date(2026, 11, 24), date(2026, 12, 8), date(2026, 12, 22)]
    # A window starting on an "off" week still lands on the club's weeks.
    assert dates_between(rec, date(2026, 11, 16), date(2026, 12, 1)) == [date(2026, 11, 24)]
    assert describe(rec) == "Every other Tuesday"


def test_fortnightly_across_a_bank_holiday_still_falls_on_the_day():
    # Chosen rule: a bank holiday does not move or drop a session; the worker cancels it if the
    # venue is closed (the sessions list flags the bank holiday). Easter Monday 2027 is 29 March.
    assert date(2027, 3, 29) in workdays.bank_holidays(date(2027, 3, 1), date(2027, 4, 30))
    rec = Recurrence("fortnightly", MON, first_date=date(2027, 3, 15))
    got = dates_between(rec, date(2027, 3, 1), date(2027, 4, 30))
    assert got == [date(2027, 3, 15), date(2027, 3, 29), date(2027, 4, 12), date(2027, 4, 26)]
    # The fortnight after the bank holiday is not shifted.
    assert got[2] - got[1] == got[1] - got[0]


def test_fortnightly_across_christmas_and_the_year_end():
    rec = Recurrence("fortnightly", FRI, first_date=date(2026, 12, 11))
    assert dates_between(rec, date(2026, 12, 1), date(2027, 1, 31)) == [
        date(2026, 12, 11), date(2026, 12, 25), date(2027, 1, 8), date(2027, 1, 22)]


def test_second_tuesday_of_the_month():
    rec = Recurrence("monthly", TUE, nth_weekday=2)
    assert dates_between(rec, date(2026, 9, 1), date(2027, 3, 31)) == [
        date(2026, 9, 8), date(2026, 10, 13), date(2026, 11, 10), date(2026, 12, 8),
        date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    assert describe(rec) == "Second Tuesday of the month"


def test_last_friday_of_the_month_at_month_ends():
    rec = Recurrence("monthly", FRI, nth_weekday=-1)
    got = dates_between(rec, date(2026, 1, 1), date(2026, 12, 31))
    assert len(got) == 12
    assert date(2026, 1, 30) in got and date(2026, 7, 31) in got and date(2026, 2, 27) in got
    # The last Friday is within the last week of its month.
    for d in got:
        assert d.weekday() == FRI and (d.replace(day=28) if d.month == 2 else d).day >= 22
    assert describe(rec) == "Last Friday of the month"


def test_fourth_tuesday_in_a_month_with_five_tuesdays():
    rec = Recurrence("monthly", TUE, nth_weekday=4)
    # December 2026 has five Tuesdays (1, 8, 15, 22, 29): the fourth is the 22nd.
    assert dates_between(rec, date(2026, 12, 1), date(2026, 12, 31)) == [date(2026, 12, 22)]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (31, [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]),
        (30, [date(2027, 1, 30), date(2027, 2, 28), date(2027, 3, 30), date(2027, 4, 30)]),
        (29, [date(2027, 1, 29), date(2027, 2, 28), date(2027, 3, 29), date(2027, 4, 29)]),
        (15, [date(2027, 1, 15), date(2027, 2, 15), date(2027, 3, 15), date(2027, 4, 15)]),
    ],
)
def test_the_31st_falls_on_the_last_day_of_a_shorter_month(day, expected):
    rec = Recurrence("monthly", 0, month_day=day)
    assert dates_between(rec, date(2027, 1, 1), date(2027, 4, 30)) == expected


def test_the_31st_in_a_leap_february():
    rec = Recurrence("monthly", 0, month_day=31)
    assert dates_between(rec, date(2028, 2, 1), date(2028, 2, 29)) == [date(2028, 2, 29)]
    assert describe(rec) == "The 31st of each month (or the month's last day)"


def test_first_and_last_dates_bound_the_sessions():
    rec = Recurrence("weekly", TUE, first_date=date(2026, 11, 10), last_date=date(2026, 11, 24))
    assert dates_between(rec, date(2026, 10, 1), date(2026, 12, 31)) == [
        date(2026, 11, 10), date(2026, 11, 17), date(2026, 11, 24)]
    assert next_date(rec, date(2026, 11, 25)) is None
    assert next_date(rec, date(2026, 11, 11)) == date(2026, 11, 17)


def test_check_catches_what_a_worker_can_fix():
    assert {e.field for e in check(Recurrence("fortnightly", TUE))} == {"first_date"}
    assert {e.field for e in check(Recurrence("monthly", TUE))} == {"pattern"}
    assert {e.field for e in check(Recurrence("monthly", TUE, month_day=32))} == {"month_day"}
    assert {e.field for e in check(Recurrence("yearly", TUE))} == {"frequency"}
    assert check(Recurrence("monthly", TUE, nth_weekday=-1)) == []
