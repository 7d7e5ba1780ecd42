"""Snapshots of the unlock and home screens (fixed data, fixed day)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import unlocked, until_shows
from tests.helpers import shell_data


def test_unlock_screen_for_a_new_database(snap_compare, make_app):
    app = make_app(db_path=Path("/nonexistent/ycworker/ycworker.db"), passphrase=None)
    assert snap_compare(app, terminal_size=(100, 30))


def test_home_screen(snap_compare, make_app, store):
    ids = shell_data.build(store)
    with store.write() as session:
        from ycworker.common import workers

        workers.choose(session, ids["me"])
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        await until_shows(pilot, "7 open carers", "Dover Chill Club: 16:30", "Kacper Nowak",
                          "Ellie Brooks", "Aisha Begum (YC-AISH06): turns 18", "Bus pass application",
                          "Jayden Clarke")

    assert snap_compare(app, terminal_size=(140, 36), run_before=run_before)
