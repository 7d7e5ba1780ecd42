"""The app shell through the real UI: unlock, home, help, palette, area keys."""

from __future__ import annotations

import hashlib

from textual.widgets import Input, OptionList

from tests.conftest import PASSPHRASE, screen_text, settle, unlocked, until, until_shows
from tests.helpers import shell_data


async def test_new_database_asks_for_the_passphrase_twice(make_app, tmp_path):
    path = tmp_path / "fresh" / "ycworker.db"
    app = make_app(db_path=path, passphrase=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "New database" in screen_text(app)
        await pilot.press(*"short", "enter")
        assert "at least 10 characters" in screen_text(app)
        app.screen.query_one("#passphrase", Input).value = ""
        await pilot.press(*"a good passphrase", "enter", *"a good passphrasX", "enter")
        assert "do not match" in screen_text(app)
        app.screen.query_one("#confirm", Input).value = ""
        await pilot.press(*"a good passphrase", "enter")
        await until_shows(pilot, "Write this recovery key on paper")  # once, then Enter goes on
        await pilot.press("enter")
        await unlocked(pilot)
        assert app.current_mode == "home"
    assert path.exists()


async def test_wrong_passphrase_says_so_and_changes_nothing(make_app, db_path):
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    app = make_app(passphrase=None)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press(*"not it at all", "enter")
        for _ in range(50):
            await settle(pilot, 1)
            if "does not open" in screen_text(app):
                break
        assert "does not open this database" in screen_text(app)
        assert not app.unlocked
        assert app.focused is app.screen.query_one("#passphrase", Input)
        assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
        await pilot.press(*PASSPHRASE, "enter")
        await unlocked(pilot)


async def test_home_shows_the_workers_day(make_app, store):
    shell_data.build(store)
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await unlocked(pilot)
        text = screen_text(app)
        assert "Dover Chill Club: 16:30 at Dover Youth Hub" in text
        assert "! Kacper Nowak (YC-KACP02): allocation overdue by 6 working days" in text
        assert "Leah Morgan (YC-LEAH01): allocation due today" in text
        assert "Aisha Begum (YC-AISH06): turns 18 on 01 Mar 2027" in text
        assert "Jayden Clarke (YC-JAYD07): needs referral details" in text
        assert "Zara" not in text


async def test_help_lists_every_area_key(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HelpScreen"
        from screens.areas import AREAS

        text = app.screen.query_one("Markdown")._markdown
        for area in AREAS:
            assert f"`{area.key}` | {area.title}" in text
        assert "Refresh" in text  # the home screen's own keys
        assert "`ctrl+l` | lock now" in text and "`F9` | data protection" in text
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_palette_offers_the_areas_and_the_screens_actions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Go to Caseload [c]" in titles
        assert "Refresh [f5]" in titles
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to Home")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CommandPalette"


async def test_home_list_is_keyboard_navigable(make_app, store):
    shell_data.build(store)
    store.close()
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await unlocked(pilot)
        assert isinstance(app.focused, OptionList) and app.focused.id == "home-sessions"
        await pilot.press("tab")
        assert app.focused.id == "home-allocations"
        await pilot.press("enter")  # opens the highlighted carer's record
        await settle(pilot)
        assert app.screen.__class__.__name__ == "CarerRecordScreen"


async def test_a_database_error_is_a_message_not_a_crash(make_app, monkeypatch):
    from ycworker.home import day as home

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await unlocked(pilot)

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(home, "worker_day", broken)
        await pilot.press("f5")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Could not load your day" in m and "reference RuntimeError" in m for m in messages)
        assert not any("disk on fire" in m for m in messages)  # the exception's text stays out
        assert app.is_running and app.screen.__class__.__name__ == "HomeScreen"


async def test_after_unlock_the_long_lived_heap_is_frozen_out_of_the_collector(make_app, store):
    """Full garbage collections walked every module's objects (120-165 ms pauses while typing):
    the App collects, then freezes what is alive, once home has loaded; and it collects young
    objects every 10,000 allocations, not 700 (see ycworker/app.py)."""
    import gc

    from ycworker.app import GC_THRESHOLDS

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = make_app()
    assert gc.get_threshold() == GC_THRESHOLDS
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await unlocked(pilot)
            for _ in range(100):
                await pilot.pause(0.1)
                if gc.get_freeze_count():
                    break
            assert gc.get_freeze_count() > 50_000  # Textual, SQLAlchemy, the screens
    finally:
        gc.unfreeze()


async def test_switching_areas_never_holds_the_repaint(make_app, store):
    """Textual's switch_mode holds repaints for 50 ms (``delay_update``) and ends the hold through
    ``check_idle``; the App once replaced ``check_idle`` with its idle lock, so the hold ended
    without waking the loop and the new area stayed unpainted until the next key (seen in tmux:
    ``e`` from home showed nothing). Each area switched to is on top at once and the hold ends by
    itself, with no further key (tests/shell/test_no_textual_shadowing.py has the cause's test)."""
    import asyncio

    store.close()
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        for key, name in (("e", "ReturnsScreen"), ("h", "HomeScreen"), ("s", "ServiceActivityScreen"),
                          ("h", "HomeScreen"), ("e", "ReturnsScreen")):
            await pilot.press(key)
            assert type(app.screen).__name__ == name
            for _ in range(500):  # no key, no pilot message: the hold must end by itself
                if not app._batch_count:
                    break
                await asyncio.sleep(0.01)
            assert app._batch_count == 0
            await settle(pilot)


async def test_after_a_change_of_area_the_c_heap_is_trimmed_off_the_ui_thread(make_app, store, monkeypatch):
    """glibc keeps what SQLite and large Python objects freed unless asked: a while after each
    change of area the App asks (``_trim_c_heap``), in a thread; about 9 MB of the resident memory
    after visiting every area at 50,000 carers (bench/memory.py)."""
    import threading

    import ycworker.app as app_module

    app_module._trim_c_heap()  # the real one: harmless wherever it runs
    trims: list[str] = []
    monkeypatch.setattr(app_module, "_trim_c_heap", lambda: trims.append(threading.current_thread().name))
    app = make_app()
    app.TRIM_DELAY = 0.05
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        await until(pilot, lambda: len(trims) >= 1, lambda: "no trim after unlock")
        seen = len(trims)
        await pilot.press("s")
        await until(pilot, lambda: len(trims) > seen, lambda: "no trim after the change of area")
        assert threading.main_thread().name not in trims
