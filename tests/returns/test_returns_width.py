"""Issue 12 item 10 (returns and bookings): the tables fit the terminal. At 120x40 and 80x24 the
return's Target and Result are on screen without scrolling sideways (the figure's name wraps)."""

from __future__ import annotations

import pytest

from tests.conftest import frame_text, on_screen, until, until_shows
from tests.helpers.bookings import make_activity, open_bookings_area
from tests.helpers.returns_screen import counted, open_returns, seed


def _no_sideways_scroll(table) -> None:
    assert table.virtual_size.width <= table.scrollable_content_region.width, (
        f"the table is {table.virtual_size.width} wide in {table.scrollable_content_region.width}")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_return_fits_the_terminal(make_app, store, size):
    seed(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_returns(pilot)
        table = app.screen.query_one("#ret-table")
        _no_sideways_scroll(table)
        frame = frame_text(app)
        for label in ("Target", "Result"):
            assert label in frame
        # KPI 2's verdict and target are on screen, on the rows of its (possibly wrapped) name
        assert "✗ missed" in frame and "80%" in frame
        lines = [line for line in frame.splitlines() if "80%" in line]
        assert any("✗ missed" in line for line in lines)
        # Breakdowns keep to the width too.
        await pilot.press("b")
        await counted(pilot)
        _no_sideways_scroll(table)
        assert "by district: North" in frame_text(app)


async def test_the_return_refits_when_the_terminal_changes_size(make_app, store):
    seed(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_returns(pilot)
        table = app.screen.query_one("#ret-table")
        await pilot.resize_terminal(80, 24)
        await counted(pilot)
        await until(pilot, lambda: app.screen.fitted_width == app.screen.size.width,
                    lambda: f"fitted {app.screen.fitted_width} columns in {app.screen.size.width}", 50)
        _no_sideways_scroll(table)
        assert "✗ missed" in frame_text(app)


@pytest.mark.parametrize("size", [(120, 40)])
async def test_the_sealed_returns_and_activities_fit_120_columns(make_app, store, size):
    with store.write() as s:
        make_activity(s, capacity=12, title="Beach day and fish and chips at the seaside with friends",
                      venue="Dover Youth Hub, Maison Dieu Road")
    store.close()
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_bookings_area(pilot)
        table = app.screen.query_one("#act-table")
        await until_shows(pilot, "Beach day")
        _no_sideways_scroll(table)
        assert "Funding" in frame_text(app)
        await pilot.press("e")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        await pilot.press("l")
        await on_screen(pilot, "SealedReturnsScreen")
        table = app.screen.query_one("#sealed-table")
        await until_shows(pilot, "No sealed returns yet")
        _no_sideways_scroll(table)
        assert "Sent" in frame_text(app)
