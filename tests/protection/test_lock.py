"""The lock through the real UI: ctrl+l, the idle lock, the session length, the worker picker,
failed unlocks audited, and no open handle on the database while locked."""

from __future__ import annotations

import time

from sqlmodel import select
from textual.widgets import Input

from db.models import AuditEntry
from tests.conftest import PASSPHRASE, give_passphrase, screen_text, settle
from tests.helpers import factories as f
from tests.helpers import shell_data
from tests.helpers.protection import db_handles, unlock_as, wait_for

NAMES = ("Leah", "Kacper", "Ellie", "Aisha", "Oscar", "Morgan", "YC-LEAH01")


def painted(app) -> str:
    """What the terminal shows now, as plain text (from the screenshot SVG)."""
    import html
    import re
    from collections import defaultdict

    rows = defaultdict(list)
    for m in re.finditer(r'<text[^>]*x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', app.export_screenshot()):
        rows[float(m.group(2))].append((float(m.group(1)), html.unescape(m.group(3)).replace("\xa0", " ")))
    return "\n".join("".join(t for _x, t in sorted(parts)) for _y, parts in sorted(rows.items()))


async def test_lock_hides_everything_and_the_same_worker_resumes_a_different_one_starts_at_home(
        make_app, store):
    ids = shell_data.build(store)
    priya, tom = give_passphrase(store, "Priya Shah"), give_passphrase(store, "Tom Evans")
    store.close()
    app = make_app(passphrase=priya)
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "home")
        first = app.worker_info.name
        assert first == "Priya Shah"  # her passphrase says it is her
        await pilot.press("c")
        await wait_for(pilot, lambda: getattr(app.screen, "last_window", None) is not None, "the caseload")
        await settle(pilot)
        assert "Ellie Brooks" in painted(app)  # hers (a worker sees her own caseload)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert not app.unlocked and app.store is None and app.worker_info is None
        assert app.current_mode == app.LOCKED_MODE
        shown = screen_text(app)
        assert "Locked. Your work is saved." in shown
        shown_now = painted(app)
        for name in NAMES:
            assert name not in shown and name not in shown_now, name
        assert app.focused is app.screen.query_one("#passphrase", Input)
        assert not db_handles(app.db_path)
        await pilot.press("c")  # area keys do nothing while locked: it is typed into the passphrase
        assert app.current_mode == app.LOCKED_MODE and app.screen.query_one("#passphrase", Input).value == "c"

        await unlock_as(pilot, "Priya Shah", priya)
        assert app.worker_info.name == "Priya Shah" and app.current_mode == "caseload"

        await pilot.press("ctrl+l")
        await settle(pilot)
        await unlock_as(pilot, "Tom Evans", tom)
        assert app.worker_info.name == "Tom Evans" and app.current_mode == "home"
        assert "Tom Evans" in app.sub_title

        # "my caseload" is the caseload of the worker chosen at unlock
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("f2")  # Mine / everyone
        await wait_for(pilot, lambda: "1 carer · my caseload" in screen_text(app), "Tom's caseload")
        assert app.screen.query_state.worker_id == ids["other"] == app.worker_info.id
        await settle(pilot)
        tom = painted(app)
        assert "Oscar Reid" in tom and "Ellie Brooks" not in tom  # Ellie is Priya's
    from db.engine import open_store

    s = open_store(app.db_path, PASSPHRASE)
    try:
        with s.read() as session:
            actions = session.exec(select(AuditEntry.action).order_by(AuditEntry.at)).all()
    finally:
        s.close()
    assert actions.count("unlock") == 3 and actions.count("lock") == 2


async def test_idle_lock_and_session_length_leave_no_open_handle_on_the_database(make_app, store):
    from ycworker.protection import session as protection

    with store.write() as s:
        f.carer(s, "Idle", "Person", carer_ref="YC-IDLE01")
        protection.save_policy(s, 10, 2)  # 10 minutes idle, a 2-hour session (for the test)
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "home")
        assert app.lock_policy == protection.LockPolicy(10, 2)
        await pilot.press("c")
        await settle(pilot)
        assert db_handles(app.db_path)  # the pool holds the file open while unlocked
        # times are counted from the app's own last use, never from the test's clock: on a busy
        # machine seconds can pass between the key being handled and the test reading the time
        used = app._last_activity
        assert app.lock_if_idle(now=used + 9 * 60) is False and app.unlocked
        await pilot.press("down")  # any key counts as use
        assert app._last_activity > used
        used = app._last_activity
        assert app.lock_if_idle(now=used + 9 * 60 + 59) is False
        assert app.lock_if_idle(now=used + 10 * 60 + 1) is True
        await settle(pilot)
        assert not app.unlocked and app.current_mode == app.LOCKED_MODE
        assert "Locked after 10 minutes without use." in screen_text(app)
        assert "Idle" not in screen_text(app) and "Idle" not in painted(app)
        assert db_handles(app.db_path) == []
        assert app.lock_if_idle(now=time.monotonic() + 3600) is False  # already locked
        await unlock_as(pilot, None)
        await wait_for(pilot, lambda: app.unlocked, "the unlock")
        await settle(pilot)
        assert app.current_mode == "caseload"

        # busy all day, a key every 9 minutes: the session still ends after 2 hours
        start = app._session_started
        for minutes in range(0, 120, 9):
            app._last_activity = start + minutes * 60
            assert app.lock_if_idle(now=start + minutes * 60 + 1) is False
        app._last_activity = start + 2 * 3600 - 5
        assert app.lock_if_idle(now=start + 2 * 3600 + 1) is True
        await settle(pilot)
        assert "a session lasts at most 2 hours" in screen_text(app)
        assert db_handles(app.db_path) == []


async def test_failed_unlocks_are_audited_after_the_next_unlock_and_the_passphrase_says_who(
        make_app, store):
    with store.write() as s:
        f.worker(s, name="Ann Manager", role="manager")
        f.worker(s, name="Ben Worker")
        f.worker(s, name="Cat Worker")
    ben_passphrase = give_passphrase(store, "Ben Worker")
    store.close()
    app = make_app(passphrase=None)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for guess in ("not the passphrase", "nor is this one"):
            await unlock_as(pilot, None, passphrase=guess)
            await wait_for(pilot, lambda: "does not open" in screen_text(app), "the refusal")
            assert not app.unlocked
        assert len(app.failed_unlocks) == 2
        await unlock_as(pilot, None, passphrase=ben_passphrase)  # no list of names: it is Ben's
        await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "home")
        assert not app.screen.query("#unlock-who")
        assert app.worker_info.name == "Ben Worker" and not app.worker_info.is_manager
        assert app.failed_unlocks == []
        await pilot.press("ctrl+l")
        await settle(pilot)
    from db.engine import open_store

    s = open_store(app.db_path, PASSPHRASE)
    try:
        with s.read() as session:
            rows = session.exec(select(AuditEntry.action, AuditEntry.worker_id)
                                .order_by(AuditEntry.at)).all()
            ben = session.exec(select(AuditEntry.worker_id).where(AuditEntry.action == "unlock")).one()
    finally:
        s.close()
    assert [a for a, _w in rows].count("failed_unlock") == 2
    assert all(w is None for a, w in rows if a == "failed_unlock")
    assert [a for a, _w in rows][-2:] == ["unlock", "lock"]
    assert ben is not None


def test_a_connection_in_use_when_the_store_closes_is_closed_when_given_back(store):
    """A lock can come while a screen's query is still running in a thread: that connection is
    closed as soon as the thread gives it back, not left open until garbage collection."""
    import gc
    import threading

    from db.models import District

    gc.disable()  # so only the store can be what closes it
    try:
        holding, release = threading.Event(), threading.Event()

        def query() -> None:
            with store.read() as session:
                session.exec(select(District.id)).all()
                holding.set()
                release.wait(10)

        worker = threading.Thread(target=query)
        worker.start()
        assert holding.wait(10)
        store.close()
        assert db_handles(store.path)  # still in use by the thread
        release.set()
        worker.join(10)
        assert db_handles(store.path) == []
        with store.write() as session:  # a closed store is not broken: it reconnects if used again
            session.add(District(name="After"))
        store.close()
        assert db_handles(store.path) == []
    finally:
        gc.enable()
