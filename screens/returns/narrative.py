"""The quarter's narrative (``n`` on the Returns screen): case studies written with made-up names,
and youth voice, in one text area.

Saved as it is typed, like an assessment's draft (``screens.common.autosave.OrderedSaver``: every
pause, at most 0.4 s apart, and on leaving), so not a word is lost. After each save the text is
checked against the caseload: any young carer's first and last name, date of birth or carer ref
found in it is listed under the text by line ("Line 3: ..."). The export refuses while a line is
listed. A date of birth or a ref has to come out; a name may be a coincidence, and a manager can
confirm with ctrl+y that the names listed are not those young carers (for this quarter).
"""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static, TextArea

from screens.common.autosave import OrderedSaver
from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.common import periods
from ycworker.returns import setting_actions
from ycworker.returns.narrative import Flag, NarrativeView

SAVE_DELAY = 0.4
HINT = ("Case studies and youth voice for the commissioner. Use made-up names: the text is checked "
        "against the caseload before the return is exported.")


def flags_text(flags: list[Flag]) -> str:
    if not flags:
        return "Checked: no name, date of birth or ref from the caseload is in the text."
    lines = [f.message for f in flags]
    if any(f.kind == "name" for f in flags):
        lines.append("A manager can confirm the names listed are not those young carers: ctrl+y.")
    return "To change before the return can be exported:\n" + "\n".join(lines)


class NarrativeScreen(AreaScreen):
    HELP_TITLE = "The quarter's narrative"
    DEFAULT_CSS = """
    NarrativeScreen #nar-title { padding: 0 1; background: $boost; text-style: bold; height: 1; }
    NarrativeScreen #nar-hint { padding: 0 1; color: $text-muted; height: auto; }
    NarrativeScreen #nar-text { height: 1fr; margin: 0 1; }
    NarrativeScreen #nar-status { padding: 0 1; height: 1; }
    NarrativeScreen #nar-status.failed { color: $error; text-style: bold; }
    NarrativeScreen #nar-flags { padding: 0 1; height: auto; max-height: 12; }
    NarrativeScreen #nar-flags.-flagged { color: $error; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back (saved)"),
        Binding("ctrl+y", "confirm_names", "Confirm names are not carers (manager)"),
    ]

    def __init__(self, period: periods.Period) -> None:
        super().__init__()
        self.period = period
        self.saved_text: str | None = None
        self.flags: list[Flag] = []
        self._audited = False
        self.saver = OrderedSaver(self, self._write, delay=SAVE_DELAY, on_saved=self._saved,
                                  on_failed=self._save_failed, group="narrative-save")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Narrative for {self.period.label}", id="nar-title", markup=False)
        yield Static(HINT, id="nar-hint", markup=False)
        yield TextArea("", id="nar-text", soft_wrap=True, disabled=True)
        yield Static("Opening…", id="nar-status", markup=False)
        yield Static("", id="nar-flags", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.run_db(setting_actions.load_narrative, self.period.label, then=self.loaded,
                    what="open the narrative")

    def loaded(self, view: NarrativeView) -> None:
        self.saved_text = view.text
        area = self.query_one("#nar-text", TextArea)
        area.load_text(view.text)
        area.disabled = False
        area.focus()
        area.move_cursor(area.document.end)
        self._status("Saved" if view.text else "Nothing written yet for this quarter.")
        self.show_flags(view.flags)

    # -- saving as typed -------------------------------------------------------------------------

    def _write(self, store, batch):
        audit_it = not self._audited
        setting_actions.save_narrative(store, self._worker_id(), self.period.label, batch["text"], audit_it)
        self._audited = True
        return batch["text"]

    def _worker_id(self) -> str | None:
        worker = self.ycapp.worker_info
        return worker.id if worker else None

    def _status(self, text: str, cls: str = "") -> None:
        status = self.query_one("#nar-status", Static)
        status.set_classes(cls)
        status.update(text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.saved_text is None or event.text_area.text == self.saved_text:
            return
        if not self.saver.dirty:
            self._status("Saving…")
        self.saver.put("text", event.text_area.text)

    def _saved(self, batch: dict, written) -> None:
        self.saved_text = written
        if not self.saver.dirty:
            self._status(f"Saved {datetime.now():%H:%M:%S}")
            self.check()

    def _save_failed(self, error: BaseException, _batch: dict) -> None:
        self._status(f"Not saved: {plain_error(error, 'save')} What you typed is still here.", "failed")

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, TextArea) and self.saver.pending:
            self.saver.flush()

    def on_unmount(self) -> None:
        self.saver.flush_now(tell=False)

    # -- the check -------------------------------------------------------------------------------

    def check(self) -> None:
        self.run_db(setting_actions.check_narrative, self.period.label, then=self.show_flags,
                    what="check the narrative", group="narrative-check", exclusive=True)

    def show_flags(self, flags: list[Flag]) -> None:
        self.flags = flags
        widget = self.query_one("#nar-flags", Static)
        text = self.query_one("#nar-text", TextArea).text
        widget.update(flags_text(flags) if text.strip() else "")
        widget.set_class(bool(flags), "-flagged")

    def action_confirm_names(self) -> None:
        names = [f.key for f in self.flags if f.kind == "name"]
        if not names:
            self.notify("No names are listed to confirm.", timeout=5)
            return
        self.saver.flush_now()
        self.run_db(setting_actions.confirm_names, self.period.label, names, self._worker_id(),
                    then=self.confirmed, what="confirm the names")

    def confirmed(self, flags: list[Flag]) -> None:
        self.show_flags(flags)
        self.notify("Confirmed: the names listed are not young carers on the caseload.", timeout=6)

    def action_back(self) -> None:
        if not self.saver.flush_now():
            self._status(f"Not saved: {plain_error(self.saver.error or Exception('locked'), 'save')} "
                         "What you typed is still here.", "failed")
            return
        self.app.pop_screen()
