"""The Returns area on a manager's laptop built from the team server (pilot tests, real PostgreSQL):
v switches to the server's return and the line says so; the figures and the drill-down are the
laptop's screens; x warns of a laptop that has not synced since the quarter ended (by name), n
exports nothing, y exports, and the sealed folder's manifest says "server". An unreachable server is
a sentence, never a crash; a laptop never enrolled has no v key and no team warnings."""

from __future__ import annotations

import json

import pytest

from db.engine import open_store
from tests.conftest import PASSPHRASE, on_screen, screen_text, settle, until_shows
from tests.helpers import team as t
from tests.helpers.returns_screen import counted, go_to_row, open_returns, seed
from ycworker.common.paths import outbox_dir
from ycworker.team import team_return


def _row(app, label: str) -> str:
    table = app.screen.query_one("#ret-table")
    for i in range(table.row_count):
        cells = [str(c).strip() for c in table.get_row_at(i)]
        if cells[0].startswith(label):
            return " | ".join(cells)
    raise AssertionError(f"no row {label}")


@pytest.fixture
def manager_with_team(team_server, db_path):
    """The App's laptop: a manager (Sam Carter) enrolled, the Returns test quarter recorded and
    synced; and a second laptop (Jo Bloggs) enrolled that has never synced."""
    store = open_store(db_path, PASSPHRASE)
    t.join(team_server, store, team_server.invite("Sam Carter", manager=True))
    seed(store)  # closes the store
    store = open_store(db_path, PASSPHRASE)
    try:
        t.sync(team_server, store)
    finally:
        store.close()
    team_server.enrol("Jo Bloggs")
    return db_path


def _app_over(make_app, server):
    app = make_app()
    app.team.connect = lambda store: t.client_of(server, store)
    return app


def _sealed(db_path) -> list:
    folder = outbox_dir(db_path)
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


async def test_the_return_from_the_server_warns_of_a_laptop_not_synced_and_exports_when_confirmed(
        make_app, team_server, manager_with_team):
    app = _app_over(make_app, team_server)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await until_shows(pilot, "Built from this laptop")
        local_kpi2 = _row(app, "KPI 2 Allocated")
        assert local_kpi2 == "KPI 2 Allocated within 5 working days | 1 | 3 | 33.3% | 80% | ✗ missed"

        await pilot.press("v")
        await until_shows(pilot, "Built from the team server, change ")
        await counted(pilot)
        assert app.screen.served is not None
        assert f"change {app.screen.served.change_log_position:,}" in screen_text(app)
        assert _row(app, "KPI 2 Allocated") == local_kpi2  # the same figures from the server's data
        assert _row(app, "KPI 6 Satisfied") == (
            "KPI 6 Satisfied with the service | 2 | 3 | 66.7% | 90% | ✗ missed")

        # the drill-down: the server's figure, this laptop's names
        go_to_row(app, "KPI 2 Allocated")
        await pilot.press("enter")
        await on_screen(pilot, "ReturnDrillScreen")
        await until_shows(pilot, "Ben Nodate", "no allocation date", "Cat Late", "allocated late")
        assert "built from the team server" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        assert "Built from the team server" in screen_text(app)  # not counted again on the laptop

        # x: the warning names the laptop that never synced; n exports nothing
        await pilot.press("x")
        await on_screen(pilot, "ExportWarningModal")
        warning = screen_text(app)
        assert "1 laptop has not synced since the period ended:" in warning
        assert "Jo Bloggs (Jo Bloggs's laptop): never synced" in warning
        assert "Sam Carter" not in warning  # synced after the quarter ended
        await pilot.press("n")
        await on_screen(pilot, "ReturnsScreen")
        await settle(pilot)
        assert _sealed(manager_with_team) == []

        # y: the export dialog, and the return sealed as the server built it
        await pilot.press("x")
        await on_screen(pilot, "ExportWarningModal")
        await pilot.press("y")
        await on_screen(pilot, "ExportModal")
        assert "Built from the team server, change" in screen_text(app)
        await pilot.press("enter")
        await t.notified(pilot, "sealed in the outbox")
        await on_screen(pilot, "ReturnsScreen")
        [folder] = _sealed(manager_with_team)
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["source"]["built_from"] == "server"
        assert manifest["source"]["change_log_position"] == app.screen.served.change_log_position

        # v again: this laptop's own count
        await pilot.press("v")
        await until_shows(pilot, "Built from this laptop")
        await counted(pilot)
        assert _row(app, "KPI 2 Allocated") == local_kpi2


async def test_an_unreachable_server_is_a_sentence_and_the_laptops_return_still_shows(
        make_app, team_server, manager_with_team):
    app = make_app()
    app.team.connect = lambda store: t.TeamClient.connect(t.closed_port_url(), "token", timeout=5)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await until_shows(pilot, "Built from this laptop")
        await pilot.press("v")
        await until_shows(pilot, "Not built from the team server.", team_return.UNREACHABLE.split(":")[0])
        assert "Traceback" not in screen_text(app) and "Error" not in screen_text(app)
        await pilot.press("v")
        await until_shows(pilot, "Built from this laptop")
        await counted(pilot)
        assert _row(app, "KPI 2 Allocated").startswith("KPI 2 Allocated within 5 working days | 1 | 3")


async def test_a_laptop_never_enrolled_has_no_server_return_and_no_team_warning(make_app, store):
    seed(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await settle(pilot)
        assert "team server" not in screen_text(app).lower()
        await pilot.press("v")
        await settle(pilot)
        assert "team server" not in screen_text(app).lower()
        await pilot.press("x")
        await on_screen(pilot, "ExportModal")  # straight to the export: nothing to warn of


def test_snapshot_of_the_returns_screen_built_from_the_server(snap_compare, make_app, store, monkeypatch,
                                                              utc_clock):
    """The Returns screen showing a return the team server built (the server's answer stood in for
    by the laptop's own figures, at a fixed change-log position and time: the screen is the subject)."""
    from datetime import UTC, datetime, timedelta

    from ycworker.common import settings
    from ycworker.returns import kpis
    from ycworker.team import sync as team_sync

    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    with store.write() as s:
        settings.put(s, team_sync.URL, "https://team.example.org")
        settings.put(s, team_sync.LAST_SYNC, (now - timedelta(hours=2)).isoformat())
    seed(store)

    def fetch(store, period, client=None):
        with store.read() as s:
            report = kpis.compute(s, period, now.date())
        return team_return.ServedReturn(period, report, [], "x", now - timedelta(minutes=3), 48211,
                                        "Northshire Young Carers", [])

    monkeypatch.setattr(team_return, "fetch", fetch)
    app = make_app()
    app.team.clock = lambda: now

    async def run_before(pilot):
        await open_returns(pilot)
        await until_shows(pilot, "Built from this laptop", "synced 2 h ago")
        await pilot.press("v")
        await until_shows(pilot, "Built from the team server, change 48,211")
        await counted(pilot)
        await pilot.press("down", "down", "down", "down")  # on KPI 2
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 36), run_before=run_before)
