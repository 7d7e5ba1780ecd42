"""Issue 17: the caseload in name order pages by key (``after`` = the last key of the page before):
the same rows as OFFSET, none skipped or repeated, across ties on the name (same last and first
names: the id decides), for open, closed and everyone, and with a filter."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import TODAY
from tests.helpers import factories
from ycworker.caseload import search as caseload


def _people(s) -> None:
    # Ties on the whole name, on the last name, names that differ only by case, closed carers.
    names = [("Sam", "Khan")] * 5 + [("Amy", "Khan")] * 3 + [("Ben", "Smith"), ("ben", "Smith"),
                                                              ("Ben", "smith"), ("Zed", "Adams")]
    for n, (first, last) in enumerate(names * 2):
        factories.carer(s, first_name=first, last_name=last, status="closed" if n % 4 == 3 else "open",
                        date_of_birth=date(2008, 12, 1) if n % 3 == 0 else date(2012, 5, 1))


def _by_key(s, query, size):
    out, after = [], None
    for _ in range(100):
        w = caseload.window(s, query, TODAY, len(out), size, with_total=False, after=after)
        out += [r.carer_id for r in w.rows]
        if len(w.rows) < size:
            return out
        after = w.last_key
    raise AssertionError("paging by key did not end")


@pytest.mark.parametrize("query", [
    caseload.CaseloadQuery(),
    caseload.CaseloadQuery(status="all"),
    caseload.CaseloadQuery(status="closed"),
    caseload.CaseloadQuery(status="all", turning_18=True),
])
@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_name_order_pages_by_key_as_by_offset(store, query, size):
    with store.write() as s:
        _people(s)
    with store.read() as s:
        every = [r.carer_id for r in caseload.window(s, query, TODAY, 0, 200).rows]
        by_offset = [r.carer_id for off in range(0, len(every), size)
                     for r in caseload.window(s, query, TODAY, off, size).rows]
        by_key = _by_key(s, query, size)
        total = caseload.count(s, query, TODAY)
    assert len(every) == total > 0
    assert by_key == by_offset == every
    assert len(set(by_key)) == len(by_key)  # nothing repeated


def test_the_key_of_a_row_in_name_order_is_its_name_and_id(store):
    with store.write() as s:
        _people(s)
    with store.read() as s:
        w = caseload.window(s, caseload.CaseloadQuery(), TODAY, 0, 3)
    assert [r.sort_key[2] for r in w.rows] == [r.carer_id for r in w.rows]
    assert w.last_key == w.rows[-1].sort_key
    assert [k[:2] for k in (r.sort_key for r in w.rows)] == [("Khan", "Amy")] * 3  # both Adams closed
