"""Search and filters together: a search reads its matching carers by key and tests the filters
on each (ycworker/caseload/search.py); the result must be exactly the carers the search finds that the
filter alone lists, in the same order, whatever the filter."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import caseload_data
from ycworker.caseload import search as caseload

TODAY = date(2026, 11, 24)


def refs(store, **query) -> list[str]:
    with store.read() as s:
        window = caseload.window(s, caseload.CaseloadQuery(**query), TODAY, 0, 100)
    assert window.total == len(window.rows)
    return [r.carer_ref for r in window.rows]


@pytest.mark.parametrize("text", ["khan", "a", "castle", "yc-", "st mary", "zzz"])
@pytest.mark.parametrize("filters", [
    {}, {"status": "all"}, {"status": "closed"}, {"worker": "me"}, {"district": "dover"},
    {"impact": "high"}, {"impact": "none"}, {"turning_18": True}, {"overdue": True},
    {"sort": "deadline"}, {"sort": "last_contact"}, {"district": "thanet", "status": "all"},
])
def test_a_search_with_a_filter_is_the_search_within_the_filter(store, text, filters):
    ids = caseload_data.build(store)
    query = dict(filters)
    if query.pop("worker", None):
        query["worker_id"] = ids["me"]
    if "district" in query:
        query["district_id"] = ids[query.pop("district")]
    searched = set(refs(store, text=text, status="all"))
    listed = refs(store, **query)
    assert refs(store, text=text, **query) == [r for r in listed if r in searched]
    if text == "khan":
        assert {"YC-AAA111", "YC-AAA112"} <= searched  # the search itself finds them
