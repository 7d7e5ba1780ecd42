"""Issue 12 item 10 (the drill-down behind a figure): it was 151 columns wide. At 80x24 and 120x40
every column, the last ("To check") included, is on screen without scrolling sideways, and it
refits when the terminal changes size."""

from __future__ import annotations

import pytest

from tests.conftest import frame_text, on_screen, until, until_shows
from tests.helpers.returns_screen import counted, go_to_row, open_returns, seed


def _no_sideways_scroll(table) -> None:
    assert table.virtual_size.width <= table.scrollable_content_region.width, (
        f"the table is {table.virtual_size.width} wide in {table.scrollable_content_region.width}")


async def _drill(pilot, label: str) -> None:
    go_to_row(pilot.app, label)
    await pilot.press("enter")
    await on_screen(pilot, "ReturnDrillScreen")
    await counted(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_drill_down_fits_the_terminal(make_app, store, size):
    seed(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_returns(pilot)
        await _drill(pilot, "KPI 2 Allocated")
        table = app.screen.query_one("#drill-table")
        _no_sideways_scroll(table)
        await until_shows(pilot, "Young carer", "Allocated", "Closed", "To check")
        frame = frame_text(app)
        # the last column's values are on screen, on the rows they belong to
        assert "late" in frame and "no" in frame
        lines = frame.splitlines()
        missing = next(line for line in lines if "YC-B2" in line)
        assert "none ✗" in missing and "no" in missing.split("none ✗")[1], missing
        assert any("due " in line for line in lines)
        assert any("referred " in line for line in lines)
        # an outcome's drill-down fits too
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        await _drill(pilot, "KPI 5 OUT01")
        _no_sideways_scroll(app.screen.query_one("#drill-table"))
        assert "improved" in frame_text(app)


async def test_the_drill_down_refits_when_the_terminal_changes_size(make_app, store):
    seed(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await open_returns(pilot)
        await _drill(pilot, "KPI 2 Allocated")
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: app.screen.fitted_width == 80,
                    lambda: f"the drill-down fitted {app.screen.fitted_width} columns, not 80")
        await counted(pilot)
        _no_sideways_scroll(app.screen.query_one("#drill-table"))
        assert "To check" in frame_text(app)
