"""Make or change a holiday activity. ctrl+s saves (Enter in the last field too); Escape closes.

What was typed stays on an error, and the message shows beside its field.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static, TextArea

from screens.common.base import DbModalScreen
from ycworker.bookings import activities
from ycworker.bookings.actions import open_activity, save_activity
from ycworker.common.errors import FieldError, FormErrors, field_errors

FIELDS = (
    # id, label, placeholder
    ("title", "Title", "e.g. Winter party"),
    ("days", "Days and times", "2026-12-21 10:00-14:00; 2026-12-22 10:00-14:00"),
    ("venue", "Venue", "e.g. Dover Youth Hub"),
    ("period", "Holiday period", "e.g. Christmas 2026"),
    ("capacity", "Places each day", "20"),
    ("ages", "Ages", "5-18"),
    ("impact", "Impact levels invited", "blank for anyone, or e.g. medium, high"),
    ("funding", "Funding", "e.g. HAF, council grant"),
    ("cost", "Cost to families", "0 for free, or e.g. 2.50"),
)


class ActivityFormScreen(DbModalScreen):
    DEFAULT_CSS = """
    ActivityFormScreen { align: center middle; }
    ActivityFormScreen #af-box { width: 96; height: 90%; border: round $primary; background: $surface;
                                 padding: 0 1; }
    ActivityFormScreen #af-heading { text-style: bold; color: $primary; padding: 0 0 1 0; }
    ActivityFormScreen .af-row { height: auto; }
    ActivityFormScreen .af-label { width: 24; padding: 1 1 0 0; text-align: right; }
    ActivityFormScreen .af-field { width: 1fr; height: auto; }
    ActivityFormScreen .af-field Input { width: 1fr; }
    ActivityFormScreen #af-notes { height: 5; }
    ActivityFormScreen .field-error { display: none; padding: 0 0 0 1; }
    ActivityFormScreen .field-error.shown { display: block; }
    ActivityFormScreen #af-status { height: auto; color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "close", "Close without saving"),
    ]

    def __init__(self, activity_id: str | None):
        super().__init__()
        self.activity_id = activity_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="af-box"):
            yield Static(
                "New holiday activity" if self.activity_id is None else "Edit activity", id="af-heading"
            )
            for fid, label, placeholder in FIELDS:
                with Horizontal(classes="af-row"):
                    yield Label(label, classes="af-label")
                    with Vertical(classes="af-field"):
                        yield Input(placeholder=placeholder, id=f"af-{fid}")
                        yield Static("", id=f"err-{fid}", classes="field-error")
            with Horizontal(classes="af-row"):
                yield Label("HAF", classes="af-label")
                with Vertical(classes="af-field"):
                    yield Checkbox("Holiday Activities and Food: FSM, Reception to Year 11", id="af-haf")
            with Horizontal(classes="af-row"):
                yield Label("Notes for staff", classes="af-label")
                with Vertical(classes="af-field"):
                    yield TextArea(id="af-notes")
                    yield Static("", id="err-notes", classes="field-error")
            yield Static(
                "ctrl+s saves · Escape closes without saving · Tab moves between fields", id="af-status"
            )

    def on_mount(self) -> None:
        self.query_one("#af-title", Input).focus()
        if self.activity_id is None:
            self.query_one("#af-capacity", Input).value = "20"
            self.query_one("#af-ages", Input).value = "5-18"
            self.query_one("#af-cost", Input).value = "0"
        else:
            self.run_db(open_activity, self.activity_id, then=self.fill, what="open the activity")

    def fill(self, detail: activities.ActivityDetail) -> None:
        d = detail.data
        values = {
            "title": d.title,
            "days": activities.format_days(d.days),
            "venue": d.venue,
            "period": d.holiday_period,
            "capacity": str(d.capacity),
            "ages": f"{d.min_age}-{d.max_age}",
            "impact": ", ".join(d.eligible_impact),
            "funding": d.funding,
            "cost": "0" if not d.cost_pence else f"{d.cost_pence / 100:.2f}",
        }
        for fid, value in values.items():
            self.query_one(f"#af-{fid}", Input).value = value
        self.query_one("#af-haf", Checkbox).value = d.haf
        self.query_one("#af-notes", TextArea).text = d.staff_notes
        self.district_id = d.district_id

    def value(self, fid: str) -> str:
        return self.query_one(f"#af-{fid}", Input).value

    def gather(self) -> activities.ActivityInput:
        errors: list[FieldError] = []

        def attempt(fn, *args, default=None):
            try:
                return fn(*args)
            except FieldError as e:
                errors.append(e)
                return default

        days = attempt(activities.parse_days, self.value("days"), default=[])
        cost = attempt(activities.parse_cost, self.value("cost"), default=0)
        impact = attempt(activities.parse_impact, self.value("impact"), default=())
        capacity = 0
        try:
            capacity = int(self.value("capacity").strip())
        except ValueError:
            errors.append(FieldError("capacity", "Places each day should be a whole number, e.g. 20."))
        min_age = max_age = -1
        ages = self.value("ages").replace(" ", "").replace("to", "-")
        try:
            low, high = ages.split("-")
            min_age, max_age = int(low), int(high)
        except ValueError:
            errors.append(FieldError("ages", "Write the ages as youngest-oldest, e.g. 5-18."))
        if errors:
            raise FormErrors(errors)
        data = activities.ActivityInput(
            title=self.value("title"),
            days=days,
            venue=self.value("venue"),
            holiday_period=self.value("period"),
            capacity=capacity,
            min_age=min_age,
            max_age=max_age,
            eligible_impact=impact,
            haf=self.query_one("#af-haf", Checkbox).value,
            funding=self.value("funding"),
            cost_pence=cost,
            staff_notes=self.query_one("#af-notes", TextArea).text,
            district_id=getattr(self, "district_id", None),
        )
        activities.validate(data)
        return data

    def show_errors(self, error: BaseException | None) -> None:
        """Each field's error beside it (none: clear them), the rest in the status line."""
        by_field = {e.field: e.message for e in field_errors(error)} if error is not None else {}
        for widget in self.query(".field-error").results(Static):
            fid = (widget.id or "").removeprefix("err-")
            message = by_field.get(fid, "")
            widget.update(message)
            widget.set_class(bool(message), "shown")
        first = next((fid for fid, *_ in FIELDS if fid in by_field), None)
        if first:
            self.query_one(f"#af-{first}", Input).focus()
        self.query_one("#af-status", Static).update(
            "Not saved: put right the fields marked above." if by_field else ""
        )

    def action_save(self) -> None:
        try:
            data = self.gather()
        except FormErrors as e:
            self.show_errors(e)
            return
        except FieldError as e:
            self.show_errors(e)
            return
        self.show_errors(None)
        self.query_one("#af-status", Static).update("Saving…")
        worker = self.ycapp.worker_info
        self.run_db(
            save_activity,
            self.activity_id,
            data,
            worker.id if worker else None,
            then=self.saved,
            on_error=self.failed,
            what="save the activity",
        )

    def saved(self, result) -> None:
        activity_id, offers = result
        for offer in offers:
            self.app.notify(offer.message(), title="Waiting list", timeout=8)
        self.app.notify("Activity saved.", timeout=3)
        self.dismiss(activity_id)

    def failed(self, error: BaseException) -> None:
        if isinstance(error, (FormErrors, FieldError)):
            self.show_errors(error)
        else:
            from screens.common.base import plain_error

            self.query_one("#af-status", Static).update(plain_error(error, "save the activity"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"af-{FIELDS[-1][0]}":
            self.action_save()
        else:
            self.focus_next()

    def action_close(self) -> None:
        self.dismiss(None)
