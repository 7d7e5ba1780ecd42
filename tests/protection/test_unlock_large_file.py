"""A whole service's file (1 GB at 50,000 carers) unlocks without waiting for its quick check:
the check runs behind the home screen and a damaged file is still caught. Quitting or locking
stops a running check or backup instead of waiting for it."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import screen_text, settle, unlocked


async def test_large_file_is_checked_behind_the_home_screen_and_damage_still_stops_saving(
        make_app, store, monkeypatch):
    from ycworker.protection import integrity

    store.close()
    monkeypatch.setattr(integrity, "INLINE_CHECK_BYTES", 0)  # every file counts as large
    damaged = integrity.CheckResult(False, "quick", ["*** in database main *** Page 9: btree damaged"])
    calls: list[bool] = []

    def quick(st):
        calls.append(app.unlocked)  # True: the check ran after the home screen had the store
        return damaged

    monkeypatch.setattr(integrity, "quick_check", quick)
    app = make_app()
    app.AFTER_UNLOCK_DELAY = 0.05
    async with app.run_test(size=(140, 40)) as pilot:
        await unlocked(pilot)  # home is shown: the unlock did not run the check
        assert app.screen.__class__.__name__ == "HomeScreen"
        for _ in range(100):
            await settle(pilot, 1)
            if app.store.writing_stopped:
                break
        assert calls == [True], "the check ran before the unlock finished, or never"
        assert app.store.writing_stopped and "failed its quick check" in app.store.writing_stopped
        await settle(pilot)
        notes = [n.message for n in app._notifications]
        assert any("failed its quick check" in m and "F9" in m for m in notes), notes
        assert "Page 9: btree damaged" in screen_text(app) or any("Page 9" in m for m in notes)


def test_a_long_statement_is_stopped_by_interrupt_long_work(store):
    from db.engine import Interrupted, interrupt_long_work, long_work

    errors: list[BaseException] = []
    started = threading.Event()

    def run() -> None:
        with store.raw() as conn:
            try:
                with long_work(conn):
                    started.set()
                    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                 "WHERE i < 2000000000) SELECT count(*) FROM n").fetchone()
            except BaseException as exc:  # noqa: BLE001 - the test looks at what it was
                errors.append(exc)

    t = threading.Thread(target=run)
    t.start()
    assert started.wait(10)
    time.sleep(0.2)
    began = time.monotonic()
    assert interrupt_long_work() == 1
    t.join(10)
    assert not t.is_alive() and time.monotonic() - began < 5
    assert len(errors) == 1 and isinstance(errors[0], Interrupted)
    assert interrupt_long_work() == 0  # nothing left registered


def test_an_interrupted_backup_keeps_no_half_file(store, monkeypatch):
    from db.engine import Interrupted
    from ycworker.protection import backups, integrity

    def stopped(st, **kw):
        raise Interrupted("Stopped: ycworker was closed or locked.")

    monkeypatch.setattr(backups, "check_file", lambda *a, **k: stopped(None))
    with pytest.raises(Interrupted):
        backups.make_backup(store)
    folder = backups.backups_dir(store.path)
    assert list(folder.glob("*.tmp")) == [] and backups.list_backups(store.path) == []
    assert integrity.quick_check(store).ok
