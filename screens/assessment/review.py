"""A review: the nine outcome measures, satisfaction, and the next step (continue, step down to
clubs only, or close).

The outcomes are a list with a cursor: i (or 1) improved, n (2) no change, w (3) worse, a (4) not
applicable; the cursor moves on. Tab goes on to satisfaction, the comment, notes and the next
step. ctrl+s saves the whole review at once (one transaction: the review, its outcomes, its one
satisfaction response for KPI 6, and the closure if it steps down or closes); a problem shows
beside its field and nothing typed is lost. Esc with unsaved changes asks to be pressed again.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static

from screens.common.autosave import field_errors
from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.assessment import actions, reviews
from ycworker.assessment.outcomes import OUTCOMES
from ycworker.assessment.reviews import ReviewForm

KEYS = {"improved": "i", "no_change": "n", "worse": "w", "not_applicable": "a"}
CODES = list(OUTCOMES)


class OutcomeSheet(Widget, can_focus=True):
    """OUT01-OUT09 with their ratings; single keys rate the outcome under the cursor."""

    class Rated(Message):
        """An outcome's rating changed."""

    DEFAULT_CSS = """
    OutcomeSheet { height: auto; padding: 0 1; border: round $panel; }
    OutcomeSheet:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("i,1", "rate('improved')", "Improved", show=True),
        Binding("n,2", "rate('no_change')", "No change", show=True),
        Binding("w,3", "rate('worse')", "Worse", show=True),
        Binding("a,4", "rate('not_applicable')", "Not applicable", show=True),
        Binding("backspace,delete", "rate('')", "Clear", show=False),
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
    ]

    def __init__(self, ratings: dict[str, str], *, id: str | None = None):
        super().__init__(id=id)
        self.ratings = dict(ratings)
        self.cursor = next((i for i, c in enumerate(CODES) if c not in self.ratings), 0)
        self.missing: set[str] = set()

    def render(self) -> Text:
        text = Text()
        for i, code in enumerate(CODES):
            here = i == self.cursor
            rating = self.ratings.get(code, "")
            text.append("> " if here else "  ", style="bold")
            text.append(f"{code} {OUTCOMES[code]:<72}", style="bold" if here else "")
            shown = reviews.RATINGS.get(rating, "not rated")
            style = "reverse bold" if here else ("" if rating else "dim")
            if code in self.missing and not rating:
                style = "bold red"
            text.append(f" {shown:<15}", style=style)
            if i < len(CODES) - 1:
                text.append("\n")
        return text

    def action_rate(self, rating: str) -> None:
        code = CODES[self.cursor]
        if rating:
            self.ratings[code] = rating
            self.cursor = min(len(CODES) - 1, self.cursor + 1)
        else:
            self.ratings.pop(code, None)
        self.refresh()
        self.screen.post_message(OutcomeSheet.Rated())

    def action_move(self, delta: int) -> None:
        self.cursor = max(0, min(len(CODES) - 1, self.cursor + delta))
        self.refresh()



class ReviewScreen(AreaScreen):
    HELP_TITLE = "Review"
    DEFAULT_CSS = """
    ReviewScreen #rv-title { height: auto; padding: 0 1; text-style: bold; background: $boost; }
    ReviewScreen #rv-body { height: 1fr; padding: 0 1; }
    ReviewScreen .rv-row { height: auto; }
    ReviewScreen .rv-row Label.rv-field { width: 30; padding: 1 1 0 0; text-align: right; }
    ReviewScreen .rv-row Input { width: 1fr; }
    ReviewScreen .rv-row Select { width: 40; }
    ReviewScreen .rv-error { color: $error; height: auto; width: 1fr; padding: 1 0 0 1; }
    ReviewScreen #err-outcomes { padding: 0 1; }
    ReviewScreen #rv-step-note { color: $text-muted; height: auto; padding: 0 1; }
    ReviewScreen #rv-message { height: auto; padding: 0 1; }
    ReviewScreen #rv-message.failed { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the review", key_display="^s", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, carer_id: str, review_id: str | None = None):
        super().__init__()
        self.carer_id = carer_id
        self.review_id = review_id
        self.form: ReviewForm | None = None
        self.changed = False
        self._leave = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the review…", id="rv-title", markup=False)
        with VerticalScroll(id="rv-body"):
            yield from self._row("review_date", "Date of the review", Input(placeholder="DD/MM/YYYY",
                                                                              id="f-review_date"))
            yield Label("Outcomes: i improved · n no change · w worse · a not applicable (the cursor moves "
                        "on; up and down move)", classes="section-title")
            yield OutcomeSheet({}, id="f-outcomes")
            yield Label("", classes="rv-error", id="err-outcomes", markup=False)
            yield from self._row("satisfied", "Satisfied with the service?", Select(
                [(label, key or "not_asked") for key, label in reviews.SATISFACTION.items()],
                prompt="Ask the young carer", id="f-satisfied"))
            yield from self._row("satisfaction_comment", "In their words", Input(
                placeholder="optional: what they said about the service", id="f-satisfaction_comment"))
            yield from self._row("notes", "Review notes", Input(placeholder="optional", id="f-notes"))
            yield from self._row("next_step", "Next step", Select(
                [(label, key) for key, label in reviews.NEXT_STEPS.items()], value="continue",
                allow_blank=False, id="f-next_step"))
            yield Static("", id="rv-step-note", markup=False)
            yield from self._row("closure_note", "Closure note", Input(
                placeholder="optional, when stepping down or closing", id="f-closure_note"))
            yield Static("", id="rv-message", markup=False)
        yield Footer()

    def _row(self, name: str, label: str, widget) -> ComposeResult:
        with Horizontal(classes="rv-row", id=f"row-{name}"):
            yield Label(label, classes="rv-field")
            yield widget
            yield Label("", classes="rv-error", id=f"err-{name}", markup=False)

    def on_mount(self) -> None:
        self.run_db(actions.load_review, self.carer_id, self.review_id, then=self.show,
                    what="open the review")

    def show(self, form: ReviewForm) -> None:
        self.form = form
        state = "support request open" if form.referral_open else "no open support request"
        what = "Correcting the review" if form.review_id else "Review"
        self.query_one("#rv-title", Static).update(f"{what} · {form.name} ({form.carer_ref}) · {state}")
        today = self.ycapp.today()
        self.query_one("#f-review_date", Input).value = f"{(form.review_date or today):%d/%m/%Y}"
        sheet = self.query_one(OutcomeSheet)
        sheet.ratings = dict(form.ratings)
        sheet.cursor = next((i for i, c in enumerate(CODES) if c not in sheet.ratings), 0)
        sheet.refresh()
        sat = self.query_one("#f-satisfied", Select)
        if form.review_id:
            sat.value = {True: "yes", False: "no", None: "not_asked"}[form.satisfied]
        self.query_one("#f-satisfaction_comment", Input).value = form.comment
        self.query_one("#f-notes", Input).value = form.notes
        step = self.query_one("#f-next_step", Select)
        step.value = form.next_step
        step.disabled = form.step_locked or (not form.referral_open and not form.review_id)
        self._step_note()
        self.changed = False
        sheet.focus()

    def _step_note(self) -> None:
        if self.form is None:
            return
        step = self.query_one("#f-next_step", Select).value
        note = ""
        if self.form.step_locked:
            note = "This review closed the support request (reopen it on the record to change that)."
        elif step in reviews.CLOSES_AS:
            reason = reviews.NEXT_STEPS[step].split(":")[0].lower()
            n = self.form.open_actions
            note = (f"Saving closes the support request on the review date ({reason}); club places stay. "
                    f"{n} open plan action{'s' if n != 1 else ''} will be marked dropped.")
        self.query_one("#rv-step-note", Static).update(note)

    def on_outcome_sheet_rated(self, _message) -> None:
        self.changed = True
        self._leave = False

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.changed = self.form is not None
        self._leave = False

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "f-next_step":
            self._step_note()
        self.changed = self.form is not None

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def read(self) -> dict:
        sat = self.query_one("#f-satisfied", Select)
        value = "" if sat.is_blank() or sat.value == "not_asked" else str(sat.value)
        return {
            "review_date": self.query_one("#f-review_date", Input).value,
            "ratings": dict(self.query_one(OutcomeSheet).ratings),
            "satisfied": value,
            "satisfaction_comment": self.query_one("#f-satisfaction_comment", Input).value,
            "notes": self.query_one("#f-notes", Input).value,
            "next_step": str(self.query_one("#f-next_step", Select).value),
            "closure_note": self.query_one("#f-closure_note", Input).value,
        }

    def action_save(self) -> None:
        if self.form is None:
            return
        for label in self.query(".rv-error").results(Label):
            label.update("")
        sheet = self.query_one(OutcomeSheet)
        sheet.missing = set()
        form, ctx = self.read(), self.context()
        carer_id, review_id = self.carer_id, self.form.review_id

        self._message("Saving…")
        self.run_db(actions.save_review, ctx, carer_id, form, review_id, then=self._saved,
                    on_error=self._failed, what="save the review", group="review", exclusive=True)

    def _message(self, text: str, cls: str = "") -> None:
        msg = self.query_one("#rv-message", Static)
        msg.set_classes(cls)
        msg.update(text)

    def _saved(self, review_id: str) -> None:
        self.changed = False
        step = self.read()["next_step"]
        extra = "" if step == "continue" else f" {reviews.NEXT_STEPS[step]}: the support request is closed."
        self.notify(f"Review saved.{extra}", title="Review", timeout=6)
        self.dismiss(review_id)

    def _failed(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self._message(plain_error(error, "save the review"), "failed")
            return
        sheet = self.query_one(OutcomeSheet)
        unrated = [e.field for e in errors if e.field in OUTCOMES]
        if unrated:
            sheet.missing = set(unrated)
            sheet.refresh()
            self.query_one("#err-outcomes", Label).update(
                f"Rate every outcome ({len(unrated)} not rated: {', '.join(unrated)}); use 'not applicable' "
                "for one the support did not work on.")
        other = []
        for e in errors:
            if e.field not in OUTCOMES:
                labels = self.query(f"#err-{e.field}")
                if labels:
                    labels.first(Label).update(e.message)
                else:
                    other.append(e.message)
        self._message(" ".join(["Not saved: see the messages beside the fields.", *other,
                                "Nothing you entered is lost."]), "failed")

    def action_back(self) -> None:
        if self.changed and not self._leave:
            self._leave = True
            self._message("This review is not saved: ctrl+s saves it; press Esc again to leave without "
                          "saving.", "failed")
            return
        self.dismiss(None)


__all__ = ["OutcomeSheet", "ReviewScreen"]
