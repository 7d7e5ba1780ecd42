"""Pop-ups of the registers area: a club, a one-off session, cancelling a session, adding members.

Every form keeps what was typed when something is wrong and shows the message under the field.
Enter in the last field (or ctrl+s anywhere) saves; Escape closes without saving.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.common.base import DbModalScreen, plain_error
from ycworker.common.errors import FieldError, field_errors
from ycworker.registers import clubs
from ycworker.registers.actions import (
    add_member,
    add_one_off,
    cancel_session,
    find_carers,
    load_club_form,
    save_club,
)

FORM_CSS = """
{cls} {{ align: center middle; }}
{cls} > .form-box {{ width: 84; height: auto; max-height: 95%; border: thick $primary;
                     background: $panel; padding: 0 2; }}
{cls} .form-title {{ text-style: bold; margin: 1 0; }}
{cls} .field-label {{ margin-top: 1; }}
{cls} .field-error {{ color: $error; height: auto; }}
{cls} .form-hint {{ color: $text-muted; margin: 1 0; }}
{cls} .pair {{ height: auto; }}
{cls} .pair > Vertical {{ width: 1fr; height: auto; margin-right: 1; }}
{cls} OptionList {{ height: auto; max-height: 12; }}
"""


class FormScreen(DbModalScreen):
    """Shared: field errors beside fields, Escape cancels, ctrl+s saves."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]
    FIELDS: tuple[str, ...] = ()

    def field(self, name: str, label: str, widget) -> ComposeResult:
        with Vertical():
            yield Label(label, classes="field-label")
            yield widget
            yield Static("", id=f"{name}-error", classes="field-error")

    def clear_errors(self) -> None:
        for f in self.FIELDS:
            self.query_one(f"#{f}-error", Static).update("")

    def show_errors(self, error: BaseException) -> None:
        errors = field_errors(error)
        first = None
        for e in errors:
            if e.field in self.FIELDS:
                self.query_one(f"#{e.field}-error", Static).update(e.message)
                first = first or e.field
        if first:
            self.query_one(f"#{first}").focus()
        else:
            self.notify(plain_error(error, "save"), severity="error", timeout=10)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


REPEATS = [
    ("Every week", "weekly"),
    ("Every other week (fortnightly)", "fortnightly"),
    ("Monthly: first weekday", "monthly:1"),
    ("Monthly: second weekday", "monthly:2"),
    ("Monthly: third weekday", "monthly:3"),
    ("Monthly: fourth weekday", "monthly:4"),
    ("Monthly: last weekday", "monthly:-1"),
    ("Monthly: on a date", "monthly:date"),
]


class ClubFormScreen(FormScreen):
    """A new club, or changes to one (its future unmarked sessions follow a new day)."""

    DEFAULT_CSS = FORM_CSS.format(cls="ClubFormScreen")
    FIELDS = ("name", "district_id", "venue", "min_age", "max_age", "frequency", "weekday", "pattern",
              "month_day", "start_time", "end_time", "first_date", "last_date")

    def __init__(self, club_id: str | None = None):
        super().__init__()
        self.club_id = club_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form-box"):
            yield Label("Change club" if self.club_id else "New club", classes="form-title")
            yield from self.field("name", "Name", Input(id="name", placeholder="e.g. Dover Chill Club"))
            with Horizontal(classes="pair"):
                yield from self.field("district_id", "District",
                                      Select([], id="district_id", prompt="(none)"))
                yield from self.field("venue", "Venue", Input(id="venue"))
            with Horizontal(classes="pair"):
                yield from self.field("min_age", "Youngest age", Input("8", id="min_age"))
                yield from self.field("max_age", "Oldest age", Input("12", id="max_age"))
            with Horizontal(classes="pair"):
                yield from self.field("frequency", "Repeats",
                                      Select(REPEATS, id="frequency", value="weekly", allow_blank=False))
                yield from self.field("weekday", "Day", Select(
                    [(d, i) for i, d in enumerate(clubs.WEEKDAY_NAMES)], id="weekday", value=0,
                    allow_blank=False))
            yield Static("", id="pattern-error", classes="field-error")
            with Horizontal(classes="pair"):
                yield from self.field("month_day", "Date in the month (monthly on a date: 1-31)",
                                      Input(id="month_day"))
            with Horizontal(classes="pair"):
                yield from self.field("start_time", "Starts (16:30)", Input(id="start_time"))
                yield from self.field("end_time", "Ends (18:00)", Input(id="end_time"))
            with Horizontal(classes="pair"):
                yield from self.field("first_date", "First date (blank: today)", Input(id="first_date"))
                yield from self.field("last_date", "Last date (blank: ongoing)", Input(id="last_date"))
            yield Static("Enter or ctrl+s saves · Escape cancels", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.run_db(load_club_form, self.club_id, then=self.fill, what="open the club")

    def fill(self, loaded) -> None:
        form, districts = loaded
        self.query_one("#district_id", Select).set_options(districts)
        if form is None:
            return
        for name in ("name", "venue", "min_age", "max_age", "month_day", "start_time", "end_time",
                     "first_date", "last_date"):
            self.query_one(f"#{name}", Input).value = getattr(form, name)
        if form.district_id:
            self.query_one("#district_id", Select).value = form.district_id
        if form.frequency == "monthly":
            repeat = "monthly:date" if form.month_day else f"monthly:{form.nth_weekday or 1}"
        else:
            repeat = form.frequency
        self.query_one("#frequency", Select).value = repeat
        self.query_one("#weekday", Select).value = form.weekday

    def action_save(self) -> None:
        self.clear_errors()
        text = {n: self.query_one(f"#{n}", Input).value for n in (
            "name", "venue", "min_age", "max_age", "month_day", "start_time", "end_time", "first_date",
            "last_date")}
        repeat = self.query_one("#frequency", Select).value
        district = self.query_one("#district_id", Select).value
        weekday = self.query_one("#weekday", Select).value
        assert isinstance(weekday, int)  # allow_blank=False: a day is always chosen
        frequency, _, which = str(repeat).partition(":")
        form = clubs.ClubForm(
            name=text["name"], district_id=district if isinstance(district, str) else None,
            venue=text["venue"], min_age=text["min_age"], max_age=text["max_age"], frequency=frequency,
            weekday=weekday,
            nth_weekday=int(which) if which and which != "date" else None,
            month_day=text["month_day"] if which == "date" else "",
            start_time=text["start_time"], end_time=text["end_time"], first_date=text["first_date"],
            last_date=text["last_date"],
        )
        if which == "date" and not text["month_day"].strip():
            self.show_errors(FieldError("month_day", "Give the date in the month, 1 to 31."))
            return
        worker = self.ycapp.worker_info
        self.run_db(save_club, form, worker.id if worker else None, self.ycapp.today(), self.club_id,
                    then=self.dismiss, on_error=self.show_errors, what="save the club")


class OneOffForm(FormScreen):
    DEFAULT_CSS = FORM_CSS.format(cls="OneOffForm")
    FIELDS = ("date", "start_time", "end_time")

    def __init__(self, club_id: str, club_name: str):
        super().__init__()
        self.club_id, self.club_name = club_id, club_name

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-box"):
            yield Label(f"One-off session of {self.club_name}", classes="form-title")
            yield from self.field("date", "Date (24/11/2026)", Input(id="date"))
            with Horizontal(classes="pair"):
                yield from self.field("start_time", "Starts (blank: the club's time)", Input(id="start_time"))
                yield from self.field("end_time", "Ends", Input(id="end_time"))
            yield Static("Enter saves · Escape cancels", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    def action_save(self) -> None:
        self.clear_errors()
        worker = self.ycapp.worker_info
        self.run_db(add_one_off, self.club_id, *(self.query_one(f"#{f}", Input).value for f in self.FIELDS),
                    worker.id if worker else None, then=self.dismiss, on_error=self.show_errors,
                    what="add the session")


class CancelForm(FormScreen):
    """Cancel a session with a reason: nobody is marked absent for it."""

    DEFAULT_CSS = FORM_CSS.format(cls="CancelForm")
    FIELDS = ("reason",)

    def __init__(self, session_id: str, what: str):
        super().__init__()
        self.session_id, self.what = session_id, what

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-box"):
            yield Label(f"Cancel {self.what}", classes="form-title")
            yield from self.field("reason", "Why? (the members are not marked absent)",
                                  Input(id="reason", placeholder="e.g. venue closed for the bank holiday",
                                        max_length=200))
            yield Static("Enter cancels the session · Escape keeps it", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def action_save(self) -> None:
        self.clear_errors()
        worker = self.ycapp.worker_info
        self.run_db(cancel_session, self.session_id, self.query_one("#reason", Input).value,
                    worker.id if worker else None, then=self.dismiss, on_error=self.show_errors,
                    what="cancel the session")


class MemberPicker(DbModalScreen):
    """Find young carers by name or reference and add them to the club, one after another."""

    DEFAULT_CSS = FORM_CSS.format(cls="MemberPicker")
    BINDINGS = [Binding("escape", "close", "Done"), Binding("down", "to_results", "Results", show=False)]

    def __init__(self, club_id: str, club_name: str):
        super().__init__()
        self.club_id, self.club_name = club_id, club_name
        self.added = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="form-box"):
            yield Label(f"Add members to {self.club_name}", classes="form-title")
            yield Input(id="search", placeholder="Name or YC- reference")
            yield OptionList(id="results")
            yield Static("Type to search · ↓ to the results · Enter adds · Escape when done",
                         id="picker-status", classes="form-hint")

    def on_mount(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def search(self, event: Input.Changed) -> None:
        self.run_db(find_carers, event.value, then=self.show_results, what="search", group="member-search",
                    exclusive=True)

    @on(Input.Submitted, "#search")
    def to_results_on_enter(self, _event: Input.Submitted) -> None:
        self.action_to_results()

    def show_results(self, found) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        results.add_options(Option(label, id=cid) for label, cid in found)
        if found:
            results.highlighted = 0

    def action_to_results(self) -> None:
        results = self.query_one("#results", OptionList)
        if results.option_count:
            results.focus()

    @on(OptionList.OptionSelected, "#results")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        worker = self.ycapp.worker_info
        label = str(event.option.prompt).split(" (")[0]
        self.run_db(add_member, self.club_id, event.option.id, self.ycapp.today(),
                    worker.id if worker else None, then=lambda added: self.was_added(label, added),
                    what="add the member")

    def was_added(self, label: str, added: clubs.Added) -> None:
        status = self.query_one("#picker-status", Static)
        if added.already:
            status.update(f"{label} is already a member.")
            return
        self.added += 1
        status.update(f"Added {label}. Type another name, or Escape when done.")
        if added.warning:
            self.notify(added.warning, severity="warning", timeout=8)
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

    def action_close(self) -> None:
        self.dismiss(self.added)
