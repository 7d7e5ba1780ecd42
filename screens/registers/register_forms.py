"""Pop-ups of the register: a note on an attendance, and the walk-in quick add."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.common.base import DbModalScreen
from ycworker.common.errors import field_errors
from ycworker.registers import register as registers
from ycworker.registers.actions import walk_in

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > Vertical {{ width: 72; height: auto; max-height: 90%; border: thick $primary; background: $panel;
                   padding: 1 2; }}
{cls} .form-title {{ text-style: bold; margin-bottom: 1; }}
{cls} .field-label {{ margin-top: 1; }}
{cls} .field-error {{ color: $error; height: auto; }}
{cls} .form-hint {{ color: $text-muted; margin-top: 1; }}
{cls} OptionList {{ height: auto; max-height: 10; margin-top: 1; }}
"""


class NoteForm(ModalScreen[str | None]):
    """A short note on one child's attendance."""

    DEFAULT_CSS = FORM_CSS.format(cls="NoteForm")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str, note: str):
        super().__init__()
        self.child = name
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Note for {self.child}", classes="form-title")
            yield Input(self.note, placeholder="e.g. collected by grandad at 17:30",
                        max_length=registers.NOTE_MAX, id="note")
            yield Static("Enter saves · Escape cancels", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class WalkInForm(DbModalScreen):
    """First name, last name, date of birth or age. A likely match is offered before a new record."""

    DEFAULT_CSS = FORM_CSS.format(cls="WalkInForm")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    FIELDS = ("first_name", "last_name", "born")

    def __init__(self, session_id: str):
        super().__init__()
        self.session_id = session_id
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Walk-in: a child who is here today", classes="form-title")
            yield Label("First name", classes="field-label")
            yield Input(id="first_name")
            yield Static("", id="first_name-error", classes="field-error")
            yield Label("Last name", classes="field-label")
            yield Input(id="last_name")
            yield Static("", id="last_name-error", classes="field-error")
            yield Label("Date of birth (24/11/2014) or age (12)", classes="field-label")
            yield Input(id="born")
            yield Static("", id="born-error", classes="field-error")
            yield OptionList(id="matches")
            yield Static("Enter moves on and adds · Escape cancels", id="hint", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#matches", OptionList).display = False
        self.query_one("#first_name", Input).focus()

    def values(self) -> tuple[str, str, str]:
        first, last, born = (self.query_one(f"#{f}", Input).value for f in self.FIELDS)
        return first, last, born

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        index = self.FIELDS.index(event.input.id)
        if index < len(self.FIELDS) - 1 and not self.query_one(f"#{self.FIELDS[index + 1]}", Input).value:
            self.query_one(f"#{self.FIELDS[index + 1]}", Input).focus()
            return
        self.send()

    @on(Input.Changed)
    def changed(self, _event: Input.Changed) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.display:  # the details changed: check again on the next Enter
            matches.display = False
            self.query_one("#hint", Static).update("Enter moves on and adds · Escape cancels")

    def send(self, link: str | None = None, force_new: bool = False) -> None:
        if self.busy:
            return
        self.busy = True
        for f in self.FIELDS:
            self.query_one(f"#{f}-error", Static).update("")
        first, last, born = self.values()
        worker = self.ycapp.worker_info
        self.run_db(walk_in, self.session_id, first, last, born, self.ycapp.today(),
                    worker.id if worker else None, link, force_new, then=self.done,
                    on_error=self.failed, what="add the walk-in")

    def done(self, result: registers.WalkIn) -> None:
        self.busy = False
        if result.row is not None:
            self.dismiss(result)
            return
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        for m in result.matches:
            school = f", {m.school}" if m.school else ""
            why = f": {m.reason}" if m.reason else ""
            matches.add_option(Option(f"Link to {m.name} ({m.carer_ref}, born {m.date_of_birth:%d/%m/%Y}"
                                      f"{school}){why}", id=m.carer_id))
        matches.add_option(Option("None of these: make a new record", id="new"))
        matches.display = True
        matches.highlighted = 0
        matches.focus()
        self.query_one("#hint", Static).update(
            "This child may already be known: choose them, or make a new record · Escape cancels")

    def failed(self, error: BaseException) -> None:
        self.busy = False
        errors = field_errors(error)
        shown = False
        for e in errors:
            if e.field in self.FIELDS:
                self.query_one(f"#{e.field}-error", Static).update(e.message)
                if not shown:
                    self.query_one(f"#{e.field}", Input).focus()
                shown = True
        if not shown:
            from screens.common.base import plain_error

            self.notify(plain_error(error, "add the walk-in"), severity="error", timeout=10)

    @on(OptionList.OptionSelected, "#matches")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "new":
            self.send(force_new=True)
        else:
            self.send(link=event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
