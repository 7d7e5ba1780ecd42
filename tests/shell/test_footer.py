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
