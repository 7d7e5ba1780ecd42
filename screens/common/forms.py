"""The one pop-up form base: a list of ``Spec`` fields, each showing its own error and keeping
what was typed; the first error is also shown in a line under the title that never scrolls
away, and the first field in error is scrolled into view.

A form is a list of ``Spec`` and a ``save(store, form)`` service function run off the UI thread;
the form dismisses with the save's result, or stays open showing the errors. The carer record's
small forms (allocate, consent, close, contact or note, cared-for person, sibling), the plan's,
the assessment's and the service log's are all built on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from screens.common.base import DbModalScreen, plain_error
from ycworker.common.errors import field_errors


@dataclass(frozen=True)
class Spec:
    name: str
    label: str
    kind: str = "input"  # input | select | multi | text (several lines)
    value: Any = ""
    options: tuple[tuple[str, str], ...] = ()  # (label, value)
    placeholder: str = ""
    extra: dict = field(default_factory=dict)


class NoteArea(TextArea):
    """A note of several lines; ``value`` as an Input has it, so a form reads every field alike."""

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        self.text = text


class FormModal(DbModalScreen):
    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal #form-box { width: 96; max-width: 100%; height: auto; max-height: 90%; border: round $primary;
        background: $surface; padding: 0 1; }
    FormModal #form-title { text-style: bold; color: $primary; padding: 0 1; }
    FormModal .form-row { height: auto; }
    FormModal .form-label { width: 22; padding: 1 1 0 0; text-align: right; }
    FormModal .form-row Input, FormModal .form-row Select { width: 1fr; }
    FormModal .form-row SelectionList { width: 1fr; height: auto; max-height: 8; }
    FormModal .form-row TextArea { width: 1fr; height: 6; }
    FormModal .form-error { color: $error; width: auto; max-width: 40%; padding: 1 0 0 1; height: auto; }
    FormModal #form-message { color: $error; text-style: bold; height: auto; padding: 0 1; display: none; }
    FormModal.has-message #form-message { display: block; }
    FormModal #form-scroll { height: auto; max-height: 30; }
    FormModal #form-hint { dock: bottom; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, title: str, specs: list[Spec], save: Callable[..., Any], *, note: str = ""):
        super().__init__()
        self.title_text = title
        self.specs = specs
        self.save_fn = save
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Label(self.title_text, id="form-title")
            if self.note:
                yield Static(self.note, classes="muted")
            yield Static("", id="form-message", markup=False)
            with VerticalScroll(id="form-scroll"):
                for spec in self.specs:
                    with Horizontal(classes="form-row", id=f"row-{spec.name}"):
                        yield Label(spec.label, classes="form-label")
                        if spec.kind == "select":
                            value = spec.value if spec.value else Select.NULL
                            yield Select(list(spec.options), value=value, id=f"f-{spec.name}",
                                         prompt=spec.placeholder or "Choose")
                        elif spec.kind == "multi":
                            yield SelectionList(*[(label, val, val in (spec.value or ()))
                                                  for label, val in spec.options], id=f"f-{spec.name}")
                        elif spec.kind == "text":
                            area = NoteArea(str(spec.value or ""), id=f"f-{spec.name}",
                                            soft_wrap=True, tab_behavior="focus")
                            area.placeholder = spec.placeholder
                            yield area
                        else:
                            yield Input(str(spec.value or ""), placeholder=spec.placeholder,
                                        id=f"f-{spec.name}")
                        yield Label("", classes="form-error", id=f"err-{spec.name}", markup=False)
            yield Static("ctrl+s saves · Esc cancels · dates as DD/MM/YYYY", id="form-hint",
                         classes="muted")

    def on_mount(self) -> None:
        if self.specs:
            self.query_one(f"#f-{self.specs[0].name}").focus()

    def read(self) -> dict[str, Any]:
        form: dict[str, Any] = {}
        for spec in self.specs:
            widget = self.query_one(f"#f-{spec.name}")
            if isinstance(widget, Select):
                form[spec.name] = "" if widget.is_blank() else str(widget.value)
            elif isinstance(widget, SelectionList):
                form[spec.name] = list(widget.selected)
            elif isinstance(widget, (Input, NoteArea)):
                form[spec.name] = widget.value
        return form

    @on(Input.Submitted)
    def _next(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        for spec in self.specs:
            self.query_one(f"#err-{spec.name}", Label).update("")
        self._message("")
        self.run_db(self.save_fn, self.read(), then=self.dismiss, on_error=self.show_errors,
                    what="save", group="form", exclusive=True)

    def _message(self, text: str) -> None:
        """The line under the title that never scrolls away."""
        self.query_one("#form-message", Static).update(text)
        self.set_class(bool(text), "has-message")

    def show_errors(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self._message(plain_error(error, "save"))
            return
        labels = {s.name: s.label for s in self.specs}
        in_fields = [e for e in errors if e.field in labels]
        for e in in_fields:
            self.query_one(f"#err-{e.field}", Label).update(e.message)
        lines = [e.message for e in errors if e.field not in labels]
        if in_fields:
            more = len(in_fields) - 1
            lines.insert(0, f"{labels[in_fields[0].field]}: {in_fields[0].message}"
                         + (f" (and {more} more {'problem' if more == 1 else 'problems'} below)"
                            if more else ""))
        self._message("\n".join(lines))
        if in_fields:
            self.query_one(f"#f-{in_fields[0].field}").focus()
            row = self.query_one(f"#row-{in_fields[0].field}")
            self.call_after_refresh(self.query_one("#form-scroll").scroll_to_widget, row, animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
