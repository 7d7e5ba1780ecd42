from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ycworker.common.workdays import (
    allocation_deadline,
    assessment_deadline,
    bank_holidays,
    describe_deadline,
    is_working_day,
    working_days_after,
    working_days_between,
)


def _slow(d: date, n: int) -> date:
    count = 0
    while count < n:
        d += timedelta(days=1)
        if is_working_day(d):
            count += 1
    return d


def test_spec_example_friday_referral():
    assert allocation_deadline(date(2021, 10, 1)) == date(2021, 10, 8)


def test_one_off_bank_holidays_are_not_working_days():
    for d in (date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)):
        assert not is_working_day(d), d
    # Tuesday 31 May 2022 + 5 working days skips the Jubilee Thursday and Friday.
    assert working_days_after(date(2022, 5, 31), 5) == date(2022, 6, 9)
    # Friday 16 Sep 2022 + 1 skips the Queen's funeral on Monday 19th.
    assert working_days_after(date(2022, 9, 16), 1) == date(2022, 9, 20)
    # Friday 5 May 2023 + 1 skips the Coronation on Monday 8th.
    assert working_days_after(date(2023, 5, 5), 1) == date(2023, 5, 9)


def test_easter_and_christmas():
    # Thursday 14 April 2022: Good Friday 15th and Easter Monday 18th are skipped.
    assert working_days_after(date(2022, 4, 14), 1) == date(2022, 4, 19)
    # Friday 23 Dec 2022: 26th and 27th (Christmas observed) skipped.
    assert working_days_after(date(2022, 12, 23), 1) == date(2022, 12, 28)
    assert bank_holidays(date(2022, 12, 1), date(2022, 12, 31)) == [date(2022, 12, 26), date(2022, 12, 27)]


def test_weekend_start_and_zero():
    assert working_days_after(date(2026, 11, 21), 1) == date(2026, 11, 23)  # Saturday -> Monday
    assert working_days_after(date(2026, 11, 21), 0) == date(2026, 11, 21)


def test_assessment_deadline_is_fifteen_working_days():
    assert assessment_deadline(date(2026, 11, 2)) == date(2026, 11, 23)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 12, 31)), st.integers(0, 60))
def test_matches_counting_day_by_day(d, n):
    result = working_days_after(d, n)
    assert result == _slow(d, n)
    assert working_days_between(d, result) == n


def test_describe_deadline():
    today = date(2026, 11, 24)  # Tuesday
    assert describe_deadline(today, today) == "due today"
    assert describe_deadline(date(2026, 11, 25), today) == "due in 1 working day"
    assert describe_deadline(date(2026, 11, 30), today) == "due in 4 working days"
    assert describe_deadline(date(2026, 11, 20), today) == "overdue by 2 working days"
