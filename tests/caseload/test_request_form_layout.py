"""Issue 12 (c): the duplicate check and form errors are on screen at 80x24 and 120x40, the new
request form takes only a name-like search as the name, and contact notes are several lines."""

from __future__ import annotations

import pytest
from sqlmodel import select

from db.models import Carer, Contact, Referral
from tests.conftest import frame_text, on_screen, settle, unlocked, until_shows
from tests.helpers import caseload_data
from ycworker.caseload.referrals import name_from_search

SIZES = [(80, 24), (120, 40)]


async def _new_request(pilot, search: str = ""):
    await unlocked(pilot)
    await pilot.press("c")
    await on_screen(pilot, "CaseloadScreen")
    if search:
        await pilot.press(*search)
        await settle(pilot)
    await pilot.press("ctrl+n")
    await on_screen(pilot, "ReferralFormScreen")
    return pilot.app.screen


def _fill(screen, **values):
    for name, value in values.items():
        screen.query_one(f"#f-{name}").value = value


@pytest.mark.parametrize("size", SIZES)
async def test_duplicates_on_screen_and_enter_attaches(make_app, store, size):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        form = await _new_request(pilot)
        _fill(form, first_name="Danny", last_name="Okafor", date_of_birth="15/01/2011",
              school="Castle Academy", referrer_name="Ms Patel", reason="Helps Dad", source="school")
        await pilot.press("ctrl+s")
        await until_shows(pilot, "Attach to Daniel Okafor (YC-DDD444)", "Is this someone we already know?")
        assert form.query_one("#duplicates").highlighted == 0
        await pilot.press("pagedown", "end")  # the jump keys stop at the last candidate
        assert form.query_one("#duplicates").highlighted == 0
        await pilot.press("enter")
        await on_screen(pilot, "CarerRecordScreen")
        assert app.screen.carer_id == ids["dan"]
    with store.read() as s:
        assert len(s.exec(select(Carer).where(Carer.last_name == "Okafor")).all()) == 1
        assert len(s.exec(select(Referral).where(Referral.carer_id == ids["dan"])).all()) == 2


async def test_adding_a_new_person_takes_a_deliberate_arrow(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _new_request(pilot)
        _fill(form, first_name="Danny", last_name="Okafor", date_of_birth="15/01/2011",
              school="Castle Academy", referrer_name="Ms Patel", reason="Helps Dad", source="school")
        await pilot.press("ctrl+s")
        await until_shows(pilot, "None of these: add a new young carer")
        await pilot.press("escape")  # back to the form, nothing saved
        await until_shows(pilot, "First name")
        assert app.screen is form
        await pilot.press("ctrl+s")
        await until_shows(pilot, "Attach to Daniel Okafor")
        await pilot.press("down", "enter")
        await on_screen(pilot, "CarerRecordScreen")
    with store.read() as s:
        assert len(s.exec(select(Carer).where(Carer.last_name == "Okafor")).all()) == 2


@pytest.mark.parametrize("size", SIZES)
async def test_open_request_error_is_in_the_frame(make_app, store, size):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        form = await _new_request(pilot)
        _fill(form, first_name="Amira", last_name="Khan", date_of_birth="01/05/2012",
              school="Castle Academy", referrer_name="Ms Patel", reason="Helps Dad", source="school")
        await pilot.press("ctrl+s")
        await until_shows(pilot, "Attach to Amira Khan")
        await pilot.press("enter")
        await until_shows(pilot, "already has an open support request")
        assert app.screen is form


@pytest.mark.parametrize("size", SIZES)
async def test_field_errors_below_the_fold_are_shown_and_scrolled_to(make_app, store, size):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        form = await _new_request(pilot)
        _fill(form, first_name="Nia", last_name="Jones", date_of_birth="02/03/2012", district="Thanet",
              reason="Looks after Mum", source="self", referral_date="31/02/2026")
        await pilot.press("ctrl+s")
        # The always-visible line and the error beside the field, both in the frame.
        await until_shows(pilot, "Date of request: '31/02/2026' is not a date")
        frame = frame_text(app)
        beside = next(line for line in frame.splitlines() if "Date of request ▊" in line)
        assert "'31/02/2026' is not a" in beside, frame
        assert form.focused is form.query_one("#f-referral_date")


async def test_school_error_is_not_cut_off_at_80_columns(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _new_request(pilot)
        _fill(form, first_name="Nia", last_name="Jones", date_of_birth="02/03/2012",
              reason="Looks after Mum", source="self")
        await pilot.press("ctrl+s")
        await until_shows(pilot, "School: Give the school, or the district if they are not at")
        frame = frame_text(app)
        assert frame.count("at school.") == 2, frame  # the line at the top and beside the field, whole


def test_only_a_name_like_search_fills_the_name():
    assert name_from_search("YC-PQ3FUE") == ("", "")
    assert name_from_search("Castle Academy") == ("", "")
    assert name_from_search("St Mary's Primary") == ("", "")
    assert name_from_search("Khan family") == ("", "")
    assert name_from_search("H-100") == ("", "")
    assert name_from_search("willow moo") == ("willow", "moo")
    assert name_from_search("Siobhán O'Neil-Brown") == ("Siobhán", "O'Neil-Brown")


@pytest.mark.parametrize(("search", "first", "last"), [("YC-AAA111", "", ""), ("castle academy", "", ""),
                                                       ("willow moo", "willow", "moo")])
async def test_new_request_prefill_from_search(make_app, store, search, first, last):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        form = await _new_request(pilot, search)
        assert form.query_one("#f-first_name").value == first
        assert form.query_one("#f-last_name").value == last


async def test_contact_note_is_several_lines_and_wide(make_app, store):
    from textual.widgets import TextArea

    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        app.open_carer(ids["amira"])
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("t")
        await on_screen(pilot, "FormModal")
        note = app.screen.query_one("#f-note")
        assert isinstance(note, TextArea)
        assert note.size.width >= 60 and note.size.height >= 3
        app.screen.query_one("#f-mode").value = "face_to_face"  # how it was delivered (required)
        note.focus()
        await pilot.press(*"Met Mum", "enter", *"Talked about respite")
        await pilot.press("ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
    with store.read() as s:
        notes = [c.note for c in s.exec(select(Contact).where(Contact.carer_id == ids["amira"])).all()]
        assert "Met Mum\nTalked about respite" in notes
