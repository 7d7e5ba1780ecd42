"""Issue 12 item 6: `u` takes back the last mark made in this register, wherever the cursor is now
(a stack: u u takes back two), and the status line always tells of the latest change."""

from __future__ import annotations

from sqlmodel import select

from db.models import Attendance
from tests.conftest import frame_text, on_screen, unlocked, until, until_shows
from tests.helpers.register_data import TODAY, build


def _marks(app, session_id):
    with app.store.read() as s:
        return dict(s.exec(select(Attendance.carer_id, Attendance.status)
                           .where(Attendance.session_id == session_id)).all())


async def _saved(pilot, screen):
    await until(pilot, lambda: not (screen._queue or screen._in_flight or screen._failed),
                lambda: "the marks were not saved")


async def test_u_takes_back_the_last_mark_wherever_the_cursor_is(make_app, store):
    ids = build(store, n=8)
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)
        app.open_register(ids["session"])
        await on_screen(pilot, "RegisterScreen")
        screen = app.screen
        await until(pilot, lambda: screen.reg is not None, lambda: "the register did not load")
        rows = [r.carer_id for r in screen.list.rows]
        names = {r.carer_id: r.name for r in screen.list.rows}
        first, second = rows[0], rows[1]

        await pilot.press("space")  # first child present; the cursor moves on to the second
        await pilot.press("a")  # second child absent (a mistake); the cursor moves on again
        assert screen.current().carer_id == rows[2]
        await pilot.press("down", "down")  # the cursor is now well away from the mistake
        await _saved(pilot, screen)
        assert _marks(app, ids["session"]) == {first: "present", second: "absent"}

        await pilot.press("u")
        await _saved(pilot, screen)
        assert screen.by_id[second].status == "" and screen.by_id[first].status == "present"
        assert _marks(app, ids["session"]) == {first: "present"}
        assert screen.current().carer_id == rows[4]  # the cursor did not move
        await until_shows(pilot, f"Cleared the mark for {names[second]}")

        # The next mark replaces the line: no stale "Cleared ..." after later marks.
        await pilot.press("l")
        await until_shows(pilot, f"{names[rows[4]]}: Late")
        assert "Cleared the mark" not in frame_text(app)

        # u u: the late mark, then the first child's present.
        await pilot.press("u", "u")
        await _saved(pilot, screen)
        assert _marks(app, ids["session"]) == {}
        await until_shows(pilot, f"Cleared the mark for {names[first]}")
        await pilot.press("u")  # nothing left to take back: says so, changes nothing
        await until_shows(pilot, "Nothing to undo")
        assert _marks(app, ids["session"]) == {}


async def test_u_after_a_changed_mark_restores_the_one_before(make_app, store):
    from ycworker.registers import register as registers

    ids = build(store, n=4)
    with store.write() as s:
        registers.mark(s, ids["session"], ids["carers"][0], "present", today=TODAY)
        registers.set_note(s, ids["session"], ids["carers"][0], "Dad collecting")
    store.close()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)
        app.open_register(ids["session"])
        await on_screen(pilot, "RegisterScreen")
        screen = app.screen
        await until(pilot, lambda: screen.reg is not None, lambda: "the register did not load")
        target = screen.by_id[ids["carers"][0]]
        screen.list.move_cursor(screen.shown_ids.index(target.carer_id))
        await pilot.press("a")  # changed to absent by mistake
        await _saved(pilot, screen)
        await pilot.press("u")
        await _saved(pilot, screen)
        with app.store.read() as s:
            row = s.exec(select(Attendance.status, Attendance.note)
                         .where(Attendance.carer_id == target.carer_id)).one()
        assert tuple(row) == ("present", "Dad collecting")
        await until_shows(pilot, f"{target.name} is back to Present")
