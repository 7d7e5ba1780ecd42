"""What the App offers from anywhere: area letters, palette commands, and leaving a field.

The App (``ycworker.app``) is the composition root and calls these; nothing here knows its
internals beyond the typed ``YcWorkerApp`` it is handed.

- ``AreaLetters``: is an area's plain letter an area key on the screen on top (no text field has
  the focus and the screen does not use that letter itself)?
- ``run_area_action``: a palette command of another area's screen, run there.
- ``protection_commands`` / ``team_commands`` / ``screen_commands``: the data-protection, team
  sync (only on a laptop that joined a team) and the screen's own commands for the palette.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from screens.areas import AREAS

if TYPE_CHECKING:
    from screens.common.palette import AreaAction
    from ycworker.app import YcWorkerApp

PROTECTION_SCREENS = {
    "hub": ("screens.protection.settings", "ProtectionScreen"),
    "backups": ("screens.protection.backups", "BackupsScreen"),
    "passphrase": ("screens.protection.settings", "PassphraseScreen"),
    "settings": ("screens.protection.settings", "SettingsScreen"),
    "audit": ("screens.protection.audit_log", "AuditLogScreen"),
    "retention": ("screens.protection.erase", "RetentionScreen"),
    "erase": ("screens.protection.erase", "EraseScreen"),
    "workers": ("screens.protection.workers", "WorkersScreen"),
    "rekey": ("screens.protection.workers", "RekeyScreen"),
}
MANAGER_ONLY = frozenset({"audit", "retention", "erase", "settings", "workers", "rekey"})


class AreaLetters:
    """Which plain letters are area keys on a screen; the screen's own keys are cached per
    (screen, focused widget), as the footer asks on every refresh."""

    def __init__(self) -> None:
        self._cached: tuple[Screen[Any], Widget | None, set[str]] | None = None

    def active(self, screen: Screen[Any], mode: str) -> bool:
        """The area's letter is an area key here: no text field has the focus and the screen does
        not use that letter itself (the review's a = Not applicable, the register's a = absent)."""
        from textual.widgets import Input, TextArea

        area = next((a for a in AREAS if a.mode == mode), None)
        if area is None or isinstance(screen, ModalScreen):
            return False
        focused = screen.focused
        if isinstance(focused, (Input, TextArea)):
            return False
        cached = self._cached
        if cached is None or cached[0] is not screen or cached[1] is not focused:
            keys: set[str] = set()
            for node in (screen, *screen.walk_children()):
                keys.update(node._bindings.key_to_bindings)
            self._cached = cached = (screen, focused, keys)
        return area.key not in cached[2]


async def leave_field(screen: Screen[Any]) -> None:
    """Take the focus off the screen's text field and let its 'left the field' handlers run."""
    if isinstance(screen, ModalScreen) or screen.focused is None:
        return
    screen.set_focus(None)
    quiet = 0
    for _ in range(200):  # until the screen and its widgets have no message waiting, twice over
        busy = any(not node._message_queue.empty() for node in (screen, *screen.walk_children()))
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return
        await asyncio.sleep(0.005)


async def run_area_action(app: YcWorkerApp, item: AreaAction) -> None:
    """A palette command of an area's screen: run on the screen on top when it is that screen,
    else the area is opened and it runs there, or a sentence says where the key is."""
    if isinstance(app.screen, item.cls):
        await app.screen.run_action(item.action)
        return
    await app.go_to_area(item.mode)
    screen = app.screen
    if isinstance(screen, item.cls):
        await screen.run_action(item.action)
    elif item.where:
        app.notify(f"{item.title.rsplit(' [', 1)[0]} is {item.where}; then press {item.key}.",
                   title=item.area_title, timeout=15, markup=False)


def protection_commands(app: YcWorkerApp) -> Iterable[SystemCommand]:
    worker = app.worker_info
    yield SystemCommand("Data protection [F9]", "Backups, passphrase, and for a manager the audit "
                        "log, retention review, erasure and settings", app.action_protection)
    yield SystemCommand("Lock now [ctrl+l]", "Drop the key and show the unlock screen",
                        app.action_lock)
    yield SystemCommand("Switch worker", "Lock, then choose who is using this laptop",
                        app.action_lock)
    yield SystemCommand("Backups: back up now, restore", "Verified encrypted backups",
                        lambda: app.open_protection("backups"))
    yield SystemCommand("Change my passphrase", "Your own passphrase (the current one is needed)",
                        lambda: app.open_protection("passphrase"))
    if worker and worker.is_manager:
        yield SystemCommand("Workers (manager)", "Add, reset or remove a worker's passphrase",
                            lambda: app.open_protection("workers"))
        yield SystemCommand("Replace the database's key (manager)", "A new data key and recovery key, "
                            "after a suspected leak", lambda: app.open_protection("rekey"))
        yield SystemCommand("Audit log (manager)", "Who did what, when: paged",
                            lambda: app.open_protection("audit"))
        yield SystemCommand("Retention review (manager)", "Closed cases past the retention period",
                            lambda: app.open_protection("retention"))
        yield SystemCommand("Erase a person (manager)", "Right to erasure, by carer reference",
                            lambda: app.open_protection("erase"))
        yield SystemCommand("Lock and retention settings (manager)",
                            "Idle lock minutes, session hours, retention years, backups kept",
                            lambda: app.open_protection("settings"))


def team_commands(app: YcWorkerApp) -> Iterable[SystemCommand]:
    """The Team view (a manager's; anyone else choosing it is told so), and team sync's
    commands, only on a laptop that joined a team."""
    yield SystemCommand("Team (manager) [F10]", "Every worker's cases, overdue clocks and last sync; "
                        "move a leaver's cases", app.open_team)
    if not app.team.enrolled:
        return
    yield SystemCommand("Sync with the team server [ctrl+t]", "Send this laptop's changes, then "
                        "receive the team's (in the background)", app.action_team_sync)
    yield SystemCommand("Conflicts [ctrl+g]", "Two values for one field: choose which one stays",
                        app.open_conflicts)


def screen_commands(screen: Screen[Any]) -> Iterable[SystemCommand]:
    """Every described binding of the screen, as a palette command."""
    from screens.common.palette import described

    for binding in described(getattr(screen, "BINDINGS", [])):
        action = binding.action

        def run(action: str = action) -> Any:
            return screen.run_action(action)

        key = binding.key_display or binding.key
        yield SystemCommand(f"{binding.description} [{key}]", f"on {screen.__class__.__name__}", run)
