"""Promise 7 in the App (pilot): a sync answered with 401 locks the App at once, and the unlock
screen then refuses the passphrase with the removal sentence."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Label

from db.engine import open_store
from tests.conftest import PASSPHRASE, until
from tests.helpers import factories
from tests.helpers import team as t
from tests.helpers.protection import unlock_as
from ycworker.common import settings, team_removal
from ycworker.team import sync as team_sync
from ycworker.team.server import service


async def test_a_sync_refused_401_locks_the_app_and_the_unlock_refuses(make_app, team_server, db_path):
    store = open_store(db_path, PASSPHRASE)
    try:
        t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
        with store.write() as session:
            factories.carer(session, carer_ref="T-1", first_name="Amira")
            device_id = settings.get(session, team_sync.DEVICE)
    finally:
        store.close()
    app = make_app()
    app.team.connect = lambda store: t.client_of(team_server, store)
    sentence = team_removal.sentence_for(datetime.now(UTC))
    async with app.run_test(size=(140, 30)) as pilot:
        await until(pilot, lambda: app.unlocked and "team_sync" in t.footer_actions(app),
                    lambda: "no sync key")
        service.remove_device(team_server.engine, device_id)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: not app.unlocked and app.current_mode == app.LOCKED_MODE,
                    lambda: f"the App did not lock; notes: {t.notes(app)}")
        assert app.store is None
        await unlock_as(pilot, None)
        await until(pilot, lambda: sentence in str(app.screen.query_one("#unlock-error", Label).render()),
                    lambda: "the unlock screen did not say the laptop was removed")
        assert not app.unlocked and app.current_mode == app.LOCKED_MODE
    store = open_store(db_path, PASSPHRASE)
    try:
        with store.read() as session:
            assert team_removal.refusal(session) == sentence
    finally:
        store.close()
