from datetime import date

import pytest

from ycworker.common.periods import parse_quarter, previous_quarter, quarter_of


@pytest.mark.parametrize(
    "label,start,end",
    [
        ("2021-22-Q1", date(2021, 4, 1), date(2021, 6, 30)),
        ("2021-22-Q2", date(2021, 7, 1), date(2021, 9, 30)),
        ("2021-22-Q3", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021-22-Q4", date(2022, 1, 1), date(2022, 3, 31)),
        ("2099-00-Q4", date(2100, 1, 1), date(2100, 3, 31)),
    ],
)
def test_quarters(label, start, end):
    p = parse_quarter(label)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("bad", ["2021-23-Q1", "2021-22-Q5", "21-22-Q1", "2021/22 Q1", ""])
def test_bad_quarters_say_why(bad):
    with pytest.raises(ValueError, match="quarter|financial year"):
        parse_quarter(bad)


def test_quarter_of_a_date():
    assert quarter_of(date(2026, 11, 24)).label == "2026-27-Q3"
    assert quarter_of(date(2027, 3, 31)).label == "2026-27-Q4"
    assert previous_quarter(date(2026, 4, 1)).label == "2025-26-Q4"


def test_shift_quarter_back_and_on_across_years():
    from ycworker.common.periods import shift_quarter

    q = parse_quarter("2025-26-Q1")
    assert shift_quarter(q, -1).label == "2024-25-Q4"
    assert shift_quarter(q, 3).label == "2025-26-Q4"
    assert shift_quarter(q, 4).label == "2026-27-Q1"


@pytest.mark.parametrize(("text", "label"), [
    ("2025-26-Q2", "2025-26-Q2"), (" 2025-26-q2 ", "2025-26-Q2"),
    ("2025-08-01 to 2025-08-31", "2025-08-01_2025-08-31"), ("01/08/2025 31/08/2025", "2025-08-01_2025-08-31"),
    ("1/8/2025 TO 31/8/2025", "2025-08-01_2025-08-31"), ("2025-08-01 2025-08-01", "2025-08-01_2025-08-01"),
])
def test_parse_period_takes_a_quarter_or_two_dates(text, label):
    from ycworker.common.periods import parse_period

    assert parse_period(text).label == label


@pytest.mark.parametrize(("text", "why"), [
    ("", "Type a quarter"), ("2025-26-Q7", "quarter"), ("2025-08-01", "two dates"),
    ("2025-08-31 to 2025-08-01", "before it starts"), ("31/02/2025 to 01/03/2025", "no such day"),
    ("yesterday to today", "not a date"),
])
def test_parse_period_says_what_is_wrong(text, why):
    from ycworker.common.periods import parse_period

    with pytest.raises(ValueError, match=why):
        parse_period(text)
