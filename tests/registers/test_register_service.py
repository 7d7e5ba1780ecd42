"""Register services: marks (upsert), undo, transport and notes, walk-ins, history, CSV export."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from db.models import Attendance, AuditEntry, Carer
from tests.helpers import factories as f
from tests.helpers.register_data import TODAY, build
from ycworker.common.errors import FieldError, FormErrors
from ycworker.registers import clubs
from ycworker.registers import register as registers


def _marks(store, session_id):
    with store.read() as s:
        return {c: (st, t, n, w) for c, st, t, n, w in s.exec(
            select(Attendance.carer_id, Attendance.status, Attendance.transport, Attendance.note,
                   Attendance.walk_in).where(Attendance.session_id == session_id))}


def test_a_mark_is_an_upsert_that_keeps_transport_and_note(store):
    ids = build(store, n=3)
    sid, child = ids["session"], ids["carers"][0]
    with store.write() as s:
        registers.mark(s, sid, child, "present", worker_id=ids["me"], today=TODAY)
        registers.set_transport(s, sid, child, "taxi")
        assert registers.set_note(s, sid, child, "  picked up   by  nan ") == "picked up by nan"
        registers.mark(s, sid, child, "late", worker_id=ids["me"], today=TODAY)
    assert _marks(store, sid) == {child: ("late", "taxi", "picked up by nan", False)}
    with store.write() as s:
        assert registers.clear_mark(s, sid, child) == ("taxi", "picked up by nan")
        assert registers.clear_mark(s, sid, child) == ("none", "")
    assert _marks(store, sid) == {}
    with store.read() as s:
        assert s.exec(select(AuditEntry.entity).where(AuditEntry.record_id == sid)).all()


def test_transport_and_note_need_a_mark_and_valid_values(store):
    ids = build(store, n=2)
    sid, child = ids["session"], ids["carers"][0]
    with store.write() as s:
        with pytest.raises(FieldError, match="first"):
            registers.set_transport(s, sid, child, "bus_pass")
        registers.mark(s, sid, child, "absent", today=TODAY)
        with pytest.raises(FieldError):
            registers.set_transport(s, sid, child, "helicopter")
        with pytest.raises(FieldError, match="200"):
            registers.set_note(s, sid, child, "x" * 201)
        with pytest.raises(FieldError):
            registers.mark(s, sid, child, "here", today=TODAY)


def test_the_register_lists_members_with_their_age_and_a_headcount(store):
    ids = build(store, n=6)
    with store.write() as s:
        registers.mark(s, ids["session"], ids["carers"][0], "present", today=TODAY)
        registers.mark(s, ids["session"], ids["carers"][1], "late", today=TODAY)
        registers.mark(s, ids["session"], ids["carers"][2], "absent", today=TODAY)
        reg = registers.load_register(s, ids["session"], worker_id=ids["me"])
    assert reg.title == "Dover Juniors · Tue 24 Nov 2026 16:30-18:00 · Dover Youth Hub"
    assert [r.name for r in reg.rows][:3] == ["Amira Khan", "Ben Smith", "Chloe Jones"]
    assert reg.rows[0].age == 12 and reg.rows[0].in_range  # born 2014-01-01
    assert not next(r for r in reg.rows if r.carer_id == ids["carers"][-1]).in_range  # 13
    assert registers.headcount(reg.rows) == registers.Headcount(1, 1, 1, 3)
    assert registers.headcount(reg.rows).describe().endswith("2 in the room")


def test_walk_in_new_child_is_made_flagged_and_marked(store):
    ids = build(store, n=2)
    with store.write() as s:
        out = registers.walk_in(s, ids["session"], "Jayden", "Clarke", "06/06/2016", today=TODAY,
                                worker_id=ids["me"])
        assert out.created and out.row.status == "present" and out.row.walk_in and out.warning is None
        carer = s.get(Carer, out.row.carer_id)
        assert carer.needs_referral_details and carer.carer_ref.startswith("YC-")
        reg = registers.load_register(s, ids["session"])
    assert out.row.carer_id in {r.carer_id for r in reg.rows}
    assert _marks(store, ids["session"])[out.row.carer_id] == ("present", "none", "", True)


def test_walk_in_that_looks_known_offers_the_match_then_links(store):
    ids = build(store, n=2)
    with store.write() as s:
        known = f.carer(s, "Mohammed", "Iqbal", date(2015, 4, 2), carer_ref="YC-MOIQ01")
        out = registers.walk_in(s, ids["session"], "Mohamed", "Iqbal", "2015-04-02", today=TODAY)
        assert [m.carer_id for m in out.matches] == [known.id] and out.row is None
        assert out.matches[0].reason == "same date of birth, name 1 letter different"
        swapped = registers.walk_in(s, ids["session"], "Mohamed", "Iqbal", "2015-02-04", today=TODAY)
        assert [(m.carer_id, m.reason) for m in swapped.matches] == [
            (known.id, "date of birth with day and month swapped, name 1 letter different")]
        linked = registers.walk_in(s, ids["session"], "", "", "", today=TODAY, link_carer_id=known.id)
        assert not linked.created and linked.row.carer_id == known.id
        n = s.exec(select(Carer.id)).all()
        # "None of these": a new record after all.
        forced = registers.walk_in(s, ids["session"], "Mohamed", "Iqbal", "2015-04-02", today=TODAY,
                                   force_new=True)
        assert forced.created and len(s.exec(select(Carer.id)).all()) == len(n) + 1


def test_walk_in_by_age_estimates_the_birthday_and_still_finds_matches(store):
    ids = build(store, n=2)
    with store.write() as s:
        known = f.carer(s, "Lola", "Grant", date(2016, 9, 9))
        out = registers.walk_in(s, ids["session"], "Lola", "Grant", "10", today=TODAY)
        assert [m.carer_id for m in out.matches] == [known.id] and out.estimated_dob
        assert out.matches[0].reason == "born in the year that age gives, same name"
        new = registers.walk_in(s, ids["session"], "Kai", "Morris", "15", today=TODAY)
        assert new.created and new.estimated_dob and new.row.age == 15
        assert "outside Dover Juniors's age range (8-12)" in new.warning  # a warning, not a block
        with pytest.raises(FormErrors) as err:
            registers.walk_in(s, ids["session"], "", "Morris", "next week", today=TODAY)
        assert set(err.value.by_field()) == {"first_name", "born"}


def test_export_is_formula_safe_csv_with_a_bom(store, tmp_path):
    ids = build(store, n=3)
    with store.write() as s:
        registers.mark(s, ids["session"], ids["carers"][0], "present", today=TODAY)
        registers.set_transport(s, ids["session"], ids["carers"][0], "volunteer_driver")
        registers.set_note(s, ids["session"], ids["carers"][0], "=HYPERLINK(\"x\")")
        path = tmp_path / registers.export_filename(registers.load_register(s, ids["session"]))
        assert registers.export_register(s, ids["session"], path, worker_id=ids["me"]) == 3
    assert path.name == "register-dover-juniors-2026-11-24.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(registers.EXPORT_HEADER)
    assert lines[1].startswith("Dover Juniors,2026-11-24,16:30-18:00,Dover Youth Hub,YC-T0000,Amira,Khan,12,"
                               "Present,Volunteer driver,")
    assert "'=HYPERLINK" in lines[1]
    assert ",not yet marked," not in lines[2] and lines[2].split(",")[8] == ""
    with store.read() as s:
        assert s.exec(select(AuditEntry.id).where(AuditEntry.action == "export")).first()


def test_todays_sessions_materialise_and_list_the_workers_clubs(store):
    ids = build(store, n=1)
    with store.write() as s:
        other = f.worker(s, name="Tom Evans")
        rows = registers.todays_sessions(s, ids["me"], TODAY)
        assert [r.id for r in rows] == [ids["session"]]
        assert registers.todays_sessions(s, other.id, TODAY) == []
        assert len(registers.todays_sessions(s, other.id, TODAY, everyone=True)) == 1
        assert registers.todays_sessions(s, ids["me"], date(2026, 12, 1)) == []  # the off week


def test_a_session_after_today_takes_no_marks_and_says_from_when(store):
    """Marks for a future session are refused with a sentence; nothing is written (nor a walk-in made)."""
    ids = build(store, n=2)
    with store.write() as s:
        later = clubs.sessions_on(s, date(2026, 12, 8), ids["me"])[0].id  # the next fortnight's
        sentence = "This session is on Tue 8 December; marks can be taken from that day."
        with pytest.raises(FieldError) as refused:
            registers.mark(s, later, ids["carers"][0], "present", today=TODAY)
        assert str(refused.value) == sentence
        with pytest.raises(FieldError, match="marks can be taken from that day"):
            registers.walk_in(s, later, "Jayden", "Clarke", "06/06/2016", today=TODAY)
        assert registers.load_register(s, later, today=TODAY).not_yet == sentence
        assert registers.load_register(s, ids["session"], today=TODAY).not_yet == ""  # today's: fine
        registers.mark(s, ids["session"], ids["carers"][0], "present", today=TODAY)
        # On the day itself (and after it) the same session takes marks.
        registers.mark(s, later, ids["carers"][1], "late", today=date(2026, 12, 8))
    assert _marks(store, later) == {ids["carers"][1]: ("late", "none", "", False)}
    with store.read() as s:
        assert not s.exec(select(Carer).where(Carer.first_name == "Jayden")).all()


def test_the_refusal_names_the_year_when_it_is_not_this_one():
    from ycworker.common.marking import not_yet

    assert not_yet("session", date(2027, 1, 5), date(2026, 12, 4)) == (
        "This session is on Tue 5 January 2027; marks can be taken from that day.")
    assert not_yet("session", date(2026, 12, 4), date(2026, 12, 4)) is None
    assert not_yet("session", date(2026, 12, 3), date(2026, 12, 4)) is None
