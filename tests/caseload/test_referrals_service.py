"""Support request services: deadlines across weekends, Easter, Christmas and the one-off bank
holidays; consent, allocation, closure and reopening; duplicates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import AuditEntry, Carer, Referral
from tests.helpers import caseload_data
from tests.helpers import factories as f
from ycworker.caseload import duplicates, referrals
from ycworker.caseload import search as caseload
from ycworker.common import workdays
from ycworker.common.errors import FieldError, FormErrors

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("referred,deadline", [
    (date(2021, 10, 1), date(2021, 10, 8)),     # the spec's example: Friday to Friday
    (date(2026, 11, 21), date(2026, 11, 27)),   # a Saturday referral: Mon-Fri of the next week
    (date(2026, 11, 22), date(2026, 11, 27)),   # a Sunday referral
    (date(2024, 3, 28), date(2024, 4, 8)),      # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr
    (date(2022, 12, 23), date(2023, 1, 4)),     # Christmas 2022: 26, 27 Dec and 2 Jan substitutes
    (date(2022, 6, 1), date(2022, 6, 10)),      # Platinum Jubilee: Thu 2 and Fri 3 June 2022
    (date(2022, 5, 27), date(2022, 6, 7)),      # ...and 30 May 2022 was a working day that year
    (date(2022, 9, 16), date(2022, 9, 26)),     # the Queen's funeral, Mon 19 Sep 2022
    (date(2023, 5, 5), date(2023, 5, 15)),      # the Coronation, Mon 8 May 2023
])
def test_allocation_deadline_is_five_working_days(referred, deadline):
    assert workdays.allocation_deadline(referred) == deadline
    kind, when = caseload.pending_deadline(referred, None, None, None, "pending")
    assert (kind, when) == ("allocation", deadline)


@pytest.mark.parametrize("allocated,deadline", [
    (date(2022, 5, 30), date(2022, 6, 22)),     # over the Jubilee days
    (date(2026, 12, 14), date(2027, 1, 7)),     # over Christmas 2026 (Boxing Day substitute Mon 28)
    (date(2025, 4, 14), date(2025, 5, 8)),      # over Easter 2025 and the early May bank holiday
])
def test_assessment_deadline_is_fifteen_working_days(allocated, deadline):
    assert workdays.assessment_deadline(allocated) == deadline
    kind, when = caseload.pending_deadline(date(2020, 1, 1), allocated, None, None, "given")
    assert (kind, when) == ("assessment", deadline)


def test_deadline_text_counts_working_days_both_ways():
    # Referred Fri 20 Nov 2026: allocation due Fri 27 Nov; today Tue 24 Nov.
    assert referrals.deadline_text(date(2026, 11, 20), None, None, None, "pending", TODAY) == \
        "allocation due in 3 working days"
    # Referred Fri 13 Nov: due Fri 20 Nov; Mon 23 and Tue 24 have passed.
    assert referrals.deadline_text(date(2026, 11, 13), None, None, None, "pending", TODAY) == \
        "allocation overdue by 2 working days"
    assert referrals.deadline_text(date(2026, 11, 17), None, None, None, "given", TODAY) == \
        "allocation due today"
    # Over Christmas: today Wed 23 Dec 2026, allocated Mon 14 Dec: due Thu 7 Jan = 8 working days.
    assert referrals.deadline_text(date(2026, 12, 1), date(2026, 12, 14), None, None, "given",
                                   date(2026, 12, 23)) == "assessment due in 8 working days"
    # No clock once assessed, closed, or while consent is refused and nobody is allocated.
    assert referrals.deadline_text(date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 5), None,
                                   "given", TODAY) == ""
    assert referrals.deadline_text(date(2026, 11, 1), None, None, date(2026, 11, 3), "given", TODAY) == ""
    assert referrals.deadline_text(date(2026, 11, 1), None, None, None, "refused", TODAY) == ""


def test_overdue_filter_agrees_with_the_deadlines(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        window = caseload.window(s, caseload.CaseloadQuery(overdue=True), TODAY)
    assert {r.carer_id for r in window.rows} == {ids["amira"], ids["chloe"]}
    assert all(r.overdue for r in window.rows)
    # Zain's allocation falls due on Fri 27 Nov: overdue from Mon 30 Nov, not on the 27th.
    with store.read() as s:
        on_27 = caseload.window(s, caseload.CaseloadQuery(overdue=True), date(2026, 11, 27))
        on_30 = caseload.window(s, caseload.CaseloadQuery(overdue=True), date(2026, 11, 30))
    assert ids["zain"] not in {r.carer_id for r in on_27.rows}
    assert ids["zain"] in {r.carer_id for r in on_30.rows}


def test_sort_by_deadline_puts_the_most_urgent_first(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        rows = caseload.window(s, caseload.CaseloadQuery(sort="deadline"), TODAY).rows
    assert [r.carer_id for r in rows] == [ids["chloe"], ids["amira"], ids["zain"], ids["ben"]]


def _form(**kw):
    base = dict(first_name="Leo", last_name="Grant", date_of_birth="04/07/2013", school="Castle Academy",
                district="", source="school", referrer_name="Mrs Hill", referrer_contact="",
                reason="Cares for his dad", referral_date="24/11/2026")
    base.update(kw)
    return base


def test_new_request_makes_a_person_and_a_pending_referral(store):
    caseload_data.build(store)
    with store.write() as s:
        created = referrals.create_request(s, _form(), TODAY, None)
    with store.read() as s:
        leo = s.get(Carer, created.carer_id)
        ref = s.get(Referral, created.referral_id)
        assert leo.carer_ref.startswith("YC-") and leo.status == "open" and created.new_person
        assert leo.district_id is not None  # from the school's district
        assert (ref.consent, ref.source, ref.referral_date) == ("pending", "school", TODAY)
        assert s.exec(select(AuditEntry).where(AuditEntry.record_id == ref.id)).one().action == "create"


def test_duplicates_need_a_close_birthday_and_a_similar_name(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        clean = referrals.check_request(s, _form(first_name="amira", last_name="KHAN",
                                                 date_of_birth="2012-05-01"), TODAY)
        found = referrals.duplicates_for(s, clean)
        assert [(m.carer_id, m.reason) for m in found] == [(ids["amira"], "same date of birth, same name")]
        clean = referrals.check_request(s, _form(first_name="Amira", last_name="Khan",
                                                 date_of_birth="2012-05-04"), TODAY)
        assert referrals.duplicates_for(s, clean) == []  # three days out, another school: someone else
        clean = referrals.check_request(s, _form(first_name="Anita", last_name="Patel",
                                                 date_of_birth="2012-05-01"), TODAY)
        assert referrals.duplicates_for(s, clean) == []  # the same birthday alone is not enough


@pytest.mark.parametrize("typed,reason", [
    (("Amira", "Khann", "2012-05-01"), "same date of birth, name 1 letter different"),
    (("Amira", "Khan", "2012-05-02"), "date of birth a day out, same name"),
    (("Amira", "Khan", "2012-04-30"), "date of birth a day out, same name"),
    (("Amira", "Kahn", "2012-01-05"), "date of birth with day and month swapped, name 2 letters different"),
])
def test_near_dates_of_birth_are_found_with_their_reason(store, typed, reason):
    ids = caseload_data.build(store)
    first, last, dob = typed
    with store.read() as s:
        clean = referrals.check_request(s, _form(first_name=first, last_name=last, date_of_birth=dob,
                                                 school="", district="Dover"), TODAY)
        found = referrals.duplicates_for(s, clean)
        assert [(m.carer_id, m.reason) for m in found] == [(ids["amira"], reason)]


def test_the_same_school_or_household_finds_a_close_name_born_on_another_day(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        # Ben Taylor, Castle Academy, born 1 March 2010: typed a year out, with a slip in the name.
        clean = referrals.check_request(s, _form(first_name="Ben", last_name="Tayler",
                                                 date_of_birth="2011-03-01", school="castle academy"), TODAY)
        assert [(m.carer_id, m.reason) for m in referrals.duplicates_for(s, clean)] == [
            (ids["ben"], "same school, name 1 letter different")]
        clean = referrals.check_request(s, _form(first_name="Ben", last_name="Tayler",
                                                 date_of_birth="2011-03-01", school="Another School"), TODAY)
        assert referrals.duplicates_for(s, clean) == []
        # A name only loosely alike at the same school is a classmate, not a duplicate.
        clean = referrals.check_request(s, _form(first_name="Bea", last_name="Tyler",
                                                 date_of_birth="2011-03-01", school="Castle Academy"), TODAY)
        assert referrals.duplicates_for(s, clean) == []
        # The same household: Zain Khan typed with another birthday and a slip.
        found = duplicates.likely_duplicates(s, "Zain", "Kahn", date(2015, 9, 3), household_id=ids["khan"])
        assert [(m.carer_id, m.reason) for m in found] == [
            (ids["zain"], "same household, name 2 letters different")]
        assert duplicates.likely_duplicates(s, "Zain", "Kahn", date(2015, 9, 3)) == []


def test_duplicates_are_ranked_exact_birthday_first_then_swapped_then_a_day_out(store):
    with store.write() as s:
        castle = f.school(s, "Castle Academy")
        day_out = f.carer(s, "Lauren", "Brooks", date(2012, 6, 5), carer_ref="YC-L3", school_id=castle.id).id
        swapped = f.carer(s, "Lauren", "Brooks", date(2012, 4, 6), carer_ref="YC-L2").id
        exact = f.carer(s, "Lauren", "Brookes", date(2012, 6, 4), carer_ref="YC-L1").id
        school_only = f.carer(s, "Lauren", "Brooks", date(2013, 1, 1), carer_ref="YC-L4",
                              school_id=castle.id).id
    with store.read() as s:
        found = duplicates.likely_duplicates(s, "Lauren", "Brookse", date(2012, 6, 4),
                                             school="Castle Academy")
    assert [(m.carer_id, m.reason) for m in found] == [
        (exact, "same date of birth, name 2 letters different"),
        (day_out, "date of birth a day out, same school, name 1 letter different"),
        (swapped, "date of birth with day and month swapped, name 1 letter different"),
        (school_only, "same school, name 1 letter different"),
    ]


def test_attach_refuses_a_second_open_request(store):
    ids = caseload_data.build(store)
    with store.write() as s, pytest.raises(FieldError, match="already has an open support request"):
        referrals.create_request(s, _form(), TODAY, None, attach_to=ids["amira"])


def _referral_of(store, carer_id):
    with store.read() as s:
        return s.exec(select(Referral.id, Referral.referral_date).where(
            Referral.carer_id == carer_id, Referral.closed_date.is_(None))).one()


def test_allocation_rules(store):
    ids = caseload_data.build(store)
    ref = _referral_of(store, ids["zain"])
    with store.write() as s, pytest.raises(FormErrors) as exc:
        referrals.allocate(s, ref.id, {"worker": "", "allocated_date": "19/11/2026"}, TODAY)
    assert exc.value.by_field() == {
        "worker": "Choose the worker to allocate to.",
        "allocated_date": "Date of allocation cannot be before the request (20/11/2026).",
    }
    with store.write() as s:
        referrals.allocate(s, ref.id, {"worker": ids["tom"], "allocated_date": "2026-11-24"}, TODAY)
    with store.read() as s:
        assert s.get(Referral, ref.id).allocated_date == TODAY
        assert s.get(Carer, ids["zain"]).worker_id == ids["tom"]


def test_consent_refused_then_close_and_reopen(store):
    ids = caseload_data.build(store)
    ref = _referral_of(store, ids["zain"])
    with store.write() as s, pytest.raises(FormErrors) as exc:
        referrals.record_consent(s, ref.id, {"consent": "refused", "consent_date": "24/11/2026",
                                             "consent_given_by": ""}, TODAY)
    assert set(exc.value.by_field()) == {"consent_given_by"}
    with store.write() as s:
        referrals.record_consent(s, ref.id, {"consent": "refused", "consent_date": "24/11/2026",
                                             "consent_given_by": "Dad"}, TODAY)
    with store.write() as s, pytest.raises(FieldError, match="Consent was refused"):
        referrals.allocate(s, ref.id, {"worker": ids["tom"], "allocated_date": "24/11/2026"}, TODAY)
    with store.write() as s:
        referrals.close(s, ref.id, {"closure_reason": "consent_not_given", "closed_date": "24/11/2026"},
                        TODAY)
    with store.read() as s:
        r = s.get(Referral, ref.id)
        assert (r.closure_reason, r.closed_date) == ("consent_not_given", TODAY)
        assert s.get(Carer, ids["zain"]).status == "closed"
    with store.write() as s:
        referrals.reopen(s, ref.id, TODAY)
    with store.read() as s:
        r = s.get(Referral, ref.id)
        assert (r.closed_date, r.closure_reason, r.reopened_count) == (None, None, 1)
        assert s.get(Carer, ids["zain"]).status == "open"


def test_close_checks_reason_and_date(store):
    ids = caseload_data.build(store)
    ref = _referral_of(store, ids["amira"])
    with store.write() as s, pytest.raises(FormErrors) as exc:
        referrals.close(s, ref.id, {"closure_reason": "bored", "closed_date": "01/01/2030"}, TODAY)
    errors = exc.value.by_field()
    assert "not a reason for closing" in errors["closure_reason"]
    assert "in the future" in errors["closed_date"]
    with store.write() as s, pytest.raises(FormErrors, match="Consent is recorded as given"):
        referrals.close(s, ref.id, {"closure_reason": "consent_not_given", "closed_date": "24/11/2026"},
                        TODAY)


def test_turning_18_and_aged_out_flags():
    assert "transition assessment" in caseload.flag_for(date(2008, 12, 30), TODAY)
    assert caseload.flag_for(date(2008, 5, 24), TODAY) == ""  # 18 already
    assert caseload.flag_for(date(2009, 5, 25), TODAY) == ""  # 18 in just over six months
    assert "transition" in caseload.flag_for(date(2009, 5, 24), TODAY)
    assert "aged out (25)" in caseload.flag_for(date(2001, 11, 24), TODAY)


def test_closing_the_last_request_drops_the_open_plan_and_home_no_longer_shows_it(store):
    from db.models import PlanAction
    from tests.helpers import factories as f
    from ycworker.home import day as home

    with store.write() as s:
        me = f.worker(s)
        c = f.carer(s, carer_ref="YC-PLAN01", worker_id=me.id)
        r = f.referral(s, c.id, referral_date=date(2026, 9, 1), allocated_date=date(2026, 9, 2),
                       worker_id=me.id, consent="given")
        s.add(PlanAction(carer_id=c.id, what="Join the Chill Club", due_date=date(2026, 10, 1)))
        s.add(PlanAction(carer_id=c.id, what="Bus pass", due_date=date(2026, 10, 2), status="done",
                         done_date=date(2026, 10, 2)))
        ids = (me.id, c.id, r.id)
    me_id, carer_id, ref_id = ids
    with store.read() as s:
        for everyone in (False, True):
            day = home.worker_day(s, me_id, TODAY, everyone=everyone)
            assert [i.detail for i in day.plan_actions] == ["Join the Chill Club: due 01 Oct 2026"]
    with store.write() as s:
        referrals.close(s, ref_id, {"closure_reason": "intervention_completed", "closed_date": "20/11/2026"},
                        TODAY, me_id)
    with store.read() as s:
        statuses = sorted(s.exec(select(PlanAction.status).where(PlanAction.carer_id == carer_id)).all())
        assert statuses == ["done", "dropped"]  # the done one stays done
        for everyone in (False, True):
            assert home.worker_day(s, me_id, TODAY, everyone=everyone).plan_actions == []
