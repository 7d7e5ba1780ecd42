"""The ? help screen: every key of the app and of the screen underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown


def binding_rows(bindings) -> list[tuple[str, str]]:
    rows = []
    for b in bindings:
        if isinstance(b, tuple):
            b = Binding(*b)
        if b.description:
            rows.append((b.key_display or b.key, b.description))
    return rows


def cell(text: str) -> str:
    """Text for a Markdown table cell: a | would end the cell, markup characters show as typed."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("[", "\\[").replace("*", "\\*")


def code(key: str) -> str:
    """A key as inline code (a backtick key is wrapped in double backticks)."""
    key = key.replace("|", "\\|")
    return f"`` {key} ``" if "`" in key else f"`{key}`"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape", "dismiss", "Close"), ("question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        from screens.areas import AREAS

        below = next((s for s in reversed(self.app.screen_stack) if s is not self), None)
        lines = ["# Keys", "", "## Anywhere", "",
                 "Area keys: the **letter** when you are not typing in a field (and the screen does "
                 "not use that letter itself: then it is the screen's key); **alt+letter** anywhere, "
                 "typing included. Each opens the area's main list; what you typed is saved.", "",
                 "| key | does |", "|---|---|"]
        for area in AREAS:
            lines.append(f"| `{area.key}` | {cell(area.title)}: {cell(area.help)} (or `alt+{area.key}`) |")
        lines += ["| `?` | this help |", "| `ctrl+p` | command palette: search every action |",
                  "| `ctrl+l` | lock now: the key is dropped and the unlock screen shown (work is saved) |",
                  "| `F9` | data protection: backups, passphrase, audit log, retention, erasure |",
                  "| `ctrl+q` | quit |"]
        team = getattr(self.app, "team", None)
        if team is not None and team.enrolled:  # a laptop never joined shows nothing of team sync
            lines[-1:-1] = ["| `ctrl+t` | sync with the team server (in the background) |",
                            "| `ctrl+g` | conflicts: two values for one field, choose which stays |"]
        if below is not None and below is not self:
            rows = binding_rows(getattr(below, "BINDINGS", []))
            if rows:
                title = getattr(below, "HELP_TITLE", below.__class__.__name__)
                lines += ["", f"## On this screen ({title})", "", "| key | does |", "|---|---|"]
                lines += [f"| {code(k)} | {cell(d)} |" for k, d in rows]
        lines += ["", "Press Escape to close."]
        with VerticalScroll(id="help-box"):
            yield Markdown("\n".join(lines))
