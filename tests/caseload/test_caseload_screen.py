"""Pilot tests of the caseload screen: search as you type, filters, open a record."""

from __future__ import annotations

from tests.conftest import TODAY, settle, unlocked
from tests.helpers import caseload_data


async def _caseload(pilot):
    await unlocked(pilot)
    await pilot.press("c")
    await settle(pilot)
    return pilot.app.screen


def _names(screen):
    return [r.name for r in screen.listing.visible_rows()]


async def test_caseload_lists_open_carers_with_deadlines(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        assert type(screen).__name__ == "CaseloadScreen"
        assert _names(screen) == ["Chloe Evans", "Amira Khan", "Zain Khan", "Ben Taylor"]
        rows = {r.name: r for r in screen.listing.visible_rows()}
        assert rows["Amira Khan"].deadline_text == "assessment overdue by 1 working day"
        assert rows["Zain Khan"].deadline_text == "allocation due in 3 working days"
        assert rows["Chloe Evans"].overdue and rows["Chloe Evans"].flag == "18 on 30/12/2026"
        assert "4 carers" in str(screen.query_one("#caseload-status").render())


async def test_search_as_you_type_and_open_the_record(make_app, store):
    ids = caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        await pilot.press(*"khan")
        await pilot.pause(0.1)
        await settle(pilot)
        assert _names(screen) == ["Amira Khan", "Zain Khan"]
        await pilot.press("down")  # the list moves while the search box keeps the focus
        await pilot.press("enter")
        await settle(pilot)
        record = app.screen
        assert type(record).__name__ == "CarerRecordScreen"
        assert record.carer_id == ids["zain"]
        assert "YC-AAA112" in str(record.query_one("#record-title").render())
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_search_finds_substrings_refs_schools_and_households(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        for typed, expected in [("mira", ["Amira Khan"]), ("YC-BBB", ["Ben Taylor"]),
                                ("castle", ["Chloe Evans", "Ben Taylor"]),
                                ("H-100", ["Amira Khan", "Zain Khan"]),
                                ("zzzz", [])]:
            screen.query_one("#caseload-search").value = typed
            await pilot.pause(0.1)
            await settle(pilot)
            assert _names(screen) == expected, typed


async def test_filters_by_key(make_app, store):
    caseload_data.build(store)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        await pilot.press("f3")  # overdue only
        await settle(pilot)
        assert _names(screen) == ["Chloe Evans", "Amira Khan"]
        await pilot.press("f3", "f4")  # turning 18 within six months
        await settle(pilot)
        assert _names(screen) == ["Chloe Evans"]
        await pilot.press("f4", "f2")  # my caseload
        await settle(pilot)
        assert _names(screen) == ["Amira Khan"]
        await pilot.press("f2", "f6")  # sort by deadline
        await settle(pilot)
        assert _names(screen) == ["Chloe Evans", "Amira Khan", "Zain Khan", "Ben Taylor"]


async def test_the_scroll_range_follows_each_result(make_app, store):
    """The list sets its scrollable height without a layout of the screen (widgets_caseload
    ``_set_lines``): after each search its range, scrollbar and End still fit the result."""
    from tests.helpers import factories as f

    with store.write() as s:
        for i in range(90):
            f.carer(s, f"Kit{i:02d}", "Marlowe" if i % 3 else "Hale")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        listing = screen.listing
        height = listing.scrollable_content_region.height
        for typed, total in [("", 90), ("hale", 30), ("kit0", 10), ("marlowe", 60), ("", 90)]:
            screen.query_one("#caseload-search").value = typed
            await pilot.pause(0.1)
            await settle(pilot)
            assert listing.total == total, typed
            assert listing.virtual_size.height == total
            assert listing.max_scroll_y == max(0, total - height), typed
            assert listing.vertical_scrollbar.window_virtual_size == total
            listing.focus()
            await pilot.press("end")
            await settle(pilot)
            last = listing.visible_rows()[-1]
            assert listing.current is last and listing.cursor == total - 1, typed
            assert listing.scroll_offset.y == max(0, total - height), typed
            await pilot.press("home")
            await settle(pilot)
            assert listing.scroll_offset.y == 0


async def test_scrolling_on_in_deadline_order_reads_by_key(make_app, store, monkeypatch):
    """Page after page in deadline order, the screen asks for the next page after the last row it
    holds (keyset paging) and shows the same rows, in the same order, as reading by offset."""
    from datetime import date, timedelta

    from tests.helpers import factories as f
    from ycworker.caseload import actions
    from ycworker.caseload import search as caseload

    with store.write() as s:
        for i in range(260):
            c = f.carer(s, f"Kid{i:03d}", "Deadline" if i % 3 else "Nobody")
            if i % 3:
                f.referral(s, c.id, date(2026, 10, 1) + timedelta(days=i % 40))
    asked: list[tuple | None] = []
    real = actions.caseload_window

    def spy(store_, query, ctx, offset, limit, with_total, after=None):
        asked.append(after)
        return real(store_, query, ctx, offset, limit, with_total, after)

    monkeypatch.setattr(actions, "caseload_window", spy)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await _caseload(pilot)
        screen.set_query(sort="deadline")
        await settle(pilot)
        listing = screen.listing
        listing.focus()
        while listing.cursor < listing.total - 1:
            await pilot.press("pagedown")
            await settle(pilot)
        shown = [listing.row_at(i) for i in range(listing.total)]
    by_deadline = caseload.CaseloadQuery(sort="deadline")
    with store.read() as s:
        expected = [*caseload.window(s, by_deadline, TODAY, 0, 200).rows,
                    *caseload.window(s, by_deadline, TODAY, 200, 200).rows]
    assert all(shown)
    assert [r.carer_id for r in shown if r] == [r.carer_id for r in expected]
    assert len(expected) == 260
    assert sum(a is not None for a in asked) >= 2  # pages 1 and 2 went on by key
