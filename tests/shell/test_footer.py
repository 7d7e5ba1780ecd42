"""The shared footer rebuilds its keys only when what it shows changes."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.widgets import Input

from screens.common.footer import Footer


class Demo(App):
    BINDINGS = [Binding("f2", "toggle", "Toggle"), Binding("f3", "other", "Other")]
    other_enabled = True

    def compose(self):
        yield Input(id="a")
        yield Input(id="b")
        yield Footer()

    def check_action(self, action, parameters):
        if action == "other":
            return self.other_enabled  # False: not shown
        return True

    def action_toggle(self) -> None:
        self.other_enabled = not self.other_enabled
        self.refresh_bindings()


def keys(app):
    from textual.widgets._footer import FooterKey

    return list(app.query(FooterKey))


async def test_no_rebuild_for_the_same_keys_and_one_when_they_change():
    app = Demo()
    async with app.run_test() as pilot:
        await pilot.pause()
        first = keys(app)
        assert [k.description for k in first][:2] == ["Toggle", "Other"]
        for _ in range(5):  # focus moves and refreshes that change nothing
            await pilot.press("tab")
            app.screen.refresh_bindings()
            await pilot.pause()
        assert keys(app) == first  # the very same widgets: nothing rebuilt
        await pilot.press("f2")  # Other is no longer available: the footer must drop it
        await pilot.pause()
        await pilot.pause()
        assert [k.description for k in keys(app)][:2] == ["Toggle", "palette"]
        await pilot.press("f2")  # and back
        await pilot.pause()
        await pilot.pause()
        assert [k.description for k in keys(app)][:2] == ["Toggle", "Other"]


async def test_a_covered_footer_waits_and_shows_its_own_keys_when_back_on_top(make_app, store):
    """Home's footer is not rebuilt while a register covers it (its area letters were worked out
    against the register on top: 26 ms each time a register opened), and when the register is
    closed home shows its own keys again: the letters, not the alt+letter reminder."""
    from tests.conftest import frame_text, unlocked, until_shows
    from tests.helpers.register_data import build

    ids = build(store, n=3)
    store.close()
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await unlocked(pilot)
        home = app.screen
        await until_shows(pilot, "a Assessments")
        shown = home.query_one(Footer)._shown
        app.open_register(ids["session"])
        await until_shows(pilot, "Absent")
        assert home.query_one(Footer)._shown == shown  # not rebuilt while covered
        app.pop_screen()
        await until_shows(pilot, "a Assessments")
        last = frame_text(app).rstrip().splitlines()[-1]
        assert "alt+letter" not in last and "r Registers" in last, last
