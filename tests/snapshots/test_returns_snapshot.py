"""Snapshots of the Returns screen and of the service log's Compliments, Comments and Complaints tab
(fixed data, fixed day 2026-11-24)."""

from __future__ import annotations

from datetime import date

from tests.conftest import screen_text, settle, unlocked, until, until_shows
from tests.helpers.returns_screen import open_returns, seed


def test_returns_screen(snap_compare, make_app, store):
    seed(store)
    app = make_app()

    async def run_before(pilot):
        await open_returns(pilot)
        await pilot.press("down", "down", "down", "down")  # on KPI 2
        await settle(pilot)
        assert "✗ missed" in screen_text(pilot.app)

    assert snap_compare(app, terminal_size=(160, 36), run_before=run_before)


def test_service_log_complaints_tab(snap_compare, make_app, store):
    from ycworker.service_log import triple_c

    with store.write() as s:
        for form in (
            {"kind": "complaint", "entry_date": "13/11/2026", "received_from": "parent_carer",
             "theme": "Waiting time", "response": "Apologised; first visit booked",
             "responded_date": "20/11/2026"},
            {"kind": "complaint", "entry_date": "17/11/2026", "theme": "Cancellation"},
            {"kind": "comment", "entry_date": "19/11/2026", "received_from": "young_carer",
             "theme": "Transport", "response": "Bus times sent", "responded_date": "20/11/2026"},
            {"kind": "compliment", "entry_date": "20/11/2026", "received_from": "school", "theme": "Club"},
        ):
            triple_c.save(s, form, date(2026, 11, 24))
    store.close()
    app = make_app()

    async def run_before(pilot):
        await unlocked(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("5")
        await until_shows(pilot, "13/11/2026  Complaint", "1 complaint awaiting a response")
        # the table takes the focus once its rows are in (Enter changes one)
        await until(pilot, lambda: pilot.app.focused is pilot.app.screen.query_one("#tbl-triple_c"),
                    lambda: f"the focus is on {pilot.app.focused}", 50)

    assert snap_compare(app, terminal_size=(160, 30), run_before=run_before)
