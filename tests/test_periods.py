from datetime import date

import pytest

from ycworker.periods import parse_quarter, previous_quarter, quarter_of


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
