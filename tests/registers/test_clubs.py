"""Club services: the form, materialised sessions, one-offs, cancelling, members, rates."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import select

from db.models import AuditEntry
from tests.helpers import factories as f
from tests.helpers.register_data import TODAY, build
from ycworker.common.errors import FormErrors
from ycworker.registers import clubs
from ycworker.registers import register as registers
from ycworker.registers.history import attendance_history, child_rates, club_attendance, overall_rate


def _form(**kw) -> clubs.ClubForm:
    base = dict(name="Folkestone Chill Club", venue="Hub", min_age="11", max_age="17",
                frequency="monthly", weekday=1, nth_weekday=2, start_time="17:00", end_time="19:00")
    base.update(kw)
    return clubs.ClubForm(**base)


def test_save_club_materialises_its_sessions_idempotently(store):
    with store.write() as s:
        w = f.worker(s)
        club_id = clubs.save_club(s, _form(), worker_id=w.id, today=TODAY)
        # A new club starts today (its first date): second Tuesdays up to 12 weeks on.
        window = (date(2026, 9, 1), date(2027, 4, 30))
        assert [x.session_date for x in clubs.club_sessions(s, club_id, *window)] == [
            date(2026, 12, 8), date(2027, 1, 12), date(2027, 2, 9)]
        assert clubs.materialise(s, club_id, *window, today=TODAY) == 2  # March and April
        assert clubs.materialise(s, club_id, *window, today=TODAY) == 0
        sessions = clubs.club_sessions(s, club_id, *window)
        assert [x.session_date for x in sessions][-2:] == [date(2027, 3, 9), date(2027, 4, 13)]
        assert all(x.start_time == time(17, 0) and not x.one_off for x in sessions)
        row = clubs.list_clubs(s, w.id, TODAY)[0]
        assert row.when == "Second Tuesday of the month, 17:00-19:00"
        assert row.next_session == date(2026, 12, 8)


def test_the_club_form_says_what_to_fix_and_keeps_the_rest(store):
    with store.write() as s:
        w = f.worker(s)
        with pytest.raises(FormErrors) as err:
            clubs.save_club(s, _form(name=" ", min_age="twelve", max_age="30", start_time="25:00",
                                     frequency="fortnightly", first_date="31/02/2027"),
                            worker_id=w.id, today=TODAY)
        fields = err.value.by_field()
        assert set(fields) == {"name", "min_age", "max_age", "start_time", "first_date"}
        assert "whole number" in fields["min_age"]
        assert "24/11/2026" in fields["first_date"]


def test_changing_the_day_moves_future_unmarked_sessions_only(store):
    ids = build(store, n=3)
    with store.write() as s:
        registers.mark(s, ids["session"], ids["carers"][0], "present", worker_id=ids["me"], today=TODAY)
        form = clubs.club_form(s, ids["club"])
        form.weekday = 3  # Thursdays now
        form.first_date = "12/11/2026"
        clubs.save_club(s, form, worker_id=ids["me"], today=TODAY, club_id=ids["club"])
        days = [x.session_date for x in clubs.club_sessions(s, ids["club"], TODAY, date(2027, 1, 31))]
    # Today's session has a mark, so it stays; later Tuesdays give way to Thursdays.
    assert days[0] == TODAY
    assert all(d.weekday() == 3 for d in days[1:]) and date(2026, 11, 26) in days


def test_one_off_and_cancelled_sessions(store):
    ids = build(store, n=4)
    with store.write() as s:
        extra = clubs.add_one_off(s, ids["club"], "27/11/2026", "10:00", worker_id=ids["me"])
        with pytest.raises(FormErrors):
            clubs.add_one_off(s, ids["club"], "27/11/2026", "10:00")
        with pytest.raises(FormErrors) as err:
            clubs.cancel_session(s, ids["session"], "   ")
        assert "Say why" in err.value.by_field()["reason"]
        clubs.cancel_session(s, ids["session"], "Venue flooded", worker_id=ids["me"])
    with store.read() as s:
        rows = {x.id: x for x in clubs.club_sessions(s, ids["club"], TODAY, date(2026, 12, 31))}
        assert rows[extra].one_off and rows[extra].start_time == time(10, 0)
        assert rows[extra].end_time == time(18, 0)  # the club's own end time
        assert rows[ids["session"]].cancelled and rows[ids["session"]].cancel_reason == "Venue flooded"
        audit = s.exec(select(AuditEntry.action, AuditEntry.entity)).all()
        assert ("update", "club_session") in audit and ("create", "club_session") in audit


def test_cancelled_sessions_mark_nobody_absent_and_are_left_out_of_rates(store):
    ids = build(store, n=4)
    with store.write() as s:
        earlier = clubs.sessions_on(s, date(2026, 11, 10), ids["me"])[0].id
        for cid in ids["carers"]:
            registers.mark(s, earlier, cid, "present", today=TODAY)
        clubs.cancel_session(s, ids["session"], "Bank holiday closure")
        with pytest.raises(ValueError, match="cancelled"):
            registers.mark(s, ids["session"], ids["carers"][0], "present", today=TODAY)
    with store.read() as s:
        reg = registers.load_register(s, ids["session"])
        assert {r.status for r in reg.rows} == {""}  # nobody marked absent
        listed = club_attendance(s, ids["club"], date(2026, 11, 1), TODAY)
        rates = {r.session_date: r for r in listed}
        assert rates[date(2026, 11, 10)].rate == 1.0
        assert rates[TODAY].cancelled and rates[TODAY].rate is None and rates[TODAY].absent == 0
        overall = overall_rate(list(rates.values()), TODAY)
        assert overall.held == 4 and overall.rate == 1.0
        history = attendance_history(s, ids["carers"][0], today=TODAY)
        assert [(h.session_date, h.status) for h in history] == [
            (TODAY, "cancelled"), (date(2026, 11, 10), "present")]
        (rate,) = child_rates(history)
        assert (rate.held, rate.present, rate.absent, rate.rate) == (1, 1, 0, 1.0)


def test_members_outside_the_age_range_are_a_warning_not_a_block(store):
    ids = build(store, n=2)
    with store.write() as s:
        teen = f.carer(s, "Tyler", "Ward", date(2009, 1, 1))
        added = clubs.add_member(s, ids["club"], teen.id, today=TODAY)
        assert "Tyler Ward is 17: outside Dover Juniors's age range (8-12)" in added.warning
        members = clubs.members(s, ids["club"], TODAY)
        assert teen.id in {m.carer_id for m in members}
        assert clubs.add_member(s, ids["club"], teen.id, today=TODAY).already
        clubs.remove_member(s, ids["club"], teen.id, today=TODAY)
        assert teen.id not in {m.carer_id for m in clubs.members(s, ids["club"], date(2026, 11, 25))}


def test_find_carers_by_name_or_ref(store):
    with store.write() as s:
        f.carer(s, "Amira", "Khan", carer_ref="YC-AAAA22")
        f.carer(s, "Ben", "Khanna", carer_ref="YC-BBBB33")
        assert len(clubs.find_carers(s, "khan")) == 2
        assert len(clubs.find_carers(s, "amira kh")) == 1
        assert "YC-BBBB33" in clubs.find_carers(s, "yc-bbbb")[0][0]
