"""The day sheet: allergy/medical summary first, each child's needs and contacts, Markdown and CSV."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select

from db.models import AuditEntry
from tests.conftest import TODAY
from tests.helpers import factories
from ycworker.bookings import activities, bookings, day_sheet
from ycworker.bookings.activities import ActivityInput, DayInput
from ycworker.bookings.bookings import BookingDetails


def build_sheet_data(store) -> dict[str, str]:
    """A fixed winter party with four booked children, one waiting, one cancelled."""
    with store.write() as s:
        me = factories.worker(s, name="Priya Shah", role="manager").id
        hh = factories.household(s, phone="01304 555 0101", name="Khan family").id
        aid = activities.create_activity(s, ActivityInput(
            title="Winter party", venue="Dover Youth Hub", holiday_period="Christmas 2026", capacity=4,
            days=[DayInput(date(2026, 12, 21), time(10), time(14)),
                  DayInput(date(2026, 12, 22), time(10), time(14))],
            staff_notes="Lunch at 12:00. Two staff on the door at collection time.", haf=True, min_age=4,
            max_age=16), me)
        day_ids = [d.id for d in activities.day_infos(s, aid)]
        people = [
            ("Amira", "Khan", date(2014, 5, 1), dict(household_id=hh, fsm=True),
             BookingDetails(allergies="Peanuts (anaphylaxis)", medication="EpiPen in her bag",
                            dietary="Halal", photo_consent=True, emergency_contact="Mum (Sara) 07700 900123",
                            collection="Mum at 14:00", transport="none")),
            ("Ben", "Ortiz", date(2016, 2, 10), dict(fsm=True, send=True),
             BookingDetails(medical="Type 1 diabetes: checks before lunch", photo_consent=False,
                            emergency_contact="Dad 07700 900456", collection="Walks home with sister",
                            transport="bus_pass")),
            ("Cara", "Doyle", date(2012, 11, 3), dict(fsm=True),
             BookingDetails(dietary="Vegetarian", photo_consent=True, emergency_contact="=Gran 07700 900789",
                            collection="Volunteer driver", transport="volunteer_driver")),
            ("Dev", "Patel", date(2018, 7, 7), dict(fsm=True, send=True), BookingDetails()),
        ]
        ids: dict[str, str] = {"activity": aid, "day1": day_ids[0], "day2": day_ids[1], "me": me}
        for first, last, dob, kw, details in people:
            cid = factories.carer(s, first_name=first, last_name=last, date_of_birth=dob, **kw).id
            ids[first] = bookings.book(s, aid, cid, None, details, me, TODAY).booking_id
        waiting = factories.carer(s, first_name="Ela", last_name="Nowak", date_of_birth=date(2013, 1, 1),
                                  fsm=True).id
        ids["Ela"] = bookings.book(s, aid, waiting, None, BookingDetails(), me, TODAY).booking_id
    return ids


def test_the_sheet_lists_alerts_first_then_every_booked_child(store):
    ids = build_sheet_data(store)
    with store.write() as s:
        sheet = day_sheet.build(s, ids["day1"], ids["me"])
    assert [c.name for c in sheet.children] == ["Cara Doyle", "Amira Khan", "Ben Ortiz", "Dev Patel"]
    assert [c.name for c in sheet.alerts] == ["Amira Khan", "Ben Ortiz"]
    text = day_sheet.render_markdown(sheet)
    assert text.index("## Allergies, medical needs and medication") < text.index("## Children")
    assert "| Amira Khan | Peanuts (anaphylaxis) | not asked | EpiPen in her bag |" in text
    assert "**No photographs:** Ben Ortiz" in text
    assert "- Emergency contact: NONE RECORDED: ask at drop-off" in text  # Dev
    assert "- Home phone: 01304 555 0101" in text
    assert "- Transport: volunteer driver" in text
    assert "Ela" not in text  # waiting, not booked
    assert "4 booked of 4 places · HAF · 4 FSM · 2 SEND" in text
    assert "- Age 14, Year 9 · FSM" in text  # Cara on 21 Dec 2026


def test_export_writes_markdown_and_formula_safe_csv_and_audits(store, tmp_path):
    ids = build_sheet_data(store)
    with store.write() as s:
        paths = day_sheet.export(s, ids["day2"], tmp_path / "sheets", ids["me"])
    md, csv_path = paths
    assert md.name == "day-sheet-2026-12-22-winter-party.md"
    assert md.read_text().startswith("# Winter party: day sheet")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    body = raw.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("name,carer_ref,age,school_year,fsm,send,allergies")
    assert "'=Gran 07700 900789" in body  # never a formula
    assert oct(csv_path.stat().st_mode & 0o777) == "0o600"
    with store.read() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.entity == "day_sheet")).all()
        actions = [(e.action, e.entity) for e in entries]
    assert actions == [("view", "day_sheet"), ("export", "day_sheet")]


def test_an_empty_day_says_so(store):
    with store.write() as s:
        quiet = ActivityInput(title="Quiet day", days=[DayInput(date(2026, 12, 28))])
        aid = activities.create_activity(s, quiet, None)
        day_id = activities.day_infos(s, aid)[0].id
        text = day_sheet.render_markdown(day_sheet.build(s, day_id))
    assert "None recorded for the children booked today." in text
    assert "No children are booked on this day." in text
