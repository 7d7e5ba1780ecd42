"""Snapshot of the caseload screen (fixed data, fixed day 2026-11-24)."""

from __future__ import annotations

from tests.conftest import unlocked, until_shows
from tests.helpers import caseload_data


def test_caseload_screen(snap_compare, make_app, store):
    ids = caseload_data.build(store)
    with store.write() as session:
        from ycworker.common import workers

        workers.choose(session, ids["me"])
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        await pilot.press("c")
        await until_shows(pilot, "4 carers", "Ben Taylor")
        await pilot.press("down")
        await until_shows(pilot, "row 2")

    assert snap_compare(app, terminal_size=(160, 36), run_before=run_before)
