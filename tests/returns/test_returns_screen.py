"""The Returns area through the real UI: pick a quarter, read every KPI against its target, drill into
a figure, put a missing date right from the carer's record, export (seal) and sync."""

from __future__ import annotations

import gc
import threading
import weakref
from datetime import date

from tests.conftest import PASSPHRASE, on_screen, screen_text, settle, until
from tests.helpers.returns_screen import counted, go_to_row, open_returns, seed


def row_text(app, label: str) -> str:
    table = app.screen.query_one("#ret-table")
    for i in range(table.row_count):
        cells = [str(c) for c in table.get_row_at(i)]
        if cells[0].strip().startswith(label):
            return " | ".join(c.strip() for c in cells)
    raise AssertionError(f"no row {label}")


def notifications(app) -> str:
    return "\n".join(n.message for n in app._notifications)


async def test_quarter_kpis_drill_fix_export_and_sync(make_app, store, tmp_path):
    ids = seed(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        text = screen_text(app)
        assert "Quarter 2026-27-Q2: 01 July 2026 to 30 September 2026" in text
        assert row_text(app, "KPI 2 Allocated") == (
            "KPI 2 Allocated within 5 working days | 1 | 3 | 33.3% | 80% | ✗ missed")
        assert row_text(app, "KPI 6 Satisfied") == (
            "KPI 6 Satisfied with the service | 2 | 3 | 66.7% | 90% | ✗ missed")
        assert row_text(app, "KPI 5 OUT01") == (
            "KPI 5 OUT01 Reduced impact of caring (improved / reviewed) | 1 | 1 | 100.0% | 60% | ✓ met")
        # no schools on the list: no value and no verdict
        assert row_text(app, "KPI 9") == (
            "KPI 9 Schools with a Young Carer Champion | 0 | 0 | no cases | 95% | ")
        assert "1 target met, 3 missed, 9 with no cases" in text

        # quarter by keys, by typing, and dates
        await pilot.press("right_square_bracket")
        await counted(pilot)
        assert "Quarter 2026-27-Q3" in screen_text(app)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await counted(pilot)
        assert "Quarter 2026-27-Q1" in screen_text(app)
        await pilot.press("g")
        await on_screen(pilot, "PeriodModal")
        app.screen.query_one("#rf-period").value = "2026-07-01 to 31/06/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert "no such day" in screen_text(app)
        assert app.screen.query_one("#rf-period").value.endswith("31/06/2026")  # what was typed stays
        app.screen.query_one("#rf-period").value = "2026-07-01 to 2026-07-31"
        await pilot.press("enter")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        assert "Period 2026-07-01_2026-07-31: 01 July 2026 to 31 July 2026" in screen_text(app)
        await pilot.press("p")
        await counted(pilot)
        assert "Quarter 2026-27-Q2" in screen_text(app)

        # breakdowns
        await pilot.press("b")
        await counted(pilot)
        assert row_text(app, "by district").startswith("by district: North | 3")
        await pilot.press("b")
        await counted(pilot)

        # drill into KPI 2: the missing and the late first
        go_to_row(app, "KPI 2 Allocated")
        await pilot.press("enter")
        await on_screen(pilot, "ReturnDrillScreen")
        await counted(pilot)
        text = screen_text(app)
        assert "KPI 2 Allocated within 5 working days: 1 of 3 (33.3%), target 80% ✗ missed" in text
        assert "3 referrals, 2 to check" in text
        table = app.screen.query_one("#drill-table")
        problems = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
        assert sorted(problems[:2]) == ["allocated late", "no allocation date"] and problems[2] == ""
        await pilot.press("m")
        await settle(pilot)
        assert table.row_count == 2
        refs = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        table.move_cursor(row=refs.index("YC-B2"))

        # open Ben's record, allocate on the deadline, come back: the figure is counted again
        await pilot.press("enter")
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("w")
        await on_screen(pilot, "FormModal")
        app.screen.query_one("#f-allocated_date").value = "08/07/2026"
        await pilot.press("ctrl+s")
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("escape")
        await on_screen(pilot, "ReturnDrillScreen")
        await counted(pilot)
        text = screen_text(app)
        assert "2 of 3 (66.7%)" in text and "3 referrals, 1 to check" in text
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        assert row_text(app, "KPI 2 Allocated").endswith("| 2 | 3 | 66.7% | 80% | ✗ missed")

        # an outcome: the carers behind it
        go_to_row(app, "KPI 5 OUT01")
        await pilot.press("enter")
        await on_screen(pilot, "ReturnDrillScreen")
        await counted(pilot)
        text = screen_text(app)
        assert "YC-A1 Amy Intime improved" in text and "1 of 1 improved" in text
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)

        # KPI 6 comes from the service log: Enter shows the feedback there
        go_to_row(app, "KPI 6 Satisfied")
        await pilot.press("enter")
        await on_screen(pilot, "ServiceActivityScreen")
        assert app.screen.active == "feedback"
        await pilot.press("e")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)

        # export to a folder: sealed in the outbox too, and counted as sent
        usb = tmp_path / "usb"
        await pilot.press("x")
        await on_screen(pilot, "ExportModal")
        app.screen.query_one("#rf-folder").value = str(usb)
        await pilot.press("enter")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        [folder] = list(usb.iterdir())
        assert folder.name.startswith("ycworker-return-2026-27-Q2-") and (folder / "manifest.json").is_file()
        assert "sealed and copied to" in notifications(app)
        assert "1 sealed return(s), 0 not sent" in screen_text(app)

        # a folder that cannot be written: the message stays in the form, nothing sealed
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        await pilot.press("x")
        await on_screen(pilot, "ExportModal")
        app.screen.query_one("#rf-folder").value = str(blocker)
        await pilot.press("enter")
        await settle(pilot)
        assert "Nothing was written" in screen_text(app)
        assert app.screen.query_one("#rf-folder").value == str(blocker)
        app.screen.query_one("#rf-folder").value = ""  # the outbox only: not sent yet
        await pilot.press("enter")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        assert "2 sealed return(s), 1 not sent" in screen_text(app)

        # the sealed returns, then sync both to a stick
        await pilot.press("l")
        await on_screen(pilot, "SealedReturnsScreen")
        await settle(pilot)
        text = screen_text(app)
        assert "✓ sent" in text and "✗ not sent" in text and "2 sealed return(s), 1 not sent" in text
        stick = tmp_path / "stick"
        await pilot.press("y")
        await on_screen(pilot, "SyncModal")
        app.screen.query_one("#rf-target").value = str(stick)
        await pilot.press("enter")
        await settle(pilot)
        assert f"Copied 2 return(s) to {stick}" in screen_text(app)
        await pilot.press("enter")  # again: nothing to copy
        await settle(pilot)
        assert "Nothing to copy" in screen_text(app)
        await pilot.press("escape")
        await on_screen(pilot, "SealedReturnsScreen")
        await settle(pilot)
        assert "0 not sent" in screen_text(app) and "✗ not sent" not in screen_text(app)
        assert len(list(stick.iterdir())) == 2
        # back on the return, the sync dialog starts at the folder used last
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        await pilot.press("y")
        await on_screen(pilot, "SyncModal")
        assert app.screen.query_one("#rf-target").value == str(stick)
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")

    from db.engine import open_store
    from db.models import Referral

    check = open_store(app.db_path, PASSPHRASE)
    try:
        with check.read() as s:
            assert s.get(Referral, ids["missing"]).allocated_date == date(2026, 7, 8)
    finally:
        check.close()


async def test_counting_shows_a_working_state_and_a_failure_is_a_message(make_app, store, monkeypatch):
    store.close()
    import screens.returns.returns as returns_screen

    gate = threading.Event()
    real = returns_screen.load_return
    calls = []

    def slow(store, period, today):
        calls.append(period.label)
        if len(calls) == 2:
            gate.wait(10)
        if len(calls) == 3:
            raise OSError("disk went away")
        return real(store, period, today)

    monkeypatch.setattr(returns_screen, "load_return", slow)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        table = app.screen.query_one("#ret-table")
        assert table.loading and "Working: counting 2026-27-Q3" in screen_text(app)
        gate.set()
        await counted(pilot)
        assert not table.loading and "Quarter 2026-27-Q3" in screen_text(app)
        await pilot.press("f5")
        await settle(pilot)
        shown = screen_text(app)  # a sentence and a reference, never the exception's text
        assert "Could not count the return." in shown and "reference OSError" in shown
        assert "disk went away" not in shown
        assert app.screen.__class__.__name__ == "ReturnsScreen"


async def test_export_shows_each_step_and_the_seconds_while_it_works(make_app, store, monkeypatch):
    seed(store)
    from ycworker.protection import integrity

    gate = threading.Event()
    real = integrity.require_sound

    def slow_check(store, **kw):  # the full check takes a quarter of a minute on a big file
        gate.wait(10)
        return real(store, **kw)

    monkeypatch.setattr(integrity, "require_sound", slow_check)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        await pilot.press("x")
        await on_screen(pilot, "ExportModal")
        await pilot.press("enter")
        status = ""
        for _ in range(300):  # the ticker counts whole seconds: wait for the first
            await pilot.pause(0.02)
            status = str(app.screen.query_one("#rf-status").render())
            if "(step 1 of 3)… 1 s" in status:
                break
        assert "Working: checking the return's records for damage (step 1 of 3)… 1 s" in status
        await pilot.press("escape")  # not while it works: the export goes on
        assert app.screen.__class__.__name__ == "ExportModal"
        gate.set()
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)
        assert "1 sealed return(s)" in screen_text(app)


async def test_leaving_the_area_lets_the_counted_return_go_and_coming_back_counts_it_again(make_app, store):
    seed(store)
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await open_returns(pilot)
        returns_screen = app.screen
        assert returns_screen.report is not None
        await pilot.press("x")  # a form of its own on top: the return is kept
        await on_screen(pilot, "ExportModal")
        assert returns_screen.report is not None
        await pilot.press("escape")
        await on_screen(pilot, "ReturnsScreen")
        await counted(pilot)  # counted again on the way back from the form
        counted_report = weakref.ref(returns_screen.report)
        await pilot.press("alt+c")  # another area: let go
        await on_screen(pilot, "CaseloadScreen")
        await until(pilot, lambda: returns_screen.report is None, lambda: "the return was kept")
        assert returns_screen.rows == []
        gc.collect()
        assert counted_report() is None, "something on the screen still holds the counted return"
        await pilot.press("alt+e")
        await on_screen(pilot, "ReturnsScreen")
        assert app.screen is returns_screen
        await counted(pilot)
        assert returns_screen.report is not None
        assert "KPI 2 Allocated within 5 working days" in screen_text(app)
