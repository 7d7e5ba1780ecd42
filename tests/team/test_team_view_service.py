"""The manager's Team view (issue 16): its figures from this laptop's data, and the laptops' last
sync and waiting changes the team server reports (``POST /v1/team``, real PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.engine import open_store
from tests.conftest import TODAY, give_passphrase
from tests.helpers import factories as f
from tests.helpers.team import join, run_sync
from ycworker.common import settings
from ycworker.common.context import Context
from ycworker.common.errors import UserError
from ycworker.team import overview, protocol
from ycworker.team import sync as team_sync

# TODAY is Tuesday 24 November 2026.


def _seed(store) -> dict[str, str]:
    with store.write() as s:
        ann = f.worker(s, "Ann Able")
        f.worker(s, "Bob Idle")
        lee = f.worker(s, "Lee Left", active=False)
        gone = f.worker(s, "Gone Empty", active=False)
        # Ann: an allocation overdue (referred 1 Oct, never allocated: due 8 Oct)
        a1 = f.carer(s, "Ann", "One", worker_id=ann.id)
        f.referral(s, a1.id, date(2026, 10, 1), consent="given")
        # an assessment overdue (allocated 5 Oct: 15 working days, due 26 Oct)
        a2 = f.carer(s, "Ann", "Two", worker_id=ann.id)
        f.referral(s, a2.id, date(2026, 10, 1), allocated_date=date(2026, 10, 5), worker_id=ann.id,
                   consent="given")
        # an assessment not yet due (allocated 20 Nov: due 11 Dec), turning 18 on 1 Feb 2027
        a3 = f.carer(s, "Ann", "Three", date(2009, 2, 1), worker_id=ann.id)
        f.referral(s, a3.id, date(2026, 11, 18), allocated_date=date(2026, 11, 20), worker_id=ann.id,
                   consent="given")
        # turning 18 after the six months (1 Jul 2027): not flagged; and a closed case: not counted
        f.carer(s, "Ann", "Four", date(2009, 7, 1), worker_id=ann.id)
        f.carer(s, "Ann", "Closed", date(2009, 2, 1), worker_id=ann.id, status="closed")
        # a leaver still holding a case
        f.carer(s, "Lee", "Case", worker_id=lee.id)
        # a request not allocated to anyone, overdue
        u = f.carer(s, "Nobody", "Yet")
        f.referral(s, u.id, date(2026, 11, 2), consent="given")
        ids = {"ann": ann.id, "lee": lee.id, "gone": gone.id}
    return ids


def test_the_figures_count_each_workers_cases_clocks_and_turning_18(store):
    ids = _seed(store)
    view = overview.team_overview(store, Context(TODAY, store.acting[0]))
    lines = {line.name: line for line in view.lines}
    assert "Gone Empty" not in lines  # left and holds nothing
    ann = lines["Ann Able"]
    assert (ann.open_cases, ann.allocations_overdue, ann.assessments_overdue, ann.turning_18) == (4, 1, 1, 1)
    bob = lines["Bob Idle"]
    assert (bob.open_cases, bob.allocations_overdue, bob.assessments_overdue, bob.turning_18) == (0, 0, 0, 0)
    lee = lines["Lee Left"]
    assert lee.open_cases == 1 and lee.label == "Lee Left (left)" and lee.worker_id == ids["lee"]
    assert (view.unallocated, view.unallocated_overdue) == (1, 1)
    assert view.open_cases == 6
    # never in a team: no laptop has synced
    assert not view.enrolled and view.reported_at is None
    assert overview.sync_text(ann, TODAY) == "not synced" and overview.waiting_text(ann) == "—"


def test_the_last_sync_and_waiting_come_from_the_servers_last_report(store):
    ids = _seed(store)
    def laptop(n: int, synced: datetime, waiting: int, removed: bool = False) -> protocol.DeviceReport:
        return protocol.DeviceReport(device_id=f"d{n}" * 16, worker_id=ids["ann"], waiting=waiting,
                                     enrolled_at=datetime(2026, 11, n, tzinfo=UTC), last_sync_at=synced,
                                     removed=removed)

    report = protocol.TeamResponse(
        server_time=datetime(2026, 11, 24, 9, 0, tzinfo=UTC), workers=[],
        devices=[laptop(1, datetime(2026, 11, 20, 8, 30, tzinfo=UTC), 3),
                 laptop(2, datetime(2026, 11, 23, 16, 0, tzinfo=UTC), 4),
                 laptop(3, datetime(2026, 11, 24, 8, 0, tzinfo=UTC), 50, removed=True)])
    with store.write() as s:
        settings.put(s, team_sync.DEVICES, report.model_dump_json())
    view = overview.team_overview(store, Context(TODAY, store.acting[0]))
    ann = next(line for line in view.lines if line.name == "Ann Able")
    assert ann.last_sync == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)  # a removed laptop does not count
    assert ann.waiting == 7 and ann.laptops == 2
    assert view.reported_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    bob = next(line for line in view.lines if line.name == "Bob Idle")
    assert bob.last_sync is None and overview.sync_text(bob, TODAY) == "not synced"


def test_a_worker_is_refused_the_team_view(store):
    _seed(store)
    secret = give_passphrase(store, "Ann Able")
    store.close()
    as_ann = open_store(store.path, secret)
    try:
        with pytest.raises(UserError, match="Only a manager can see the team's view."):
            overview.team_overview(as_ann, Context(TODAY, as_ann.acting[0]))
    finally:
        as_ann.close()


# -- the server's report (real PostgreSQL) --------------------------------------------------------


def test_the_team_endpoint_refuses_a_workers_device_and_tells_a_manager_each_laptop(team_server):
    manager = team_server.enrol_manager()
    ann = team_server.enrol("Ann Able")
    never = team_server.enrol("Nia Never")
    r = team_server.client.post("/v1/push", headers=ann.headers, json={
        "changes": [], "laptop_time": datetime.now(UTC).isoformat(), "waiting": 7})
    assert r.status_code == 200, r.text
    refused = team_server.client.post("/v1/team", headers=ann.headers, json={})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Only a manager's laptop can see how the team's laptops stand "
                                        "with the server; ask a manager."}
    answer = team_server.client.post("/v1/team", headers=manager.headers, json={})
    assert answer.status_code == 200, answer.text
    body = protocol.TeamResponse.model_validate(answer.json())
    devices = {d.worker_id: d for d in body.devices}
    assert devices[ann.worker_id].waiting == 7 and devices[ann.worker_id].last_sync_at is not None
    assert devices[ann.worker_id].last_sync_at <= body.server_time
    assert devices[never.worker_id].last_sync_at is None and devices[never.worker_id].waiting == 0
    assert {w.name for w in body.workers} >= {"Ann Able", "Nia Never"}
    # an unknown field is refused as any request's is
    bad = team_server.client.post("/v1/team", headers=manager.headers, json={"everything": True})
    assert bad.status_code == 422


def test_a_managers_sync_keeps_the_report_and_the_team_view_shows_it(team_server, new_laptop):
    boss, sam = new_laptop("boss"), new_laptop("sam")
    join(team_server, boss, team_server.manager_code)
    join(team_server, sam, team_server.invite("Sam Carter"))
    with sam.read() as s:
        assert settings.get(s, team_sync.DEVICES) is None  # a worker's laptop never asks
    run_sync(team_server, boss)  # the manager's laptop hears of Sam
    with boss.write() as s:
        f.carer(s, "Amira", "Khan", carer_ref="T-1", worker_id=sam.acting[0])
    run_sync(team_server, boss)
    run_sync(team_server, sam)  # Sam's laptop receives the case; nothing is left waiting on it
    run_sync(team_server, boss)
    view = overview.team_overview(boss, Context(TODAY, boss.acting[0]))
    lines = {line.name: line for line in view.lines}
    assert view.enrolled and view.reported_at is not None
    assert lines["Sam Carter"].open_cases == 1
    assert lines["Sam Carter"].last_sync is not None and lines["Sam Carter"].waiting == 0
    assert lines["Sam Carter"].laptops == 1
