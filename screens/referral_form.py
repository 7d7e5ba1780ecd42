"""A new support request: a short form, then a check for people already known.

Before a new young carer is made, people with the same date of birth and a similar name are
shown (rapidfuzz, ycworker.duplicates); choosing one attaches the request to that person.
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

from screens.base import DbModalScreen
from screens.widgets_caseload import FieldRow
from ycworker import referrals
from ycworker.errors import field_errors

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


def check_and_match(store, form, today):
    with store.read() as session:
        clean = referrals.check_request(session, form, today)
        return referrals.duplicates_for(session, clean)


def save_request(store, form, today, worker_id, attach_to):
    with store.write() as session:
        return referrals.create_request(session, form, today, worker_id, attach_to=attach_to)


class ReferralFormScreen(DbModalScreen):
    DEFAULT_CSS = """
    ReferralFormScreen { align: center middle; }
    ReferralFormScreen #referral-box { width: 100; height: 90%; border: round $primary;
        background: $surface; padding: 0 1; }
    ReferralFormScreen #referral-title { text-style: bold; color: $primary; padding: 0 1; }
    ReferralFormScreen #source-row { height: auto; }
    ReferralFormScreen #source-row > Label { width: 22; padding: 1 1 0 0; text-align: right; }
    ReferralFormScreen #f-source { width: 1fr; }
    ReferralFormScreen #err-source { color: $error; padding: 1 0 0 1; width: 1fr; }
    ReferralFormScreen #duplicates-box { display: none; height: auto; border: round $warning;
        padding: 0 1; }
    ReferralFormScreen.show-duplicates #duplicates-box { display: block; }
    ReferralFormScreen #duplicates { height: auto; max-height: 10; }
    ReferralFormScreen #referral-message { color: $error; height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save the request", show=True),
        Binding("escape", "cancel", "Cancel", show=True),
    ]

    def __init__(self, prefill_name: str = ""):
        super().__init__()
        parts = prefill_name.split()
        self.prefill = {"first_name": parts[0] if parts else "",
                        "last_name": " ".join(parts[1:]) if len(parts) > 1 else ""}
        self.form: dict[str, str] = {}
        self.matches = []

    def compose(self) -> ComposeResult:
        with Vertical(id="referral-box"):
            yield Label("New support request: the short form (the rest can wait)", id="referral-title")
            with VerticalScroll():
                for name, label, hint in TEXT_FIELDS:
                    yield FieldRow(name, label, self.prefill.get(name, ""), placeholder=hint)
                    if name == "district":
                        with Horizontal(id="source-row"):
                            yield Label("Who referred")
                            yield Select([(label, key) for key, label in referrals.SOURCES.items()],
                                         id="f-source", prompt="Choose who referred")
                            yield Label("", id="err-source", markup=False)
                with Vertical(id="duplicates-box"):
                    yield Label("Is this someone we already know? Same date of birth, similar name:")
                    yield OptionList(id="duplicates")
                yield Static("", id="referral-message", markup=False)
            yield Static("ctrl+s saves · Esc cancels · dates as DD/MM/YYYY", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#f-first_name", Input).focus()

    def _read_form(self) -> dict[str, str]:
        form = {name: self.query_one(f"#f-{name}", Input).value for name, _l, _h in TEXT_FIELDS}
        source = self.query_one("#f-source", Select).value
        form["source"] = "" if self.query_one("#f-source", Select).is_blank() else str(source)
        return form

    def _clear_errors(self) -> None:
        for row in self.query(FieldRow):
            row.show_error("")
        self.query_one("#err-source", Label).update("")
        self.query_one("#referral-message", Static).update("")

    def show_errors(self, error: BaseException) -> None:
        errors = field_errors(error)
        if not errors:
            self.query_one("#referral-message", Static).update(f"Could not save: {error}")
            return
        first = None
        for e in errors:
            if e.field == "source":
                self.query_one("#err-source", Label).update(e.message)
                first = first or self.query_one("#f-source")
            elif self.query(f"#row-{e.field}"):
                row = self.query_one(f"#row-{e.field}", FieldRow)
                row.show_error(e.message)
                first = first or row.input
            else:
                self.query_one("#referral-message", Static).update(e.message)
        if first is not None:
            first.focus()

    @on(Input.Submitted)
    def _next(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def action_save(self) -> None:
        self._clear_errors()
        self.form = self._read_form()
        self.run_db(check_and_match, self.form, self.app.today(), then=self._checked,
                    on_error=self.show_errors, what="check the request", group="referral", exclusive=True)

    def _checked(self, matches) -> None:
        if not matches:
            self._save(None)
            return
        self.matches = matches
        self.add_class("show-duplicates")
        dupes = self.query_one("#duplicates", OptionList)
        dupes.clear_options()
        for m in matches:
            dupes.add_option(Option(Content(
                f"Attach to {m.name} ({m.carer_ref}), born {m.date_of_birth:%d/%m/%Y}"
                f"{', ' + m.school if m.school else ''}  ({m.score:.0f}% alike)"), id=m.carer_id))
        dupes.add_option(Option("None of these: add a new young carer", id="__new__"))
        dupes.highlighted = 0
        dupes.focus()

    @on(OptionList.OptionSelected, "#duplicates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id
        self._save(None if choice == "__new__" else choice)

    def _save(self, attach_to: str | None) -> None:
        worker = self.app.worker_info
        self.run_db(save_request, self.form, self.app.today(), worker.id if worker else None, attach_to,
                    then=self._saved, on_error=self.show_errors, what="save the request",
                    group="referral", exclusive=True)

    def _saved(self, created: referrals.Created) -> None:
        self.app.notify("Support request saved" + ("" if created.new_person else
                                                   " and attached to the existing record") + ".")
        self.dismiss(created.carer_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
