"""Snapshot of the register screen: fixed data, today 2026-11-24, some marks, a walk-in, a filter."""

from __future__ import annotations

from tests.conftest import unlocked, until_shows
from tests.helpers.register_data import TODAY, build
from ycworker.registers import register as registers


def test_register_screen(snap_compare, make_app, store):
    ids = build(store, n=14)
    with store.write() as s:
        c = ids["carers"]
        registers.mark(s, ids["session"], c[0], "present", today=TODAY)
        registers.mark(s, ids["session"], c[1], "late", today=TODAY)
        registers.set_note(s, ids["session"], c[1], "Bus was late")
        registers.mark(s, ids["session"], c[2], "absent", today=TODAY)
        registers.mark(s, ids["session"], c[3], "present", today=TODAY)
        registers.set_transport(s, ids["session"], c[3], "volunteer_driver")
        registers.walk_in(s, ids["session"], "Jayden", "Clarke", "06/06/2016", today=TODAY)
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        app.open_register(ids["session"])
        await until_shows(pilot, "Daniel Taylor", "10 not yet marked")
        await pilot.press("space", "a")  # the first two not yet marked: present, absent
        await until_shows(pilot, "8 not yet marked")

    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
