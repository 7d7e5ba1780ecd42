"""Issue 12 (c): the caseload list keeps the Impact and Deadline columns at 80x24 and 120x40."""

from __future__ import annotations

import pytest

from screens.caseload.widgets import COLUMNS, FULL_WIDTH, layout_for
from tests.conftest import frame_text, on_screen, unlocked, until_shows
from tests.helpers import caseload_data


@pytest.mark.parametrize("width", [40, 56, 60, 76, 100, 116, 150, FULL_WIDTH, 200])
def test_layout_fits_and_keeps_the_deadline(width):
    layout = layout_for(width)
    titles = [t for _i, t, _w in layout]
    assert sum(w for _i, _t, w in layout) <= max(width, 37 + 16)
    assert "Name" in titles and "Deadline" in titles
    assert dict((t, w) for _i, t, w in layout)["Deadline"] >= 37  # never cut
    if width >= 60:
        assert "Impact" in titles
    assert [i for i, _t, _w in layout] == sorted(i for i, _t, _w in layout)  # the usual order
    if width >= FULL_WIDTH:
        assert layout == tuple((i, t, w) for i, (t, w) in enumerate(COLUMNS))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_caseload_shows_impact_and_deadline(make_app, store, size):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await unlocked(pilot)
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        await until_shows(pilot, "Impact", "Deadline", "allocation overdue by 5 working days",
                          "assessment overdue by 1 working day", "high")
        frame = frame_text(app)
        header = next(line for line in frame.splitlines() if "Deadline" in line)
        assert header.index("Name") < header.index("Impact") < header.index("Deadline")
        chloe = next(line for line in frame.splitlines() if "Chloe Evans" in line)
        assert "allocation overdue by 5 working days" in chloe
