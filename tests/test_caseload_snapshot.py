"""Snapshot of the caseload screen (fixed data, fixed day 2026-11-24)."""

from __future__ import annotations

from tests import caseload_data
from tests.conftest import settle, unlocked


def test_caseload_screen(snap_compare, make_app, store):
    ids = caseload_data.build(store)
    with store.write() as session:
        from ycworker import workers

        workers.choose(session, ids["me"])
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(160, 36), run_before=run_before)
