"""Snapshots of the data-protection screens (fixed data): the F9 menu for a manager, and the
settings form with an error beside each bad field."""

from __future__ import annotations

from tests.conftest import settle, unlocked, until_shows
from tests.helpers import factories as f


def _manager(store) -> None:
    with store.write() as s:
        f.worker(s, name="Ann Manager", role="manager")
    store.close()


def test_protection_menu_for_a_manager(snap_compare, make_app, store):
    _manager(store)

    async def run_before(pilot):
        await unlocked(pilot)
        await pilot.press("f9")
        await until_shows(pilot, "Ann Manager, signed in as a manager", "Lock, retention and backup")

    assert snap_compare(make_app(), terminal_size=(120, 24), run_before=run_before)


def test_settings_show_each_error_beside_its_field(snap_compare, make_app, store):
    _manager(store)

    async def run_before(pilot):
        await unlocked(pilot)
        pilot.app.open_protection("settings")
        for _ in range(20):
            await settle(pilot, 1)
            if pilot.app.screen.query_one("#f-idle_minutes").value:
                break
        pilot.app.screen.query_one("#f-idle_minutes").value = "ten"
        pilot.app.screen.query_one("#f-backups_kept").value = "0"
        await pilot.press("ctrl+s")
        for _ in range(20):
            await settle(pilot, 1)
            if str(pilot.app.screen.query_one("#err-backups_kept").render()):
                break
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=(140, 30), run_before=run_before)
