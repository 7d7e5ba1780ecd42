"""Taking a register through the real UI, keys only, then checking the database."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from db.models import Attendance, Carer, ClubMember
from tests.conftest import PASSPHRASE, on_screen, screen_text, settle, unlocked
from tests.helpers.register_data import build


async def _open_registers(pilot):
    await unlocked(pilot)
    await pilot.press("r")
    for _ in range(50):
        await settle(pilot, 1)
        if type(pilot.app.screen).__name__ == "RegisterScreen" and pilot.app.screen.reg is not None:
            return pilot.app.screen
    raise AssertionError("the register did not open")


def _rows(store, session_id):
    with store.read() as s:
        return {cid: (status, transport, note, walk_in) for cid, status, transport, note, walk_in in s.exec(
            select(Attendance.carer_id, Attendance.status, Attendance.transport, Attendance.note,
                   Attendance.walk_in).where(Attendance.session_id == session_id))}


async def test_a_full_register_taken_with_keys_only(make_app, store, db_path):
    ids = build(store, n=30)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_registers(pilot)  # one session today: lands on its register
        children = [r.carer_id for r in screen.reg.rows]  # as listed: by first name
        assert sorted(children) == sorted(ids["carers"])
        names = [r.name for r in screen.reg.rows]
        assert names[:3] == ["Alfie Wilson", "Amira Khan", "Bella Evans"]
        assert "0 present · 0 late · 0 absent · 30 not yet marked" in screen_text(app)

        await pilot.press(*["space"] * 5)  # children 0-4 present; cursor moves on each time
        await pilot.press("a")  # a mistake: child 5 is here, not absent
        await pilot.press("up", "u")  # back to child 5 and undo
        assert screen.by_id[children[5]].status == ""
        await pilot.press("enter")  # child 5 present
        await pilot.press("space", "space", "space")  # 6-8
        await pilot.press("down")  # child 9 not here yet
        await pilot.press(*["space", "a"] * 10)  # 10-29 alternately present and absent
        # The cursor comes round to the only child not yet marked: they arrive late.
        assert screen.current().carer_id == children[9]
        await pilot.press("l")
        assert "19 present · 1 late · 10 absent · 0 not yet marked" in screen_text(app)

        # A walk-in nobody knows yet: first name, last name, age.
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"Jayden", "enter", *"Clarke", "enter", *"10", "enter")
        for _ in range(20):
            await settle(pilot, 1)
            if app.screen is screen:
                break
        assert app.screen is screen
        assert "20 present · 1 late · 10 absent" in screen_text(app)
        assert screen.current().name == "Jayden Clarke"

        # Filter to one child, give her a bus pass and a note, clear the filter.
        await pilot.press("slash", *"zoe", "enter")
        assert "showing 1 of 31" in screen_text(app)
        await pilot.press("t", "n")
        await settle(pilot)
        await pilot.press(*"Mum collecting", "enter")
        await settle(pilot)
        await pilot.press("escape")  # clears the filter (the list has the focus)
        assert "showing" not in screen_text(app)
        await settle(pilot)
        assert not screen._unsaved and not screen._failed

    from db.engine import open_store

    store = open_store(db_path, PASSPHRASE)
    try:
        marks = _rows(store, ids["session"])
        assert len(marks) == 31
        assert [marks[c][0] for c in children[:9]] == ["present"] * 9
        assert marks[children[9]][0] == "late"
        assert [marks[c][0] for c in children[10:]] == ["present", "absent"] * 10
        zoe = children[names.index("Zoe Ali")]
        assert marks[zoe] == ("absent", "bus_pass", "Mum collecting", False)
        with store.read() as s:
            walk_in = s.exec(select(Carer).where(Carer.first_name == "Jayden")).one()
            assert walk_in.needs_referral_details
            assert marks[walk_in.id] == ("present", "none", "", True)
            assert s.exec(select(ClubMember.id).where(ClubMember.carer_id == walk_in.id,
                                                      ClubMember.club_id == ids["club"])).first()
    finally:
        store.close()


async def test_a_cancelled_session_takes_no_marks(make_app, store):
    from ycworker.registers import clubs

    ids = build(store, n=3)
    with store.write() as s:
        clubs.cancel_session(s, ids["session"], "Venue closed")
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)
        app.open_register(ids["session"])
        await settle(pilot)
        assert "Cancelled: Venue closed. This session takes no marks." in screen_text(app)
        await pilot.press("space", "l")
        await settle(pilot)
        assert "0 present · 0 late · 0 absent · 3 not yet marked" in screen_text(app)


async def test_a_failed_save_stays_visible_and_is_retried(make_app, store, monkeypatch):
    ids = build(store, n=3)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)
        app.open_register(ids["session"])
        await settle(pilot)
        screen = app.screen
        from screens.registers import register as register_screen

        real = register_screen.apply_ops
        calls = {"n": 0}

        def failing(*args):
            calls["n"] += 1
            raise OSError("disk I/O error")

        monkeypatch.setattr(register_screen, "apply_ops", failing)
        await pilot.press("space")
        await settle(pilot)
        assert "NOT SAVED" in screen.list.line_text(0) and "NOT SAVED" in screen_text(app)
        assert screen.by_id[ids["carers"][0]].status == "present"  # the mark is kept on screen
        monkeypatch.setattr(register_screen, "apply_ops", real)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "NOT SAVED" not in screen.list.line_text(0) and calls["n"] == 1
        assert "Saved: every mark is on the laptop now." in screen_text(app)
        with app.store.read() as s:
            assert s.exec(select(Attendance.status).where(Attendance.carer_id == ids["carers"][0])).one() \
                == "present"


async def test_a_future_session_opens_but_refuses_marks_with_a_sentence(make_app, store, db_path):
    """From the club's sessions, the next one (Tue 8 Dec, today being 24 Nov) opens; its marks and
    walk-ins are refused with a sentence and nothing is written."""
    ids = build(store, n=3)
    with store.read() as s:
        from ycworker.registers import clubs

        later = clubs.sessions_on(s, date(2026, 12, 8), ids["me"])[0].id
    store.close()
    sentence = "This session is on Tue 8 December; marks can be taken from that day."
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        today_screen = await _open_registers(pilot)  # lands on today's register
        assert sentence not in screen_text(app) and today_screen.reg.not_yet == ""
        await pilot.press("escape")  # back to the clubs and their sessions
        await on_screen(pilot, "RegistersScreen")
        await pilot.press("enter")  # the club chosen: its sessions, the cursor on today's
        await settle(pilot)
        await pilot.press("down", "enter")  # the next session
        for _ in range(50):
            await settle(pilot, 1)
            screen = app.screen
            if type(screen).__name__ == "RegisterScreen" and screen.reg is not None:
                break
        assert screen.reg.session.id == later
        assert sentence in screen_text(app)  # the banner, before anything is pressed
        await pilot.press("space", "a", "w")
        await settle(pilot)
        assert app.screen is screen  # no walk-in form
        assert all(r.status == "" for r in screen.reg.rows)
        assert "0 present · 0 late · 0 absent · 3 not yet marked" in screen_text(app)
        assert sentence in str(screen.query_one("#reg-status").render())
    from db.engine import open_store

    check = open_store(db_path, PASSPHRASE)
    try:
        assert _rows(check, later) == {}
    finally:
        check.close()


async def test_a_walk_in_with_day_and_month_swapped_is_offered_the_known_child_with_why(make_app, store,
                                                                                       db_path):
    ids = build(store, n=3)
    from tests.helpers import factories as f

    with store.write() as s:
        known = f.carer(s, "Mohammed", "Iqbal", date(2015, 4, 2), carer_ref="YC-MOIQ01").id
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open_registers(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press(*"Mohamed", "enter", *"Iqbal", "enter", *"04/02/2015", "enter")
        await settle(pilot)
        options = app.screen.query_one("#matches")
        assert options.display
        assert str(options.get_option_at_index(0).prompt) == (
            "Link to Mohammed Iqbal (YC-MOIQ01, born 02/04/2015): "
            "date of birth with day and month swapped, name 1 letter different")
        await pilot.press("enter")  # the known child
        for _ in range(20):
            await settle(pilot, 1)
            if app.screen is screen:
                break
        assert app.screen is screen and screen.by_id[known].status == "present"
    from db.engine import open_store

    check = open_store(db_path, PASSPHRASE)
    try:
        assert _rows(check, ids["session"])[known] == ("present", "none", "", True)
        with check.read() as s:
            assert len(s.exec(select(Carer).where(Carer.last_name == "Iqbal")).all()) == 1
    finally:
        check.close()
