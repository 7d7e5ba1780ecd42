"""Booking a child (days, needs, consent, contacts, collection, transport), cancelling a booking
with a reason, and choosing a day. ctrl+s saves a booking; Escape closes without saving.

A new booking starts from the needs and contacts given at the child's last booking (if any), so
the worker only checks them with the family rather than typing them again; a field the worker has
already typed in is never overwritten by them.

The form opens with the cursor in the first text field (Allergies): typing goes there and Enter
moves on one field at a time. The Days above it are all ticked and are reached with shift+tab.
A blank need is stored blank and means "not asked" (the day sheet says so); "none" is typed.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.common.base import DbModalScreen, plain_error
from ycworker.bookings import activities, bookings
from ycworker.bookings.actions import (
    book_place,
    cancel_booking,
    open_booking,
    previous_details,
    save_booking_details,
)
from ycworker.common.errors import FieldError, FormErrors, field_errors

TEXT_FIELDS = (
    ("allergies", "Allergies", "e.g. peanuts (anaphylaxis), or none; blank: not asked yet"),
    ("medical", "Medical needs", "e.g. asthma, or none; blank: not asked yet"),
    ("medication", "Medication", "what, when, who holds it, or none; blank: not asked yet"),
    ("dietary", "Dietary needs", "e.g. vegetarian, halal, or none; blank: not asked yet"),
    ("emergency_contact", "Emergency contact", "name, relationship and phone"),
    ("collection", "Collection", "who collects, and when"),
)
PHOTO = ((None, "Not asked yet"), (True, "Yes, photos allowed"), (False, "No photos"))


def default_day(days: list[activities.DayInfo], today: date) -> str:
    """Today's day if the activity runs today, else the next one, else the last."""
    for d in days:
        if d.day_date >= today:
            return d.id
    return days[-1].id


class BookingFormScreen(DbModalScreen):
    DEFAULT_CSS = """
    BookingFormScreen { align: center middle; }
    BookingFormScreen #bf-box { width: 100; height: 92%; border: round $primary; background: $surface;
                                padding: 0 1; }
    BookingFormScreen #bf-heading { text-style: bold; color: $primary; }
    BookingFormScreen #bf-sub { color: $text-muted; padding: 0 0 1 0; }
    BookingFormScreen .bf-row { height: auto; }
    BookingFormScreen .bf-label { width: 20; padding: 1 1 0 0; text-align: right; }
    BookingFormScreen .bf-field { width: 1fr; height: auto; }
    BookingFormScreen #bf-days Checkbox { width: auto; }
    BookingFormScreen .field-error { display: none; padding: 0 0 0 1; }
    BookingFormScreen .field-error.shown { display: block; }
    BookingFormScreen #bf-status { height: auto; color: $text-muted; padding: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save booking"),
        Binding("escape", "close", "Close without saving"),
    ]

    def __init__(
        self,
        activity: activities.ActivityDetail,
        *,
        today: date,
        name: str,
        carer_id: str | None = None,
        booking_id: str | None = None,
    ):
        super().__init__()
        self.activity = activity
        self.today = today
        self.child_name = name
        self.carer_id = carer_id
        self.booking_id = booking_id

    def compose(self) -> ComposeResult:
        cap = self.activity.data.capacity
        new = self.booking_id is None
        with VerticalScroll(id="bf-box"):
            yield Static(
                f"{'Book' if new else 'Booking for'} {self.child_name}: {self.activity.title}",
                id="bf-heading",
            )
            yield Static(
                "Days are fixed once booked: cancel and book again to change them."
                if not new
                else "Untick days the child will not come. A full day puts the booking on the waiting list.",
                id="bf-sub",
            )
            with Horizontal(classes="bf-row"):
                yield Label("Days", classes="bf-label")
                with Vertical(classes="bf-field", id="bf-days"):
                    for d in self.activity.days:
                        full = " (full: waiting list)" if d.taken >= cap and new else ""
                        past = d.day_date < self.today
                        yield Checkbox(
                            f"{d.label()} · {d.taken}/{cap}{full}",
                            value=not past and new,
                            id=f"day-{d.id}",
                            disabled=past or not new,
                        )
                    yield Static("", id="err-days", classes="field-error")
            for fid, label, placeholder in TEXT_FIELDS:
                with Horizontal(classes="bf-row"):
                    yield Label(label, classes="bf-label")
                    with Vertical(classes="bf-field"):
                        yield Input(placeholder=placeholder, id=f"bf-{fid}")
                        yield Static("", id=f"err-{fid}", classes="field-error")
            with Horizontal(classes="bf-row"):
                yield Label("Photo consent", classes="bf-label")
                with Vertical(classes="bf-field"):
                    yield Select(
                        [(label, str(value)) for value, label in PHOTO],
                        value="None",
                        allow_blank=False,
                        id="bf-photo",
                    )
            with Horizontal(classes="bf-row"):
                yield Label("Transport", classes="bf-label")
                with Vertical(classes="bf-field"):
                    yield Select(
                        [(bookings.TRANSPORT_LABELS[t], t) for t in bookings.TRANSPORT],
                        value="none",
                        allow_blank=False,
                        id="bf-transport",
                    )
                    yield Static("", id="err-transport", classes="field-error")
            if new:
                with Horizontal(classes="bf-row"):
                    yield Label("", classes="bf-label")
                    with Vertical(classes="bf-field"):
                        yield Checkbox("Book anyway, even if not eligible", id="bf-override")
                        yield Static("", id="err-eligibility", classes="field-error")
            yield Static(
                "ctrl+s saves · Escape closes without saving · Tab moves between fields", id="bf-status"
            )

    def on_mount(self) -> None:
        worker = self.ycapp.worker_info
        if self.booking_id:
            self.run_db(
                open_booking,
                self.booking_id,
                worker.id if worker else None,
                then=self.fill_existing,
                what="open the booking",
            )
        else:
            self.run_db(
                previous_details, self.carer_id, then=self.fill_previous, what="look up earlier bookings"
            )
        # The first text field, never the Days: typed text would be dropped and spaces tick days.
        self.query_one("#bf-allergies", Input).focus()

    def fill(self, details: bookings.BookingDetails) -> None:
        """Put the stored details in the fields; a field the worker has typed in already keeps
        what they typed (the details arrive from a thread while they may be typing)."""
        for fid, *_ in TEXT_FIELDS:
            field = self.query_one(f"#bf-{fid}", Input)
            if not field.value:
                field.value = getattr(details, fid)
        self.query_one("#bf-photo", Select).value = str(details.photo_consent)
        self.query_one("#bf-transport", Select).value = details.transport

    def fill_existing(self, detail: bookings.BookingDetail) -> None:
        self.fill(detail.details)
        for d in self.activity.days:
            self.query_one(f"#day-{d.id}", Checkbox).value = d.id in detail.day_ids

    def fill_previous(self, details: bookings.BookingDetails | None) -> None:
        if details is None:
            return
        self.fill(details)
        self.query_one("#bf-status", Static).update(
            "Needs and contacts are copied from this child's last booking: check them with the family. "
            "ctrl+s saves."
        )

    def gather(self) -> tuple[list[str], bookings.BookingDetails]:
        days = [d.id for d in self.activity.days if self.query_one(f"#day-{d.id}", Checkbox).value]
        photo = {"None": None, "True": True, "False": False}[str(self.query_one("#bf-photo", Select).value)]
        details = bookings.BookingDetails(
            photo_consent=photo,
            transport=str(self.query_one("#bf-transport", Select).value),
            **{fid: self.query_one(f"#bf-{fid}", Input).value.strip() for fid, *_ in TEXT_FIELDS},
        )
        details.validate()
        if self.booking_id is None and not days:
            raise FieldError("days", "Choose at least one day.")
        return days, details

    def show_errors(self, error: BaseException | None) -> None:
        """Each field's error beside it (none: clear them), the rest in the status line."""
        by_field = {e.field: e.message for e in field_errors(error)} if error is not None else {}
        for widget in self.query(".field-error").results(Static):
            message = by_field.get((widget.id or "").removeprefix("err-"), "")
            widget.update(message)
            widget.set_class(bool(message), "shown")
        other = [m for f, m in by_field.items() if not self.query(f"#err-{f}")]
        self.query_one("#bf-status", Static).update(
            " ".join(other) or ("Not saved: put right the fields marked above." if by_field else "")
        )

    def action_save(self) -> None:
        try:
            days, details = self.gather()
        except FieldError as e:
            self.show_errors(e)
            return
        self.show_errors(None)
        self.query_one("#bf-status", Static).update("Saving…")
        worker = self.ycapp.worker_info
        worker_id = worker.id if worker else None
        if self.booking_id:
            self.run_db(
                save_booking_details,
                self.booking_id,
                details,
                worker_id,
                then=self.dismiss,
                on_error=self.failed,
                what="save the booking",
            )
        else:
            override = self.query_one("#bf-override", Checkbox).value
            self.run_db(
                book_place,
                self.activity.id,
                self.carer_id,
                days,
                details,
                worker_id,
                self.today,
                override,
                then=self.dismiss,
                on_error=self.failed,
                what="book the place",
            )

    def failed(self, error: BaseException) -> None:
        if isinstance(error, (FormErrors, FieldError)):
            self.show_errors(error)
        else:
            self.query_one("#bf-status", Static).update(plain_error(error, "save the booking"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_close(self) -> None:
        self.dismiss(None)


class CancelBookingScreen(DbModalScreen):
    """Asks for the reason; Enter cancels the booking, Escape leaves it as it is."""

    DEFAULT_CSS = """
    CancelBookingScreen { align: center middle; }
    CancelBookingScreen #cb-box { width: 80; height: auto; border: round $warning; background: $surface;
                                  padding: 1 2; }
    CancelBookingScreen #cb-error { color: $error; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Keep the booking"),
    ]

    def __init__(self, booking_id: str, name: str, carer_ref: str = "", what: str = ""):
        super().__init__()
        self.booking_id = booking_id
        self.child_name = name
        self.carer_ref = carer_ref
        self.what = what  # the activity and days, e.g. "Beach day (Mon 21, Tue 22)"

    def question(self) -> str:
        """Which booking, without doubt: two children of one name are told apart by their ref."""
        who = f"{self.child_name} ({self.carer_ref})" if self.carer_ref else self.child_name
        on = f" for {self.what}" if self.what else ""
        return f"Cancel the booking of {who}{on}? A freed place is offered to the waiting list at once."

    def compose(self) -> ComposeResult:
        with Vertical(id="cb-box"):
            yield Static(self.question(), markup=False)
            yield Input(placeholder="Reason, e.g. family away, child unwell; Enter to cancel", id="cb-reason")
            yield Static("", id="cb-error")
            yield Static("Enter cancels the booking · Escape keeps it", classes="muted")

    def on_mount(self) -> None:
        self.query_one("#cb-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        worker = self.ycapp.worker_info
        self.run_db(
            cancel_booking,
            self.booking_id,
            event.value,
            worker.id if worker else None,
            then=self.dismiss,
            on_error=self.failed,
            what="cancel the booking",
        )

    def failed(self, error: BaseException) -> None:
        self.query_one("#cb-error", Static).update(
            error.message if isinstance(error, FieldError) else plain_error(error, "cancel the booking")
        )

    def action_close(self) -> None:
        self.dismiss(None)


class DayPickScreen(DbModalScreen):
    """Which day? Enter chooses, Escape goes back."""

    DEFAULT_CSS = """
    DayPickScreen { align: center middle; }
    DayPickScreen #dp-box { width: 50; height: auto; max-height: 80%; border: round $primary;
                            background: $surface; padding: 0 1; }
    DayPickScreen OptionList { height: auto; max-height: 20; border: none; }
    """
    BINDINGS = [Binding("escape", "close", "Back")]

    def __init__(self, days: list[activities.DayInfo], selected: str | None = None):
        super().__init__()
        self.days = days
        self.selected = selected

    def compose(self) -> ComposeResult:
        with Vertical(id="dp-box"):
            yield Static("Which day?", classes="section-title")
            yield OptionList(*(Option(f"{d.label()} · {d.taken} booked", id=d.id) for d in self.days))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        ids = [d.id for d in self.days]
        if self.selected in ids:
            options.highlighted = ids.index(self.selected)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
