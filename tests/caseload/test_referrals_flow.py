"""Pilot tests of the support request flows: a re-referral found as a duplicate, allocation,
consent refused then closed, and field-by-field edits on the record."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from db.models import AuditEntry, Carer, Referral
from tests.conftest import settle, unlocked
from tests.helpers import caseload_data


async def _open_record(pilot, carer_id):
    await unlocked(pilot)
    pilot.app.open_carer(carer_id)
    await settle(pilot)
    return pilot.app.screen


async def _new_request(pilot):
    """From home: the caseload, then a new support request's form."""
    await unlocked(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return pilot.app.screen


async def _fill(screen, **values):
    for name, value in values.items():
        screen.query_one(f"#f-{name}").value = value


async def test_new_request_finds_the_known_person_and_attaches(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _new_request(pilot)
        assert type(form).__name__ == "ReferralFormScreen"
        await _fill(form, first_name="Danny", last_name="Okafor", date_of_birth="15/01/2011",
                    school="Castle Academy", referrer_name="Ms Patel", reason="Helps Dad after his stroke",
                    source="school")
        await pilot.press("ctrl+s")
        await settle(pilot)
        options = form.query_one("#duplicates")
        assert options.option_count == 2
        assert "Attach to Daniel Okafor (YC-DDD444)" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")  # the first: attach to Daniel
        await settle(pilot)
        assert type(app.screen).__name__ == "CarerRecordScreen"
        assert app.screen.carer_id == ids["dan"]
    with store.read() as s:
        assert s.exec(select(Carer).where(Carer.last_name == "Okafor")).all()[0].status == "open"
        refs = s.exec(select(Referral).where(Referral.carer_id == ids["dan"])
                      .order_by(Referral.referral_date)).all()
        assert [r.referral_date for r in refs] == [date(2025, 1, 6), date(2026, 11, 24)]
        assert refs[1].source == "school" and refs[1].referrer_name == "Ms Patel"
        assert len(s.exec(select(Carer)).all()) == 5  # no new person


async def test_new_request_shows_errors_beside_fields_and_keeps_typing(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _new_request(pilot)
        await _fill(form, first_name="Nia", last_name="Jones", date_of_birth="31/02/2012",
                    district="Nowhere")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'31/02/2012' is not a date" in str(form.query_one("#err-date_of_birth").render())
        assert "not one of the service's districts" in str(form.query_one("#err-district").render())
        assert "Why is needed" in str(form.query_one("#err-reason").render())
        assert "Who referred is needed" in str(form.query_one("#err-source").render())
        assert form.query_one("#f-date_of_birth").value == "31/02/2012"
        await _fill(form, date_of_birth="02/03/2012", district="Thanet", reason="Looks after Mum",
                    source="self")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CarerRecordScreen"
    with store.read() as s:
        nia = s.exec(select(Carer).where(Carer.first_name == "Nia")).one()
        assert nia.carer_ref.startswith("YC-") and nia.date_of_birth == date(2012, 3, 2)
        assert s.exec(select(AuditEntry).where(AuditEntry.record_id == nia.id,
                                               AuditEntry.action == "create")).first() is not None


async def test_allocate_from_the_record(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        record = await _open_record(pilot, ids["zain"])
        assert "allocation due in 3 working days" in str(record.query_one("#record-due").render())
        await pilot.press("w")
        await settle(pilot)
        form = app.screen
        await _fill(form, worker=ids["tom"], allocated_date="23/11/2026")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is record
        due = str(record.query_one("#record-due").render())
        # allocated Mon 23 Nov: assessment deadline 15 working days on = Mon 14 Dec.
        assert "assessment due in 14 working days (Mon 14 Dec 2026)" in due
    with store.read() as s:
        r = s.exec(select(Referral).where(Referral.carer_id == ids["zain"])).one()
        assert (r.worker_id, r.allocated_date) == (ids["tom"], date(2026, 11, 23))
        assert s.get(Carer, ids["zain"]).worker_id == ids["tom"]


async def test_consent_refused_then_closed_consent_not_given(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        record = await _open_record(pilot, ids["chloe"])
        await pilot.press("o")
        await settle(pilot)
        await _fill(app.screen, consent="refused", consent_given_by="Mum (Lisa Evans)")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Consent refused: close the request" in str(record.query_one("#record-due").render())
        await pilot.press("w")  # cannot allocate with consent refused
        await settle(pilot)
        await _fill(app.screen, worker=ids["me"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Consent was refused" in str(app.screen.query_one("#err-worker").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.query_one("#f-closure_reason").value == "consent_not_given"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is record
        assert "closed 24/11/2026 (consent not given)" in str(record.query_one("#record-referrals").render())
    with store.read() as s:
        r = s.exec(select(Referral).where(Referral.carer_id == ids["chloe"])).one()
        assert (r.consent, r.consent_given_by, r.consent_date) == ("refused", "Mum (Lisa Evans)",
                                                                  date(2026, 11, 24))
        assert (r.closed_date, r.closure_reason) == (date(2026, 11, 24), "consent_not_given")
        assert s.get(Carer, ids["chloe"]).status == "closed"


async def test_reopen_a_closed_request(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        record = await _open_record(pilot, ids["dan"])
        await pilot.press("u")
        await settle(pilot)
        assert "reopened 1 time" in str(record.query_one("#record-referrals").render())
    with store.read() as s:
        assert s.get(Carer, ids["dan"]).status == "open"


async def test_profile_fields_save_one_at_a_time(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        record = await _open_record(pilot, ids["amira"])
        dob = record.query_one("#f-date_of_birth")
        assert dob.value == "01/05/2012"
        dob.focus()
        dob.value = "1/5/1990"
        await pilot.press("enter")
        await settle(pilot)
        assert "service works with ages 5 to 24" in str(record.query_one("#err-date_of_birth").render())
        assert dob.value == "1/5/1990"  # kept as typed
        phone = record.query_one("#f-phone")
        phone.focus()
        phone.value = "07700 900123"
        await pilot.press("enter")
        await settle(pilot)
        postcode = record.query_one("#f-postcode")
        postcode.focus()
        postcode.value = "ct16 1aa"
        await pilot.press("escape")  # leaving the field saves it
        await settle(pilot)
    with store.read() as s:
        amira = s.get(Carer, ids["amira"])
        assert amira.date_of_birth == date(2012, 5, 1) and amira.phone == "07700 900123"
        from db.models import Household
        assert s.get(Household, ids["khan"]).postcode == "CT16 1AA"
        # Opening the record is audited once; each saved field once; no personal data in either.
        entries = s.exec(select(AuditEntry.action, AuditEntry.entity).where(
            AuditEntry.record_id.in_([ids["amira"], ids["khan"]]))).all()
        assert sorted(entries) == [("update", "carer"), ("update", "household"), ("view", "carer")]


async def test_add_contact_and_cared_for_person(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        record = await _open_record(pilot, ids["amira"])
        await pilot.press("t")
        await settle(pilot)
        await _fill(app.screen, kind="home_visit", mode="face_to_face", contact_date="23/11/2026",
                    duration_minutes="50", note="Met Mum; talked about respite")
        await pilot.press("ctrl+s")
        await settle(pilot)
        timeline = str(record.query_one("#record-timeline").render())
        assert "23/11/2026 Home visit, face to face (50 min)" in timeline
        await pilot.press("p")
        await settle(pilot)
        form = app.screen
        await _fill(form, name="Sarah", relationship="mother")
        form.query_one("#f-conditions").select("mental_health")
        form.query_one("#f-conditions").select("long_term_illness")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = str(record.query_one("#record-cared-for").render())
        assert "Sarah: mother; Long-term illness, Mental health" in text
    with store.read() as s:
        assert s.get(Carer, ids["amira"]).last_contact_date == date(2026, 11, 23)


async def test_a_swapped_date_of_birth_is_found_and_the_reason_shown(make_app, store):
    """Amira Khan (born 1 May 2012, St Mary's) typed as 'Amira Kahn', 05/01/2012: found, with why."""
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _new_request(pilot)
        await _fill(form, first_name="Amira", last_name="Kahn", date_of_birth="05/01/2012",
                    school="St Mary's Primary", referrer_name="Mr Ade", reason="Cares for Mum",
                    source="school")
        await pilot.press("ctrl+s")
        await settle(pilot)
        options = form.query_one("#duplicates")
        first = str(options.get_option_at_index(0).prompt)
        assert "Attach to Amira Khan (YC-AAA111), born 01/05/2012, St Mary's Primary" in first
        assert "(date of birth with day and month swapped, same school, name 2 letters different)" in first
        assert options.option_count == 2  # Amira, then "None of these" (Zain: another name)
        assert options.highlighted == 0 and app.screen is form
    with store.read() as s:
        assert len(s.exec(select(Carer)).all()) == 5  # nothing made while the worker chooses


async def test_a_birthday_a_day_out_is_found_and_attaching_makes_no_new_person(make_app, store):
    """Daniel Okafor (closed, born 15 Jan 2011) re-referred as 'Danny Okafor', 16/01/2011."""
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        form = await _new_request(pilot)
        await _fill(form, first_name="Danny", last_name="Okafor", date_of_birth="16/01/2011",
                    school="Castle Academy", referrer_name="Ms Patel", reason="Helps Dad", source="school")
        await pilot.press("ctrl+s")
        await settle(pilot)
        first = str(form.query_one("#duplicates").get_option_at_index(0).prompt)
        assert "Attach to Daniel Okafor (YC-DDD444), born 15/01/2011  (date of birth a day out" in first
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "CarerRecordScreen"
        assert app.screen.carer_id == ids["dan"]
    with store.read() as s:
        assert len(s.exec(select(Carer)).all()) == 5  # no new person
