"""Choose who takes cases, then confirm: the pop-up the Team screen and the caseload share.

It returns the chosen worker's id once the manager has confirmed (``y``), or None (Esc). The
screen that opened it runs the move (``ycworker.caseload.reallocate``) itself.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option


class ReallocateModal(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ReallocateModal { align: center middle; }
    ReallocateModal #move-box { width: 72; max-width: 100%; height: auto; max-height: 90%;
        border: round $warning; background: $surface; padding: 0 1; }
    ReallocateModal #move-title { text-style: bold; color: $warning; }
    ReallocateModal OptionList { height: auto; max-height: 16; }
    ReallocateModal #move-confirm { text-style: bold; height: auto; }
    """
    BINDINGS = [
        Binding("y", "confirm", "Yes, move them", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, what: str, workers: list[tuple[str, str]]) -> None:
        """``what``: the cases, as a phrase ("Ann Lee's 40 open cases"); ``workers``: (name, id)."""
        super().__init__()
        self.what = what
        self.choices = workers
        self.chosen: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="move-box"):
            yield Label(f"Move {self.what} to:", id="move-title", markup=False)
            yield OptionList(*[Option(name, id=wid) for name, wid in self.choices], id="move-workers")
            yield Static("↑ ↓ choose the worker, Enter; then y moves the cases. Esc cancels.",
                         id="move-confirm", markup=False)

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        listing.focus()
        if self.choices:
            listing.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        name = next((n for n, wid in self.choices if wid == event.option.id), "")
        self.chosen = (name, str(event.option.id))
        self.query_one("#move-confirm", Static).update(
            f"Move {self.what} to {name}? y moves them (each goes to the team with the next sync); "
            "Esc cancels.")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm":
            return self.chosen is not None or None
        return True

    def action_confirm(self) -> None:
        if self.chosen is not None:
            self.dismiss(self.chosen[1])

    def action_cancel(self) -> None:
        self.dismiss(None)
