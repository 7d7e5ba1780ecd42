"""Issue 12 item 19 (restore in the app): a backup made under another passphrase asks for the
current passphrase beside its own field; the restored database goes on opening with the current
one. A refusal for it (FieldError('current')) is shown beside that field."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from db.engine import WrongPassphrase, open_store
from tests.conftest import PASSPHRASE, rekey_and_change, screen_text
from tests.helpers.protection import boot, open_from_menu, unlock_as, wait_for
from ycworker.protection import backups

NEW = "a brand new passphrase"


def _opens_with(db_path, secret) -> bool:
    try:
        open_store(db_path, secret).close()
    except WrongPassphrase:
        return False
    return True


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def _restore_form(pilot):
    app = pilot.app
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal", "the restore form")
    return app.screen


async def test_restoring_an_older_passphrases_backup_asks_for_the_current_one(make_app, store, db_path,
                                                                              monkeypatch):
    backups.make_backup(store, reason="manual")
    store.close()
    rekey_and_change(db_path, PASSPHRASE, NEW)  # the passphrase was changed after the backup
    app = make_app(passphrase=NEW)
    async with app.run_test(size=(120, 40)) as pilot:
        await boot(pilot)
        await open_from_menu(pilot, "backups")
        await wait_for(pilot, lambda: app.screen.query_one(DataTable).row_count == 1, "the list")

        # The form sees the backup is from another passphrase: both fields, Enter moves on.
        form = await _restore_form(pilot)
        assert form.query_one("#restore-current").display
        assert "made under another passphrase" in screen_text(app)
        form.query_one("#f-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        assert form.query_one("#f-current", Input).has_focus
        await pilot.press("ctrl+s")  # the current one left blank
        assert "database opens with now" in _text(app, "#err-current") and app.screen is form

        # A wrong current passphrase: refused by the service, nothing changed, said beside it.
        form.query_one("#f-current", Input).value = "not it at all"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal"
                       and app.screen is not form
                       and "not the passphrase" in _text(app, "#err-current"), "the refusal")
        assert app.unlocked and app.screen.query_one("#f-current", Input).has_focus
        assert _text(app, "#err-passphrase") == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "BackupsScreen", "the list")

        # Had the form not known, the service's FieldError('current') opens the field and says why.
        monkeypatch.setattr("screens.protection.backups.made_under_another_passphrase",
                            lambda *_a: False)
        form = await _restore_form(pilot)
        assert not form.query_one("#restore-current").display
        form.query_one("#f-passphrase", Input).value = PASSPHRASE
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "RestoreModal"
                       and app.screen is not form
                       and "another passphrase" in _text(app, "#err-current"), "the question")
        form = app.screen
        assert form.query_one("#restore-current").display
        assert form.query_one("#f-current", Input).has_focus
        form.query_one("#f-passphrase", Input).value = PASSPHRASE
        form.query_one("#f-current", Input).value = NEW
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.current_mode == app.LOCKED_MODE, "the lock after the restore")
        assert "did not change it" in screen_text(app)
        await unlock_as(pilot, None, NEW)
        await wait_for(pilot, lambda: app.unlocked, "unlocked with the current passphrase")
    assert _opens_with(db_path, NEW) and not _opens_with(db_path, PASSPHRASE)
