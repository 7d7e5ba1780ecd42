"""How support was delivered: a contact's mode (face to face, phone, video, online group,
text/message) is asked for every new contact but a note; older contacts show "not recorded"; the
Returns screen counts the period's contacts by mode while the spec'd return files stay as they
were. Pilot tests through the record's contact form and the Returns screen, keys only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Carer, Contact
from tests.conftest import TODAY, frame_text, on_screen, screen_text, unlocked, until, until_shows
from tests.helpers import caseload_data, return_data
from tests.helpers import factories as f
from tests.helpers.returns_screen import counted, open_returns
from ycworker.caseload import carers, record
from ycworker.common.errors import FormErrors
from ycworker.common.periods import Period, parse_quarter
from ycworker.returns import delivery
from ycworker.returns import export as returns_export

Q3 = Period(date(2026, 10, 1), date(2026, 12, 31), "2026-27-Q3")


def _contact(**kw) -> dict[str, str]:
    return {"kind": "one_to_one", "contact_date": "23/11/2026", "duration_minutes": "45", "note": "ok"} | kw


def test_every_contact_but_a_note_says_how_it_was_delivered(store):
    ids = caseload_data.build(store)
    with store.write() as s:
        with pytest.raises(FormErrors) as err:
            carers.add_contact(s, ids["amira"], _contact(), TODAY)
        assert "Choose how it was delivered" in err.value.by_field()["mode"]
        with pytest.raises(FormErrors) as err:
            carers.add_contact(s, ids["amira"], _contact(mode="carrier pigeon"), TODAY)
        assert set(err.value.by_field()) == {"mode"}
        video = carers.add_contact(s, ids["amira"], _contact(mode="video"), TODAY)
        note = carers.add_contact(s, ids["amira"], _contact(kind="note", mode="phone", note="Called school"),
                                  TODAY)
        s.add(Contact(carer_id=ids["amira"], contact_date=date(2026, 11, 1), kind="phone_call",
                      duration_minutes=10))  # recorded before the mode was asked
    with store.read() as s:
        modes = dict(s.exec(select(Contact.id, Contact.mode)).all())
        rec = record.load_record(s, ids["amira"], TODAY, audit_view=False)
    assert modes[video] == "video" and modes[note] is None  # a note records no delivery
    assert [(c.kind, carers.mode_text(c.mode)) for c in rec.timeline] == [
        ("note", "not recorded"), ("one_to_one", "video"), ("phone_call", "not recorded")]
    assert [carers.mode_text(m) for m in carers.CONTACT_MODES] == [
        "face to face", "phone", "video", "online group", "text / message"]


def test_the_period_counts_contacts_by_mode_not_notes_nor_other_periods(store):
    with store.write() as s:
        c = f.carer(s)
        rows = [("face_to_face", date(2026, 10, 1), "one_to_one"),
                ("face_to_face", date(2026, 12, 31), "home_visit"),
                ("phone", date(2026, 11, 2), "phone_call"), ("online_group", date(2026, 11, 3), "one_to_one"),
                (None, date(2026, 10, 5), "one_to_one"), (None, date(2026, 11, 5), "note"),
                ("video", date(2026, 9, 30), "one_to_one"), ("video", date(2027, 1, 1), "one_to_one")]
        for mode, day, kind in rows:
            s.add(Contact(carer_id=c.id, contact_date=day, kind=kind, mode=mode))
    with store.read() as s:
        counts = delivery.contacts_by_mode(s, Q3)
    assert [(k, n) for k, _label, n in counts.rows] == [
        ("face_to_face", 2), ("phone", 1), ("video", 0), ("online_group", 1), ("text_message", 0),
        ("not_recorded", 1)]
    assert counts.total == 5 and counts.count("phone") == 1


def test_the_spec_return_files_are_the_same_whatever_the_modes(store, tmp_path):
    with store.write() as s:
        return_data.seed(s)
    q2 = parse_quarter("2025-26-Q2")

    def files(to):
        folder = returns_export.export_return(store, q2, to, today=TODAY).path
        return {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".csv"}

    before = files(tmp_path / "a")
    with store.write() as s:
        carer_id = s.exec(select(Carer.id)).first()
        for n, mode in enumerate(("face_to_face", "video", "phone")):
            s.add(Contact(carer_id=carer_id, contact_date=date(2025, 8, 1 + n), kind="one_to_one",
                          mode=mode))
    after = files(tmp_path / "b")
    assert {"kpi_summary.csv", "outcomes.csv", "carers.csv", "referrals.csv"} <= set(before)
    assert before == after


async def test_pilot_a_contact_by_video_with_keys(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await unlocked(pilot)
        app.open_carer(ids["amira"])
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("t")
        await on_screen(pilot, "FormModal")
        await pilot.press("ctrl+s")  # no mode yet: the form says so and stays
        await until_shows(pilot, "Choose how it was delivered")
        assert app.screen.focused is app.screen.query_one("#f-mode")  # the field in error has the focus
        await pilot.press("enter", "v", "enter")  # How: Video
        await pilot.press("tab", "tab", *"40", "tab", *"Video call about exams", "ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await until(pilot, lambda: "24/11/2026 1:1 session, video (40 min)" in screen_text(app),
                    lambda: f"the timeline does not show the video call: {screen_text(app)}")
    with store.read() as s:
        row = s.exec(select(Contact.mode, Contact.duration_minutes, Contact.contact_date).where(
            Contact.carer_id == ids["amira"], Contact.note == "Video call about exams")).one()
    assert tuple(row) == ("video", 40, TODAY)


async def test_pilot_the_returns_screen_counts_contacts_by_mode(make_app, store):
    with store.write() as s:
        c = f.carer(s)
        for mode, day in (("face_to_face", date(2026, 7, 6)), ("face_to_face", date(2026, 8, 6)),
                          ("phone", date(2026, 9, 1)), (None, date(2026, 7, 20)),
                          ("video", date(2026, 10, 2))):  # the last one is the next quarter's
            s.add(Contact(carer_id=c.id, contact_date=day, kind="one_to_one", mode=mode))
    app = make_app()
    async with app.run_test(size=(120, 45)) as pilot:
        await open_returns(pilot)  # the last full quarter: July to September 2026
        await until_shows(pilot, "Contacts in the period by how they were delivered",
                          "Face to face  Phone  Video  Online group  Text / message  Not recorded  Total",
                          "           2      1      0             0               0             1      4")
        await pilot.press("right_square_bracket")  # the quarter after: October to December
        await counted(pilot)
        await until_shows(pilot,
                          "           0      0      1             0               0             0      1")
        assert "Quarter 2026-27-Q3" in frame_text(app)
