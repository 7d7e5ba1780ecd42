"""Snapshot of the Team screen (fixed data, fixed day, the clock in UTC): a manager's laptop in a
team, with the laptops as the server last reported them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from tests.conftest import on_screen, unlocked, until_shows
from tests.helpers import factories as f
from ycworker.common import settings
from ycworker.team import protocol
from ycworker.team import sync as team_sync


def _team(store) -> None:
    with store.write() as s:
        ann = f.worker(s, name="Ann Manager", role="manager")
        bob = f.worker(s, name="Bob Okafor")
        cat = f.worker(s, name="Cat Reyes")
        lee = f.worker(s, name="Lee Leaver", active=False)
        for i in range(6):
            f.carer(s, "Bob", f"Case{i}", worker_id=bob.id, carer_ref=f"YC-B{i}")
        late = f.carer(s, "Late", "Allocation", worker_id=bob.id, carer_ref="YC-B9")
        f.referral(s, late.id, date(2026, 10, 1), consent="given")
        slow = f.carer(s, "Slow", "Assessment", date(2009, 2, 1), worker_id=cat.id, carer_ref="YC-C1")
        f.referral(s, slow.id, date(2026, 10, 1), allocated_date=date(2026, 10, 5), worker_id=cat.id,
                   consent="given")
        for i in range(3):
            f.carer(s, "Lee", f"Case{i}", worker_id=lee.id, carer_ref=f"YC-L{i}")
        f.carer(s, "Not", "Yet", carer_ref="YC-N1")
        enrolled = datetime(2026, 9, 1, tzinfo=UTC)
        report = protocol.TeamResponse(
            server_time=datetime(2026, 11, 24, 14, 0, tzinfo=UTC), workers=[], devices=[
                protocol.DeviceReport(device_id="a" * 32, worker_id=ann.id, enrolled_at=enrolled, waiting=0,
                                      last_sync_at=datetime(2026, 11, 24, 14, 0, tzinfo=UTC)),
                protocol.DeviceReport(device_id="b" * 32, worker_id=bob.id, enrolled_at=enrolled, waiting=12,
                                      last_sync_at=datetime(2026, 11, 20, 9, 15, tzinfo=UTC))])
        settings.put(s, team_sync.URL, "https://team.example.org")
        settings.put(s, team_sync.LAST_SYNC, datetime(2026, 11, 24, 14, 0, tzinfo=UTC).isoformat())
        settings.put(s, team_sync.DEVICES, report.model_dump_json())
        settings.put(s, settings.LAST_WORKER, ann.id)
    store.close()


def test_team_screen(snap_compare, make_app, store, utc_clock):
    _team(store)
    app = make_app()
    app.team.clock = lambda: datetime(2026, 11, 24, 15, 0, tzinfo=UTC)

    async def run_before(pilot):
        await unlocked(pilot)
        await pilot.press("t")
        await on_screen(pilot, "TeamScreen")
        await until_shows(pilot, "Bob Okafor", "20 Nov 09:15", "Lee Leaver (left)", "1 not allocated")

    assert snap_compare(app, terminal_size=(160, 24), run_before=run_before)
