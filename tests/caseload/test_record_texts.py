"""Issue 12 (c): hidden characters refused in names, and wrong text on the record and forms."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import on_screen, unlocked, until_shows
from tests.helpers import caseload_data
from ycworker.caseload import carers, record, referrals
from ycworker.caseload.importing import check_text
from ycworker.common import validators
from ycworker.common.errors import FormErrors

TODAY = date(2026, 11, 24)
HIDDEN = ["Amira\u202eKhan", "Am\x00ira", "\u2066Amira\u2069", "Amira\u200f", "Ami\x7fra"]


def _request(**kw):
    form = {"first_name": "Nia", "last_name": "Jones", "date_of_birth": "02/03/2012", "district": "Thanet",
            "source": "self", "reason": "Looks after Mum"}
    form.update(kw)
    return form


@pytest.mark.parametrize("bad", HIDDEN)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_new_request_refuses_hidden_characters_in_names(store, bad, field):
    caseload_data.build(store)
    with store.read() as s, pytest.raises(FormErrors) as caught:
        referrals.check_request(s, _request(**{field: bad}), TODAY)
    by_field = caught.value.by_field()
    assert field in by_field and "retype it" in by_field[field]


@pytest.mark.parametrize("bad", HIDDEN)
def test_record_edit_refuses_hidden_characters(store, bad):
    ids = caseload_data.build(store)
    for name in ("first_name", "preferred_name"):
        with store.write() as s, pytest.raises(carers.FieldError) as caught:
            carers.update_field(s, ids["amira"], name, bad, TODAY)
        assert caught.value.field == name
    with store.read() as s:
        assert s.get(carers.Carer, ids["amira"]).first_name == "Amira"


def test_names_in_other_scripts_still_pass():
    for name in ("أميرة", "Zoë", "Siobhán", "נועה", "O'Neil-Brown"):
        assert validators.field_text("first_name", name, "First name") == name


def test_import_refuses_hidden_characters_in_names():
    header = ("carer_ref,first_name,last_name,date_of_birth,sex,ethnicity,district,school,household_ref,"
              "referral_date,referral_source,consent,allocated_date,assessment_completed_date,"
              "impact_level,closed_date,closure_reason")
    row = "K1,Ami\u202era,Khan,01/05/2012,F,ABAN,Dover,,H1,2024-01-10,school,given,,,,,"
    plan = check_text(f"{header}\r\n{row}\r\n", "caseload.csv", TODAY)
    assert any("column first_name" in e and "direction" in e for e in plan.errors), plan.errors


def test_a_closed_record_asks_nothing_more(store):
    ids = caseload_data.build(store)
    with store.read() as s:
        dan = record.load_record(s, ids["dan"], TODAY)  # closed (moved away), nobody cared for
        zain = record.load_record(s, ids["zain"], TODAY)  # open, nobody cared for
    assert dan.due_next == []
    assert "Add the person they care for." in zain.due_next


async def test_allocate_form_says_allocation_once(make_app, store):
    from tests.conftest import frame_text

    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        app.open_carer(ids["chloe"])
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("w")
        await until_shows(pilot, "Allocation overdue by 5 working days.")
        assert "llocation allocation" not in frame_text(app)
