"""Snapshot of the Conflicts screen (fixed data, fixed times, the clock in UTC): a manager's laptop
in a team with two conflicts to settle, the header's status line above them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from db.models.team import TeamConflict
from tests.conftest import on_screen, unlocked, until_shows
from tests.helpers import factories as f
from ycworker.common import settings
from ycworker.team import sync as team_sync

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _team(store) -> None:
    with store.write() as s:
        ann = f.worker(s, name="Ann Manager", role="manager")
        bob = f.worker(s, name="Bob Okafor")
        one = f.carer(s, carer_ref="YC-0101", first_name="Amira", last_name="Khan", worker_id=bob.id)
        two = f.carer(s, carer_ref="YC-0102", first_name="Ben", last_name="Taylor", worker_id=ann.id)
        s.add(TeamConflict(id="c" * 32, change_id="d" * 32, entity="carer", record_id=one.id,
                           field="first_name",
                           server_value='"Amy"', server_by=bob.id, server_at=NOW - timedelta(hours=5),
                           laptop_value='"Mira"', laptop_by=ann.id, laptop_at=NOW - timedelta(hours=3),
                           base_value='"Amira"'))
        s.add(TeamConflict(id="e" * 32, change_id="f" * 32, entity="carer", record_id=two.id,
                           field="date_of_birth", server_value='"2011-03-04"', server_by=bob.id,
                           server_at=NOW - timedelta(hours=4), laptop_value='"2011-04-03"', laptop_by=ann.id,
                           laptop_at=NOW - timedelta(hours=2, minutes=30), base_value='"2011-03-03"'))
        settings.put(s, team_sync.URL, "https://team.example.org")
        settings.put(s, team_sync.LAST_SYNC, (NOW - timedelta(hours=2)).isoformat())
    store.close()


def test_conflicts_screen(snap_compare, make_app, store, utc_clock):
    _team(store)
    app = make_app()
    app.team.clock = lambda: NOW

    async def run_before(pilot):
        await unlocked(pilot)
        await until_shows(pilot, "2 conflicts to settle from the team sync", "synced 2 h ago")
        await pilot.press("ctrl+g")
        await on_screen(pilot, "ConflictsScreen")
        await until_shows(pilot, "2 conflicts to settle", "YC-0102 Ben Taylor", "Both started from: Amira")

    assert snap_compare(app, terminal_size=(160, 30), run_before=run_before)
