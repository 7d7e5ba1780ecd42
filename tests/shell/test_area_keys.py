"""Issue 12, items 2, 5 and 9: the palette opens on every screen and finds every area's actions;
area keys follow one rule (letters when not typing, alt+letter anywhere)."""

from __future__ import annotations

from sqlmodel import select

from tests.conftest import TODAY, frame_text, on_screen, settle, unlocked, until, until_shows


def _demo(store, carers: int = 60) -> None:
    from ycworker import demo

    demo.generate(store, carers, seed=3, today=TODAY)
    store.close()


async def _registers(pilot) -> None:
    """The registers area: it offers today's sessions in a picker when it first opens."""
    app = pilot.app
    await until(pilot, lambda: type(app.screen).__name__ in ("RegistersScreen", "SessionPicker"),
                lambda: f"not the registers: {type(app.screen).__name__}")
    await settle(pilot)  # its lists loaded (the picker is offered after)
    if type(app.screen).__name__ == "SessionPicker":
        await _palette_opens_and_closes(pilot, "SessionPicker")
        await pilot.press("escape")
    await on_screen(pilot, "RegistersScreen")
    await _palette_opens_and_closes(pilot, "RegistersScreen")


async def _palette(pilot, query: str = "") -> None:
    await pilot.press("ctrl+p")
    await on_screen(pilot, "CommandPalette")
    if query:
        await pilot.press(*query)
        await settle(pilot)


async def _palette_opens_and_closes(pilot, screen_name: str) -> None:
    app = pilot.app
    assert type(app.screen).__name__ == screen_name
    await _palette(pilot, "e")  # a search: every title of this screen and the areas is drawn
    assert app.return_code is None
    await pilot.press("escape")
    await on_screen(pilot, screen_name)


async def test_the_palette_opens_on_every_screen(make_app, store):
    """The caseload's and the register's "Search [/]" / "Filter [/]" were read as markup: a
    MarkupError, a traceback and exit code 1."""
    _demo(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        await _palette_opens_and_closes(pilot, "HomeScreen")
        for key, name in (("alt+c", "CaseloadScreen"), ("alt+a", "AssessmentsScreen"),
                          ("alt+b", "ActivitiesScreen"),
                          ("alt+e", "ReturnsScreen"), ("alt+s", "ServiceActivityScreen"),
                          ("alt+h", "HomeScreen")):
            await pilot.press(key)
            await on_screen(pilot, name)
            await _palette_opens_and_closes(pilot, name)
        # the caseload's own keys, drawn as typed
        await pilot.press("alt+c")
        await on_screen(pilot, "CaseloadScreen")
        await _palette(pilot, "search")
        await until_shows(pilot, "Search [/]")
        await pilot.press("escape")
        await on_screen(pilot, "CaseloadScreen")
        # a record, a new support request, help, data protection
        await until(pilot, lambda: app.screen.query_one("CaseloadList").row_count > 0
                    if hasattr(app.screen.query_one("CaseloadList"), "row_count") else True,
                    lambda: "no carers listed")
        await pilot.press("enter")
        await on_screen(pilot, "CarerRecordScreen")
        await _palette_opens_and_closes(pilot, "CarerRecordScreen")
        await pilot.press("alt+c")
        await on_screen(pilot, "CaseloadScreen")
        await pilot.press("ctrl+n")
        await on_screen(pilot, "ReferralFormScreen")
        await _palette_opens_and_closes(pilot, "ReferralFormScreen")
        await pilot.press("escape")
        await on_screen(pilot, "CaseloadScreen")
        await pilot.press("alt+r")
        await _registers(pilot)
        await pilot.press("t")  # today's register (the demo has sessions today)
        await settle(pilot)
        if type(app.screen).__name__ == "SessionPicker":
            await pilot.press("enter")
        await on_screen(pilot, "RegisterScreen")
        await _palette(pilot, "filter")
        await until_shows(pilot, "Filter [/]")
        await pilot.press("escape")
        await on_screen(pilot, "RegisterScreen")
        await pilot.press("alt+b")
        await on_screen(pilot, "ActivitiesScreen")
        await pilot.press("enter")
        await on_screen(pilot, "BookingsScreen")
        await _palette_opens_and_closes(pilot, "BookingsScreen")
        await pilot.press("question_mark")
        await on_screen(pilot, "HelpScreen")
        await _palette_opens_and_closes(pilot, "HelpScreen")
        await pilot.press("escape")
        await pilot.press("f9")
        await on_screen(pilot, "ProtectionScreen")
        await _palette_opens_and_closes(pilot, "ProtectionScreen")
    assert app.return_code in (None, 0)


async def test_every_areas_actions_are_found_from_home(make_app, store):
    _demo(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        for query, expected in (("walk", "Walk-in [w]"), ("allocat", "Allocate to a worker [w]"),
                                ("export", "Export and seal [x]"), ("day sheet", "Day sheet [d]"),
                                ("import", "Import a caseload spreadsheet [f8]"),
                                ("new support", "New support request [^n]")):
            await _palette(pilot, query)
            await until_shows(pilot, expected)
            await pilot.press("escape")
            await on_screen(pilot, "HomeScreen")
        await _palette(pilot, "new support request")
        await until_shows(pilot, "New support request [^n]")
        await pilot.press("enter")
        await on_screen(pilot, "ReferralFormScreen")
        assert app.current_mode == "caseload"
        await pilot.press("escape")
        await on_screen(pilot, "CaseloadScreen")
        # one that needs a record: the area opens, with a sentence saying where the key is
        await pilot.press("alt+h")
        await on_screen(pilot, "HomeScreen")
        await _palette(pilot, "walk-in")
        await until_shows(pilot, "Walk-in [w]")
        await pilot.press("enter")
        await until(pilot, lambda: app.current_mode == "registers" and not app.workers,
                    lambda: "the registers did not open")
        # the sentence is a toast (the registers may offer today's sessions on top of it)
        told = [n.message for n in list(app._notifications)]
        assert any(m.startswith("Walk-in is on an open register: press t for today's") for m in told)


async def test_area_letters_when_not_typing_alt_letters_anywhere(make_app, store):
    _demo(store)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        assert "alt+letter" not in frame_text(app)  # every letter is an area key at home
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        search = app.screen.query_one("Input")
        assert app.screen.focused is search
        await pilot.press("r", "b", "h")  # typing: the letters are text
        await settle(pilot)
        assert search.value == "rbh" and type(app.screen).__name__ == "CaseloadScreen"
        await until_shows(pilot, "alt+letter")  # the footer says how to leave while typing
        await pilot.press("alt+s")  # alt+letter from inside the field
        await on_screen(pilot, "ServiceActivityScreen")
        await pilot.press("alt+c")
        await on_screen(pilot, "CaseloadScreen")
        await pilot.press("escape")  # clear the search
        await until(pilot, lambda: search.value == "", lambda: "the search was not cleared")
        await pilot.press("enter")
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("h")
        await on_screen(pilot, "HomeScreen")
        await pilot.press("c")  # the area's list, not the record opened last
        await on_screen(pilot, "CaseloadScreen")
        assert len(app.screen_stack) == 1


async def test_leaving_a_record_field_by_an_area_key_saves_it(make_app, store):
    from db.models import Carer

    _demo(store, 30)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await unlocked(pilot)
        await pilot.press("c")
        await on_screen(pilot, "CaseloadScreen")
        await pilot.press("enter")
        await on_screen(pilot, "CarerRecordScreen")
        carer_id = app.screen.carer_id
        await pilot.press("f")  # edit fields: the first name has the focus
        await settle(pilot)
        field = app.screen.focused
        assert field is not None and field.id == "f-first_name"
        await pilot.press("end", *"zz")
        typed = field.value
        await pilot.press("alt+c")
        await on_screen(pilot, "CaseloadScreen")
        assert len(app.screen_stack) == 1

        def saved() -> bool:
            with app.store.read() as s:
                return s.exec(select(Carer.first_name).where(Carer.id == carer_id)).one() == typed

        await until(pilot, saved, lambda: f"{typed!r} was not saved")


async def test_a_screens_own_letter_wins_over_the_area_key(make_app, store):
    """The review's a (Not applicable) once jumped to Assessments when the ratings had no focus."""
    from tests.helpers.assessment_data import build
    from ycworker.common import workers

    ids = build(store)
    with store.write() as session:
        workers.choose(session, ids["me"])
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await unlocked(pilot)
        app.open_carer(ids["ben"])
        await on_screen(pilot, "CarerRecordScreen")
        await pilot.press("a")  # the record's own a: the carer's assessments
        await on_screen(pilot, "CarerAssessmentsScreen")
        await pilot.press("v")
        await on_screen(pilot, "ReviewScreen")
        review = app.screen
        review.set_focus(None)  # the ratings have no focus
        await settle(pilot)
        assert not app.area_letter_active("assessments")
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is review and app.current_mode == "home"
        await pilot.press("alt+a")  # alt+a still goes to Assessments; the unsaved review stays
        await on_screen(pilot, "AssessmentsScreen")
