"""The workers' screens of issue 14 through the real UI: a manager adds, resets and removes a
worker; a youth worker's F9 menu offers none of a manager's work; a worker changes their own
passphrase; a manager replaces the key and is shown the new recovery key once; the audit log
shows names."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Input, OptionList

from db.engine import WrongPassphrase, open_store
from tests.conftest import PASSPHRASE, give_passphrase, on_screen, screen_text, unlocked, until, until_shows
from tests.helpers import factories as f
from ycworker.common import audit

SIZE = (150, 45)


async def open_entry(pilot, what: str) -> None:
    """F9, highlight the entry, Enter."""
    await pilot.press("f9")
    await on_screen(pilot, "ProtectionScreen")
    menu = pilot.app.screen.query_one("#prot-menu", OptionList)
    menu.highlighted = menu.get_option_index(what)
    await pilot.press("enter")


async def fill(pilot, **values: str) -> None:
    """Put text in the form's fields (typing every key is not what is under test)."""
    for name, text in values.items():
        box = pilot.app.screen.query_one(f"#f-{name}", Input)
        box.value = text
        box.focus()
    await pilot.pause()


def rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one(DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def highlight(pilot, name: str) -> None:
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=[r[0] for r in rows(pilot.app)].index(name))
    await pilot.pause()


async def test_a_manager_adds_resets_and_removes_a_worker(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlocked(pilot)
        await open_entry(pilot, "workers")
        await on_screen(pilot, "WorkersScreen")
        await until_shows(pilot, app.worker_info.name, "Can sign in on this laptop")
        ids = {b.binding.id for b in app.screen.active_bindings.values()}
        assert {"workers.add", "workers.reset", "workers.remove"} <= ids
        await until_shows(pilot, "Add a worker", "Reset a passphrase", "Remove")  # in the footer

        await pilot.press("a")
        await on_screen(pilot, "PassphraseForm")
        assert app.screen.query_one("#f-new", Input).password
        await fill(pilot, name="Cara Newhire", new="short", again="short")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "10" in str(app.screen.query_one("#err-new").render()),
                    lambda: screen_text(app))
        assert "10" in str(app.screen.query_one("#form-message").render())  # the always-visible line
        await fill(pilot, new="cara first passphrase", again="cara first passphrase!")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "match" in str(app.screen.query_one("#err-again").render()),
                    lambda: screen_text(app))
        await fill(pilot, again="cara first passphrase")
        await pilot.press("ctrl+s")
        await on_screen(pilot, "WorkersScreen")
        await until_shows(pilot, "Cara Newhire can now sign in")
        assert ("Cara Newhire", "Youth worker", "yes") in rows(app)

        await highlight(pilot, "Cara Newhire")
        await pilot.press("r")
        await on_screen(pilot, "PassphraseForm")
        await until_shows(pilot, "A new passphrase for Cara Newhire")
        await fill(pilot, new="cara second passphrase", again="cara second passphrase")
        await pilot.press("ctrl+s")
        await on_screen(pilot, "WorkersScreen")
        await until_shows(pilot, "Cara Newhire signs in with the new passphrase")

        await highlight(pilot, "Cara Newhire")
        await pilot.press("x")
        await on_screen(pilot, "ConfirmModal")
        await until_shows(pilot, "Remove Cara Newhire?", "Their records stay")
        await pilot.press("y")
        await on_screen(pilot, "WorkersScreen")
        await until_shows(pilot, "Cara Newhire can no longer sign in")
        assert ("Cara Newhire", "Youth worker", "no") in rows(app)  # the record stays
    with pytest.raises(WrongPassphrase):
        open_store(db_path, "cara second passphrase", migrate=False)


async def test_a_youth_workers_menu_offers_no_managers_work(make_app, store):
    with store.write() as s:
        f.worker(s, name="Ben Worker")
    ben = give_passphrase(store, "Ben Worker")
    store.close()
    app = make_app(passphrase=ben)
    async with app.run_test(size=SIZE) as pilot:
        await unlocked(pilot)
        await pilot.press("f9")
        await on_screen(pilot, "ProtectionScreen")
        menu = app.screen.query_one("#prot-menu", OptionList)
        offered = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert offered == ["backups", "passphrase"]
        text = screen_text(app)
        for word in ("Workers", "Audit log", "Erase", "settings", "key", "manager only"):
            assert word not in text.split("signed in as")[1], word


async def test_change_my_passphrase_then_the_old_one_is_refused(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlocked(pilot)
        me = app.worker_info.name
        await open_entry(pilot, "passphrase")
        await on_screen(pilot, "PassphraseScreen")
        await until_shows(pilot, "Change my passphrase", "only your own passphrase changes")
        new = "a brand new passphrase"
        await fill(pilot, old="not my passphrase", new=new, again=new)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "not your current" in str(app.screen.query_one("#err-old").render()),
                    lambda: screen_text(app))
        await fill(pilot, old=PASSPHRASE)
        await pilot.press("ctrl+s")
        await until_shows(pilot, "Your passphrase is changed")
    done = open_store(db_path, "a brand new passphrase", migrate=False)
    assert done.acting is not None and done.acting[1] == me
    done.close()
    with pytest.raises(WrongPassphrase):
        open_store(db_path, PASSPHRASE, migrate=False)


async def test_a_manager_replaces_the_key_and_sees_the_recovery_key_once(make_app, db_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlocked(pilot)
        await open_entry(pilot, "rekey")
        await on_screen(pilot, "RekeyScreen")
        await until_shows(pilot, "Press y to replace the key")
        await pilot.press("y")
        await until_shows(pilot, "Write it on paper", "Press Enter when it is written down")
        code = re.search(r"(?:[0-9A-Z]{4}[- ]){13}[0-9A-Z]{4}", screen_text(app))
        assert code, screen_text(app)
        await pilot.press("enter")
        await on_screen(pilot, "ProtectionScreen")
        assert app.unlocked and app.store is not None
    store = open_store(db_path, PASSPHRASE, migrate=False)  # the manager's passphrase still opens it
    store.close()


async def test_the_audit_log_shows_names_not_ids(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlocked(pilot)
        me = app.worker_info.name
        with app.store.write() as s:  # another worker's entry, as the log stores it: an id
            zed = f.worker(s, name="Zed Outreach")
            audit.record(s, "view", "carer", "c" * 32, zed.id)
            zed_id = zed.id
        await open_entry(pilot, "audit")
        await on_screen(pilot, "AuditLogScreen")
        await until_shows(pilot, "Page 1 of")
        workers = {r[1] for r in rows(app)}
        assert {"Zed Outreach", me} <= workers
        assert not any(re.fullmatch(r"[0-9a-f]{32}", w) for w in workers), workers
        assert zed_id not in workers
