"""Small pop-ups of the Returns area: choose a period, export (seal) the return, sync to a folder.

Each keeps what was typed when something is wrong and says what to do next the line below the
field. Export and sync run off the UI thread with a visible "Working" line.
"""

from __future__ import annotations

import time
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static

from screens.common.base import DbModalScreen, plain_error
from ycworker.common import periods


def export(store, period, folder, today, worker_id, progress, served=None):
    from ycworker.returns import export as returns

    if served is not None:  # the team server built it: sealed here as it is
        from ycworker.team import team_return

        return team_return.seal_served(store, served, folder, worker_id, progress)
    return returns.export_return(store, period, folder, today=today, worker_id=worker_id,
                                 progress=progress)


class ExportStep(Message):
    """Sent from the export's thread as each step starts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def sync_to(store, folder, worker_id):
    from ycworker.returns import sync

    return sync.sync_to(store, folder, worker_id)


class ReturnModal(DbModalScreen):
    DEFAULT_CSS = """
    ReturnModal { align: center middle; }
    ReturnModal > Vertical { width: 90; height: auto; max-height: 90%; border: round $primary;
                        background: $surface; padding: 0 1; }
    ReturnModal .rf-title { text-style: bold; color: $primary; padding: 0 0 1 0; }
    ReturnModal .rf-error { color: $error; text-style: bold; height: auto; }
    ReturnModal .rf-status { height: auto; padding: 1 0 0 0; }
    ReturnModal .rf-hint { color: $text-muted; height: auto; }
    """


class PeriodModal(ReturnModal):
    """Type a quarter (2025-26-Q2) or two dates; dismisses with the Period, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: periods.Period):
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Which period?", classes="rf-title")
            yield Static("A quarter like 2025-26-Q2 (Q1 is April to June), or a start and end date like "
                         "2025-08-01 to 2025-08-31 (DD/MM/YYYY works too).", classes="rf-hint")
            yield Input(self.current.label if "Q" in self.current.label else
                        f"{self.current.start.isoformat()} to {self.current.end.isoformat()}",
                        id="rf-period", placeholder="2025-26-Q2")
            yield Label("", id="rf-period-error", classes="rf-error", markup=False)
            yield Static("Enter shows the figures · Esc cancels", classes="rf-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            period = periods.parse_period(event.value)
        except ValueError as exc:
            self.query_one("#rf-period-error", Label).update(f"{exc}.")
            return
        self.dismiss(period)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportModal(ReturnModal):
    """Build, check and seal the return for a period; optionally copy it into a folder too."""

    BINDINGS = [Binding("ctrl+s", "export", "Export and seal"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, period: periods.Period, today: date, folder: str = "", served=None):
        super().__init__()
        self.period = period
        self.today = today
        self.folder = folder
        self.served = served  # a return the team server built (team_return.ServedReturn), or None
        self.busy = False
        self.step = ""
        self.started = 0.0
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        p = self.period
        with Vertical():
            yield Label(f"Export the return for {p.label}", classes="rf-title", markup=False)
            if self.served is not None:
                yield Static(f"{self.served.source_line}.", id="rf-source", classes="rf-hint", markup=False)
            yield Static(f"{p.start:%d %B %Y} to {p.end:%d %B %Y}. The return is checked and sealed in the "
                         "outbox beside the database; a correction later is a new return, never an edit. "
                         "It holds no names, dates of birth, addresses or notes.", classes="rf-hint")
            yield Label("Also copy it to a folder (optional: a USB stick or shared folder):")
            yield Input(self.folder, id="rf-folder", placeholder="blank: the outbox only, e.g. /media/usb")
            yield Label("", id="rf-folder-error", classes="rf-error", markup=False)
            yield Static("Enter or ctrl+s exports · Esc cancels", id="rf-status", classes="rf-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        if self.busy:
            return
        self.busy = True
        folder_text = self.query_one(Input).value.strip()
        self.query_one("#rf-folder-error", Label).update("")
        self.started = time.monotonic()
        self.step = "starting"
        self._show_step()
        self._ticker = self.set_interval(1.0, self._show_step, name="export-ticker")
        from pathlib import Path

        worker = self.ycapp.worker_info
        self.run_db(export, self.period, Path(folder_text) if folder_text else None, self.today,
                    worker.id if worker else None, lambda text: self.post_message(ExportStep(text)),
                    self.served, then=self.done, on_error=self.failed, what="export the return",
                    group="export", exclusive=True)

    def on_export_step(self, message: ExportStep) -> None:
        message.stop()
        self.step = message.text
        self._show_step()

    def _show_step(self) -> None:
        """The status line while exporting: the step, which of how many, and the seconds so far."""
        if not self.busy:
            return
        from ycworker.returns.export import EXPORT_STEPS, SERVER_EXPORT_STEPS

        steps = SERVER_EXPORT_STEPS if self.served is not None else EXPORT_STEPS
        n = steps.index(self.step) + 1 if self.step in steps else 0
        of = f" (step {n} of {len(steps)})" if n else ""
        seconds = int(time.monotonic() - self.started)
        self.query_one("#rf-status", Static).update(Text(
            f"Working: {self.step}{of}… {seconds} s. Keep the app open until it is done.", style="bold"))

    def _finished(self) -> None:
        """Not working any more: the ticker stops and Esc closes the dialog again."""
        self.busy = False
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def done(self, result) -> None:
        self._finished()
        self.dismiss(result)

    def failed(self, error: BaseException) -> None:
        self._finished()
        self.query_one("#rf-folder-error", Label).update(plain_error(error, "export the return"))
        self.query_one("#rf-status", Static).update("Nothing was sealed. Enter tries again · Esc cancels")

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)


class ExportWarningModal(ReturnModal):
    """What a manager should know before exporting; y exports anyway, n or Esc does not."""

    BINDINGS = [Binding("y", "answer(True)", "Export anyway"), Binding("n", "answer(False)", "Cancel"),
                Binding("escape", "answer(False)", "Cancel", show=False)]

    def __init__(self, period: periods.Period, lines: list[str]):
        super().__init__()
        self.period = period
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Before exporting the return for {self.period.label}", classes="rf-title",
                        markup=False)
            yield Static("\n".join(self.lines), id="rf-warnings", classes="rf-error", markup=False)
            yield Static("Work not yet synced, or a conflict not yet settled, is not in this return; a "
                         "correction later is a new return.", classes="rf-hint")
            yield Static("y exports anyway · n or Esc cancels", classes="rf-status")

    def action_answer(self, go: bool) -> None:
        self.dismiss(go)


def open_sync(screen, then) -> None:
    """The sync dialog (Returns and the sealed list both offer it), starting at the folder synced
    to last; ``then(result)`` gets the sync's result, or None when nothing was synced."""
    app = screen.app

    def closed(outcome) -> None:
        if outcome is None:
            return
        folder, result = outcome
        app.sync_folder = folder or app.sync_folder
        then(result)

    app.push_screen(SyncModal(app.sync_folder), closed)


class SyncModal(ReturnModal):
    """Copy every sealed return the folder lacks into it; shows what it copied, then Esc closes."""

    BINDINGS = [Binding("ctrl+s", "sync", "Sync now"), Binding("escape", "close", "Close")]

    def __init__(self, folder: str = ""):
        super().__init__()
        self.folder = folder
        self.busy = False
        self.result = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Sync sealed returns to a folder", classes="rf-title")
            yield Static("Copies every sealed return the folder does not have yet (checked there against "
                         "its manifest before it appears). Returns already there are left alone.",
                         classes="rf-hint")
            yield Label("Folder (a USB stick or shared folder):")
            yield Input(self.folder, id="rf-target", placeholder="e.g. /media/usb/returns")
            yield Label("", id="rf-target-error", classes="rf-error", markup=False)
            yield Static("Enter syncs · Esc closes", id="rf-status", classes="rf-status", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_sync()

    def action_sync(self) -> None:
        if self.busy:
            return
        target = self.query_one(Input).value.strip()
        error = self.query_one("#rf-target-error", Label)
        if not target:
            error.update("Type the folder to copy the returns into, e.g. /media/usb/returns.")
            return
        error.update("")
        self.busy = True
        self.folder = target
        self.query_one("#rf-status", Static).update("Working: copying and checking…")
        from pathlib import Path

        worker = self.ycapp.worker_info
        self.run_db(sync_to, Path(target), worker.id if worker else None, then=self.done,
                    on_error=self.failed, what="sync", group="sync", exclusive=True)

    def done(self, result) -> None:
        self.busy = False
        self.result = result
        self.query_one("#rf-status", Static).update("\n".join(result.lines()) + "\nEsc closes")

    def failed(self, error: BaseException) -> None:
        self.busy = False
        self.query_one("#rf-target-error", Label).update(plain_error(error, "sync"))
        self.query_one("#rf-status", Static).update("Nothing was copied. Enter tries again · Esc closes")

    def action_close(self) -> None:
        if not self.busy:
            self.dismiss((self.folder, self.result))
