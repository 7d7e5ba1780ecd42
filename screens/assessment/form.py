"""The needs assessment form: sections that follow the law, saved as they are typed.

Every section is a text area; what is typed is saved within ``SAVE_DELAY`` seconds (and at once
when the worker leaves the section, the form or the app), off the UI thread and in order
(``screens.common.autosave.OrderedSaver``). The line under the title says "Saved 10:31:02". Who took
part, the "information in advance" answers, the combined assessment and the impact level save as
they are chosen. ctrl+f completes the assessment: what is still missing is shown beside it.
A completed assessment opens read-only.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Select, SelectionList, Static, TextArea

from screens.common.autosave import OrderedSaver, field_errors
from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from ycworker.assessment import actions, scoring, sections
from ycworker.assessment import document as assessment_document
from ycworker.assessment.assessments import AssessmentView
from ycworker.common.context import Context
from ycworker.common.errors import FormErrors

SAVE_DELAY = 0.4
YES_NO = (("Yes", "yes"), ("No", "no"))


def open_assessment(screen, assessment_id: str, then=None) -> None:
    """Load the assessment off the UI thread, then push its form (from any area screen)."""

    def show(view: AssessmentView) -> None:
        screen.app.push_screen(AssessmentFormScreen(view), then)

    screen.run_db(actions.open_assessment, screen.context(), assessment_id,
                  then=show, what="open the assessment", group="open-assessment")


def _to_store(key: str, value):
    if key in sections.YES_NO_FIELDS:
        return None if value in (None, "", Select.NULL) else value == "yes"
    return value


class AssessmentFormScreen(AreaScreen):
    HELP_TITLE = "Needs assessment"
    DEFAULT_CSS = """
    AssessmentFormScreen #af-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    AssessmentFormScreen #af-status { height: 1; padding: 0 1; }
    AssessmentFormScreen #af-status.saved { color: $success; }
    AssessmentFormScreen #af-status.failed { color: $error; text-style: bold; }
    AssessmentFormScreen #af-body { height: 1fr; padding: 0 1; }
    AssessmentFormScreen .af-section { height: auto; }
    AssessmentFormScreen .af-label { color: $accent; }
    AssessmentFormScreen .af-text { height: 7; border-title-color: $accent; }
    AssessmentFormScreen .af-text:focus { height: 14; }
    AssessmentFormScreen .af-error { color: $error; height: auto; }
    AssessmentFormScreen .af-row { height: auto; }
    AssessmentFormScreen .af-row Label.af-field { width: 36; padding: 1 1 0 0; text-align: right; }
    AssessmentFormScreen .af-row Select { width: 24; }
    AssessmentFormScreen .af-row Input { width: 1fr; }
    AssessmentFormScreen .af-row .af-error { width: 1fr; padding: 1 0 0 1; }
    AssessmentFormScreen #f-participants { height: auto; max-height: 6; width: 48; }
    AssessmentFormScreen #af-scores { height: auto; padding: 0 0 1 0; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back (saved)", show=True),
        Binding("ctrl+f", "complete", "Complete", key_display="^f", show=True),
        Binding("ctrl+r", "scores", "Scores (MACA, PANOC)", key_display="^r", show=True),
        Binding("ctrl+o", "document", "Write out a document", key_display="^o", show=True),
        Binding("ctrl+s", "save_now", "Save now", key_display="^s", show=False),
    ]

    def __init__(self, view: AssessmentView):
        super().__init__()
        self.view = view
        self.read_only = not view.is_draft
        self.saved: dict[str, object] = {}
        self._audited = False
        self._leave_anyway = False
        self._errors_shown: dict[str, str] = {}
        self._worker_id: str | None = None
        self.saver = OrderedSaver(self, self._write, delay=SAVE_DELAY, on_saved=self._saved,
                                  on_failed=self._save_failed)

    # -- layout ----------------------------------------------------------------------------------

    def _title(self) -> str:
        v = self.view
        bits = [f"{v.kind_label} · {v.carer_name} ({v.carer_ref}) · {v.age}"]
        if v.is_draft:
            started = f", started {v.started_date:%d/%m/%Y}" if v.started_date else ""
            bits.append(f"draft{started}")
            if v.due_text:
                bits.append(v.due_text)
        else:
            done = f" {v.completed_date:%d/%m/%Y}" if v.completed_date else ""
            bits.append(f"completed{done}{' by ' + v.completed_by if v.completed_by else ''} (read-only)")
        return " · ".join(bits)

    def compose(self) -> ComposeResult:
        v = self.view
        yield Header()
        yield Static(self._title(), id="af-title", markup=False)
        yield Static("", id="af-status", markup=False)
        with VerticalScroll(id="af-body"):
            if v.kind == "reassessment":
                when = f" on {v.circumstances_changed_on:%d/%m/%Y}" if v.circumstances_changed_on else ""
                yield from self._text_section("circumstances_change", f"What changed{when}",
                                              "The change of circumstances that led to this re-assessment.",
                                              v.circumstances_change)
            for s in sections.sections_for(v.kind):
                yield from self._text_section(s.key, s.label, s.hint, v.sections.get(s.key, ""))
            with Vertical(classes="af-section", id="sec-participants"):
                yield Label(Text.assemble(("Who took part", "bold"), ("  space ticks; the carer, their "
                                                                      "parents, the person cared for, others",
                                                                      "dim")), classes="af-label")
                yield SelectionList(*[(label, key, key in v.participants)
                                      for key, label in sections.PARTICIPANTS.items()],
                                    id="f-participants", disabled=self.read_only)
                yield Label("", classes="af-error", id="err-participants", markup=False)
            for key, label in sections.YES_NO_FIELDS.items():
                yield from self._yes_no(key, label, getattr(v, key))
            with Horizontal(classes="af-row", id="row-combined_with"):
                yield Label("Which assessment", classes="af-field")
                yield Input(v.combined_with, placeholder="e.g. Early Help assessment", id="f-combined_with",
                            disabled=self.read_only)
                yield Label("", classes="af-error", id="err-combined_with", markup=False)
            with Vertical(classes="af-section", id="sec-scores"):
                yield Label(Text("Scores", "bold"), classes="af-label")
                yield Static(self._scores_text(), id="af-scores", markup=False)
            with Horizontal(classes="af-row", id="row-impact_level"):
                yield Label("Impact level", classes="af-field")
                yield Select([(level.capitalize(), level) for level in sections.IMPACT_LEVELS],
                             value=v.impact_level or Select.NULL, prompt="Choose", id="f-impact_level",
                             disabled=self.read_only)
                yield Label("", classes="af-error", id="err-impact_level", markup=False)
        yield Footer()

    def _text_section(self, key: str, label: str, hint: str, text: str) -> ComposeResult:
        self.saved[key] = text
        with Vertical(classes="af-section", id=f"sec-{key}"):
            area = TextArea(text, id=f"s-{key}", classes="af-text", read_only=self.read_only,
                            soft_wrap=True, tab_behavior="focus", placeholder=hint)
            area.border_title = Text(label, "bold")  # in the frame: always in view with the text
            yield area
            yield Label("", classes="af-error", id=f"err-{key}", markup=False)

    def _yes_no(self, key: str, label: str, value: bool | None) -> ComposeResult:
        self.saved[key] = value
        with Horizontal(classes="af-row", id=f"row-{key}"):
            yield Label(label, classes="af-field")
            yield Select(YES_NO, value=Select.NULL if value is None else ("yes" if value else "no"),
                         prompt="Choose", id=f"f-{key}", disabled=self.read_only)
            yield Label("", classes="af-error", id=f"err-{key}", markup=False)

    def _scores_text(self) -> str:
        lines = []
        for instrument in scoring.INSTRUMENTS:
            lines.append(self.view.summary(instrument).headline())
        maca = self.view.summary(scoring.MACA)
        if maca.suggested_impact:
            lines.append(f"MACA-YC18 suggests impact {maca.suggested_impact}.")
        lines.append("ctrl+r enters the scores by item number (0, 1 or 2).")
        return "\n".join(lines)

    def on_mount(self) -> None:
        worker = self.ycapp.worker_info
        self._worker_id = worker.id if worker else None
        self.saved.update(participants=", ".join(self.view.participants),
                          combined_with=self.view.combined_with, impact_level=self.view.impact_level)
        self._status("Everything you type is saved as you go." if not self.read_only else
                     "Completed assessments are not changed: record a change of circumstances for a "
                     "re-assessment.")
        if self.read_only:
            self.query_one("#af-body").focus()
            return
        first = next((key for key in self._text_keys() if not str(self.saved.get(key) or "").strip()),
                     self._text_keys()[0])
        area = self.query_one(f"#s-{first}", TextArea)
        area.focus(scroll_visible=False)
        area.move_cursor(area.document.end)
        self._bring_to_top(area)

    def _bring_to_top(self, area: TextArea, tries: int = 50) -> None:
        """Scroll the section to write in next to the top of the form, heading first, once the form
        is laid out. (Scrolling it just into view depended on how far the layout had got: the form
        opened at one place or another.)"""
        if not area.region and tries:
            self.call_after_refresh(self._bring_to_top, area, tries - 1)
            return
        self.query_one("#af-body").scroll_to_widget(area, top=True, animate=False, immediate=True)

    def _text_keys(self) -> list[str]:
        keys = [s.key for s in sections.sections_for(self.view.kind)]
        return (["circumstances_change"] if self.view.kind == "reassessment" else []) + keys

    # -- saving --------------------------------------------------------------------------------------

    def _write(self, store, batch):
        audit_it = not self._audited
        result = actions.save_draft(store, self._worker_id, self.view.id, batch, audit_it)
        self._audited = True
        return result

    def _status(self, text: str, cls: str = "") -> None:
        status = self.query_one("#af-status", Static)
        status.set_classes(cls)
        status.update(text, layout=False)

    def _saved(self, batch: dict, stored) -> None:
        for key in batch:
            self.saved[key] = (stored or {}).get(key, batch[key])
            self._error(key, "")
        if not self.saver.dirty and not self.saver.rejected:
            self._status(f"Saved {datetime.now():%H:%M:%S}", "saved")

    def _save_failed(self, error: BaseException, batch: dict) -> None:
        errors = field_errors(error)
        for e in errors:
            self._error(e.field, e.message)
        self._status(f"Not saved: {plain_error(error, 'save')} What you typed is still here.", "failed")

    def _error(self, key: str, message: str) -> None:
        # Only touch a label whose text changes: an update lays the whole form out again, which
        # cost a few milliseconds on every save while typing.
        if (self._errors_shown.get(key) or "") == message:
            return
        self._errors_shown[key] = message
        for label in self.query(f"#err-{key}").results(Label):
            label.update(message)

    def _changed(self, key: str, value) -> None:
        if self.read_only or value == self.saved.get(key):
            return
        if not self.saver.dirty:
            self._status("Saving…")
        self.saver.put(key, value)

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        key = (event.text_area.id or "")[2:]
        self._changed(key, event.text_area.text)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, TextArea):  # taller once laid out: keep it all in view
            self.call_after_refresh(event.widget.scroll_visible, animate=False)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, (TextArea, Input)) and self.saver.pending:
            self.saver.flush()

    @on(SelectionList.SelectedChanged, "#f-participants")
    def _participants(self, event: SelectionList.SelectedChanged) -> None:
        chosen = set(event.selection_list.selected)
        self._changed("participants", ", ".join(k for k in sections.PARTICIPANTS if k in chosen))
        self.saver.flush()

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        key = (event.select.id or "")[2:]
        value = None if event.select.is_blank() else event.value
        value = _to_store(key, value)
        if value != self.saved.get(key):
            self._changed(key, value)
            self.saver.flush()

    @on(Input.Changed, "#f-combined_with")
    def _combined_typed(self, event: Input.Changed) -> None:
        self._changed("combined_with", event.value)

    def on_screen_suspend(self) -> None:
        if self.saver.pending:
            self.saver.flush()

    def on_screen_resume(self) -> None:
        # Back from the scores, another area, or a lock (a change made in the last moment before
        # ctrl+l waited in memory: the store was closed): save it now.
        if self.saver.pending:
            self.saver.flush()

    def on_unmount(self) -> None:
        self.saver.flush_now(tell=False)

    def action_save_now(self) -> None:
        self.saver.flush()

    def action_back(self) -> None:
        if not self.saver.flush_now():
            self._status(f"Not saved: {plain_error(self.saver.error or Exception('locked'), 'save')} "
                         "Press Esc again to leave anyway.", "failed")
            if self._leave_anyway:
                self.app.pop_screen()
            self._leave_anyway = True
            return
        self.app.pop_screen()

    # -- completing ----------------------------------------------------------------------------------

    def action_complete(self) -> None:
        if self.read_only:
            self.notify("This assessment is already completed.", severity="warning")
            return
        for key in [*self._text_keys(), "participants", "combined_with", "impact_level",
                    *sections.YES_NO_FIELDS]:
            self._error(key, "")
        ctx, assessment_id = Context(self.ycapp.today(), self._worker_id), self.view.id

        def complete(store):
            return actions.complete_assessment(store, ctx, assessment_id)

        self._status("Completing…")
        self.saver.flush(after=complete, then=self._completed, on_error=self._not_completed)

    def _completed(self, view: AssessmentView) -> None:
        self.notify(f"{view.kind_label} completed for {view.carer_name}: impact {view.impact_level}.",
                    title="Assessment completed", timeout=6, markup=False)
        self.dismiss(view.id)

    def _not_completed(self, error: BaseException) -> None:
        errors = error.errors if isinstance(error, FormErrors) else []
        if not errors:
            self._status(plain_error(error, "complete the assessment"), "failed")
            return
        first = None
        for e in errors:
            self._error(e.field, e.message)
            if first is None:
                first = e.field
        n = len(errors)
        self._status(f"Not completed yet: {n} thing{'s' if n != 1 else ''} still needed (shown beside "
                     "each). Everything typed is saved.", "failed")
        target = self.query(f"#s-{first}") or self.query(f"#f-{first}")
        if target:
            target.first().focus()  # the section scrolls into view with its heading

    # -- scores and documents ------------------------------------------------------------------------

    def action_scores(self) -> None:
        from screens.assessment.scoring import ScoringScreen

        self.app.push_screen(ScoringScreen(self.view.id, self.view.scores, read_only=self.read_only,
                                           title=f"{self.view.carer_name} ({self.view.carer_ref})"),
                             self._scores_back)

    def _scores_back(self, scores) -> None:
        if scores is not None:
            self.view.scores = scores
            self.query_one("#af-scores", Static).update(self._scores_text())

    def action_document(self) -> None:
        self.saver.flush()
        ask_document(self, self.view.id)


def ask_document(screen, assessment_id: str) -> None:
    """Ask for the folder and format, then write the assessment out (from any area screen)."""
    ctx = screen.context()

    def write(store, form):
        return actions.write_document(store, ctx, assessment_id, form)

    def written(path) -> None:
        if path:
            screen.notify(f"Written: {path}", title="Document", timeout=8, markup=False)

    def open_form(folder: str) -> None:
        specs = [Spec("folder", "Folder", value=folder, placeholder="e.g. /media/usb/family files"),
                 Spec("format", "Format", "select", "md",
                      tuple((label, key) for key, label in assessment_document.FORMATS.items()))]
        screen.app.push_screen(FormModal("Write out the assessment for the family's file", specs, write,
                                         note="The file is named by carer ref and date, never by name."),
                               written)

    screen.run_db(actions.default_document_folder, then=open_form, what="find the folder", group="document")


__all__ = ["AssessmentFormScreen", "ask_document", "open_assessment"]
