"""The footer every screen shows: Textual's, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys on every "bindings updated" signal: a focus move, a tab
switch, a table filling, each ``refresh_bindings``. Opening an activity's bookings sent eight of
those, so 168 key widgets were built and styled (about 1.5 s on a 2-core laptop) to show the same
21 keys. This footer coalesces the signals into one check after the next refresh and rebuilds only
when what it would show (keys, descriptions, enabled or not) differs from what it shows.
"""

from __future__ import annotations

from textual.widgets import Footer as TextualFooter

#: The App's team sync keys, shown early in the footer (see compose).
TEAM_ACTIONS = ("team_sync", "team_conflicts")


class Footer(TextualFooter):
    _shown: tuple | None = None
    _check_pending: bool = False
    _rebuilding: bool = False

    @property
    def settled(self) -> bool:
        """It shows the keys that are active now, with no rebuild waiting or under way (tests
        wait for this before a snapshot: the "bindings updated" signal itself comes on idle)."""
        if self._check_pending or self._rebuilding:
            return False
        if not self.is_attached or not self._bindings_ready:
            return True
        return self._signature() == self._shown

    def _signature(self) -> tuple:
        shown = tuple(
            (binding.key, binding.action, binding.description, binding.key_display, enabled, tooltip)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        return shown, self.compact, palette

    def compose(self):
        if self._bindings_ready:
            self._shown = self._signature()
        # The reminder that alt+letter changes area (shown while typing, or where the screen uses
        # a letter itself) goes first: at the end it was cut off on a full footer. (No binding here
        # has a group, so the keys are a flat list.)
        # Then team sync's keys (only on a laptop in a team): after the area letters they were cut
        # off on every screen.
        keys = list(super().compose())
        first = [k for k in keys if str(getattr(k, "action", "")).startswith("alt_area")]
        first += [k for k in keys if str(getattr(k, "action", "")) in TEAM_ACTIONS]
        yield from first + [k for k in keys if not any(k is f for f in first)]

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._check_pending:
            self._check_pending = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached or self.screen is not self.app.screen:
            # Covered by another screen: its keys are worked out against the screen on top (the
            # App's area letters), and nobody sees it. The screen checks again when it is back on
            # top (DbMixin.on_screen_resume). Rebuilding covered footers cost a register 26 ms
            # each time it opened over home.
            return
        if self._signature() != self._shown:
            self._rebuilding = True
            try:
                await self.recompose()
            finally:
                self._rebuilding = False
