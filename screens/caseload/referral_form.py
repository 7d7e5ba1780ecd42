"""A new support request: a short form, then a check for people already known.

Before a new young carer is made, people with the same date of birth and a similar name are
shown (rapidfuzz, ycworker.caseload.duplicates); choosing one attaches the request to that person.
The check replaces the form in the same box, so the candidates are on screen at any size, the
first is highlighted, and "None of these: add a new young carer" is last: PageDown and End stop
at the last candidate, so adding a new person takes a deliberate arrow press. Errors show beside
their field and in a line at the top of the box that never scrolls away.
Dismisses with the carer's id (or None when cancelled).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.caseload.widgets import FieldRow
from screens.common.base import DbModalScreen, plain_error
from ycworker.caseload import actions, referrals
from ycworker.caseload.duplicates import Match
from ycworker.common.errors import field_errors

TEXT_FIELDS = (
    ("first_name", "First name", ""),
    ("last_name", "Last name", ""),
    ("date_of_birth", "Date of birth", "DD/MM/YYYY"),
    ("school", "School", "school or college"),
    ("district", "District", "if not at school, or to set it"),
    ("referrer_name", "Referrer's name", ""),
    ("referrer_contact", "Referrer's contact", "phone or email"),
    ("reason", "Why", "what they do at home, in a sentence"),
    ("referral_date", "Date of request", "DD/MM/YYYY"),
)
ADD_NEW = "__new__"
FORM_HINT = "ctrl+s saves · Esc cancels · dates as DD/MM/YYYY"
CHOICE_HINT = ("Enter attaches the request to the highlighted person · the last line adds a new "
               "young carer · Esc back to the form")


class DuplicateList(OptionList):
    """The candidates, then "add a new young carer": the jump keys stop at the last candidate."""

    BINDINGS = [
        Binding("pagedown", "page_down_candidates", "Page down", show=False),
        Binding("end", "last_candidate", "Last", show=False),
    ]

    def _last_candidate(self) -> int:
        return max(0, self.option_count - 2)

    def action_page_down_candidates(self) -> None:
        current = self.highlighted if self.highlighted is not None else 0
        self.highlighted = min(self._last_candidate(), current + max(1, self.size.height - 1))

    def action_last_candidate(self) -> None:
        self.highlighted = self._last_candidate()


class ReferralFormScreen(DbModalScreen):
    DEFAULT_CSS = """
    ReferralFormScreen { align: center middle; }
    ReferralFormScreen #referral-box { width: 100; max-width: 100%; height: 90%;
        border: round $primary; background: $surface; padding: 0 1; }
    ReferralFormScreen #referral-title { text-style: bold; color: $primary; padding: 0 1; }
    ReferralFormScreen #referral-message { color: $error; text-style: bold; height: auto;
        padding: 0 1; display: none; }
    ReferralFormScreen.has-message #referral-message { display: block; }
    ReferralFormScreen #referral-fields { height: 1fr; }
    ReferralFormScreen #source-row { height: auto; }
    ReferralFormScreen #source-row > Label { width: 22; padding: 1 1 0 0; text-align: right; }
    ReferralFormScreen #f-source { width: 1fr; }
    ReferralFormScreen #err-source { color: $error; padding: 1 0 0 1; width: 1fr; }
    ReferralFormScreen #duplicates-box { display: none; height: 1fr; border: round $warning;
        padding: 0 1; }
    ReferralFormScreen.show-duplicates #duplicates-box { display: block; }
    ReferralFormScreen.show-duplicates #referral-fields { display: none; }
    ReferralFormScreen #duplicates-heading { text-style: bold; }
    ReferralFormScreen #duplicates { height: 1fr; }
    ReferralFormScreen #referral-hint { height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the request", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, prefill_name: str = ""):
        super().__init__()
        first, last = referrals.name_from_search(prefill_name)
        self.prefill = {"first_name": first, "last_name": last}
        self.form: dict[str, str] = {}
        self.matches: list[Match] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="referral-box"):
            yield Label("New support request: the short form (the rest can wait)", id="referral-title")
            yield Static("", id="referral-message", markup=False)
            with VerticalScroll(id="referral-fields"):
                for name, label, hint in TEXT_FIELDS:
                    yield FieldRow(name, label, self.prefill.get(name, ""), placeholder=hint)
                    if name == "district":
                        with Horizontal(id="source-row"):
                            yield Label("Who referred")
                            yield Select([(label, key) for key, label in referrals.SOURCES.items()],
                                         id="f-source", prompt="Choose who referred")
                            yield Label("", id="err-source", markup=False)
            with Vertical(id="duplicates-box"):
                yield Label("Is this someone we already know? Same date of birth, similar name:",
                            id="duplicates-heading")
                yield Static("", id="duplicates-typed", markup=False, classes="muted")
                yield DuplicateList(id="duplicates")
            yield Static(FORM_HINT, id="referral-hint", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#f-first_name", Input).focus()

    def _read_form(self) -> dict[str, str]:
        form = {name: self.query_one(f"#f-{name}", Input).value for name, _l, _h in TEXT_FIELDS}
        source = self.query_one("#f-source", Select).value
        form["source"] = "" if self.query_one("#f-source", Select).is_blank() else str(source)
        return form

    def _message(self, text: str) -> None:
        """The line under the title that never scrolls away."""
        self.query_one("#referral-message", Static).update(text)
        self.set_class(bool(text), "has-message")

    def _clear_errors(self) -> None:
        for row in self.query(FieldRow):
            row.show_error("")
        self.query_one("#err-source", Label).update("")
        self._message("")

    def show_errors(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self._message(plain_error(error, "save the request"))
            return
        first = None
        labels = {name: label for name, label, _h in TEXT_FIELDS} | {"source": "Who referred"}
        for e in errors:
            if e.field == "source":
                self.query_one("#err-source", Label).update(e.message)
                first = first or self.query_one("#source-row")
            elif self.query(f"#row-{e.field}"):
                self.query_one(f"#row-{e.field}", FieldRow).show_error(e.message)
                first = first or self.query_one(f"#row-{e.field}", FieldRow)
        in_fields = [e for e in errors if e.field in labels]
        others = [e.message for e in errors if e.field not in labels]
        if in_fields and not self.has_class("show-duplicates"):
            lead = in_fields[0]
            more = len(in_fields) - 1
            others.insert(0, f"{labels[lead.field]}: {lead.message}"
                          + (f" (and {more} more {'problem' if more == 1 else 'problems'} below)"
                             if more else ""))
        self._message("\n".join(others))
        if self.has_class("show-duplicates"):
            if in_fields:  # the form itself is wrong after all: back to it
                self._back_to_form()
            else:
                return
        if first is not None:
            target = first.input if isinstance(first, FieldRow) else self.query_one("#f-source")
            target.focus()
            self.call_after_refresh(self.query_one("#referral-fields").scroll_to_widget, first,
                                    animate=False)

    @on(Input.Submitted)
    def _next(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        if self.has_class("show-duplicates"):
            self.query_one("#duplicates", DuplicateList).action_select()
            return
        self._clear_errors()
        self.form = self._read_form()
        self.run_db(actions.check_request, self.form, self.context(), then=self._checked,
                    on_error=self.show_errors, what="check the request", group="referral", exclusive=True)

    def _checked(self, matches) -> None:
        if not matches:
            self._save(None)
            return
        self.matches = matches
        f = self.form
        self.query_one("#duplicates-typed", Static).update(
            f"You typed: {f.get('first_name', '').strip()} {f.get('last_name', '').strip()}, "
            f"born {f.get('date_of_birth', '').strip()}"
            + (f", {f['school'].strip()}" if f.get("school", "").strip() else ""))
        dupes = self.query_one("#duplicates", DuplicateList)
        dupes.clear_options()
        for m in matches:
            dupes.add_option(Option(Content(
                f"Attach to {m.name} ({m.carer_ref}), born {m.date_of_birth:%d/%m/%Y}"
                f"{', ' + m.school if m.school else ''}  ({m.reason})"), id=m.carer_id))
        dupes.add_option(None)
        dupes.add_option(Option("None of these: add a new young carer", id=ADD_NEW))
        self.add_class("show-duplicates")
        self.query_one("#referral-hint", Static).update(CHOICE_HINT)
        dupes.highlighted = 0
        dupes.focus()

    def _back_to_form(self) -> None:
        self.remove_class("show-duplicates")
        self.query_one("#referral-hint", Static).update(FORM_HINT)
        self.query_one("#f-first_name", Input).focus()

    @on(OptionList.OptionSelected, "#duplicates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        self._message("")
        self._save(None if choice == ADD_NEW else choice)

    def _save(self, attach_to: str | None) -> None:
        self.run_db(actions.save_request, self.form, self.context(), attach_to,
                    then=self._saved, on_error=self.show_errors, what="save the request",
                    group="referral", exclusive=True)

    def _saved(self, created: referrals.Created) -> None:
        self.app.notify("Support request saved" + ("" if created.new_person else
                                                   " and attached to the existing record") + ".")
        self.dismiss(created.carer_id)

    def action_cancel(self) -> None:
        if self.has_class("show-duplicates"):
            self._message("")
            self._back_to_form()
            return
        self.dismiss(None)
