"""One activity's bookings and its invitation list.

Two tabs. ``1`` Bookings: booked, offered, waiting (in order) and cancelled children; Enter opens a
booking's details, ``x`` cancels it (with a reason; a freed place is offered at once). ``2`` Invite:
open young carers who meet the activity's rule, by name, 50 at a time (``]`` / ``[`` page);
``/`` types a name, ``f`` FSM only, ``n`` SEND only, ``g`` everyone open (not just eligible),
``k`` shows children already booked; Enter books the highlighted child.
Anywhere: ``w`` waiting list and offers, ``d`` day sheet, ``t`` attendance, ``f2`` edit activity.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static, TabbedContent, TabPane

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.bookings import activities, bookings
from ycworker.bookings.actions import load_bookings, load_invites

STATUS_TEXT = {"booked": "Booked", "offered": "Offered", "waiting": "Waiting", "cancelled": "Cancelled"}
STATUS_STYLE = {"booked": "success", "offered": "warning", "waiting": "accent", "cancelled": "text-muted"}


def days_text(days) -> str:
    return ", ".join(f"{d:%a %d}" for d in days)


def yes(flag: bool) -> str:
    return "yes" if flag else ""


class BookingTable(DataTable):
    BINDINGS = [Binding("enter", "screen.open", "Open", show=False)]


class InviteTable(DataTable):
    BINDINGS = [Binding("enter", "screen.open", "Book", show=False)]


class BookingsScreen(AreaScreen):
    HELP_TITLE = "Activity bookings"
    DEFAULT_CSS = """
    BookingsScreen #bk-head { padding: 0 1; background: $boost; height: auto; }
    BookingsScreen #bk-days { padding: 0 1; height: auto; color: $text-muted; }
    BookingsScreen TabbedContent { height: 1fr; }
    BookingsScreen TabPane { padding: 0; }
    BookingsScreen DataTable { height: 1fr; }
    BookingsScreen #inv-text { margin: 0 1; border: tall $panel; height: 3; }
    BookingsScreen #inv-text:focus { border: tall $accent; }
    BookingsScreen #inv-filters, BookingsScreen #bk-count { padding: 0 1; height: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open / book"),
        Binding("1", "tab('bookings')", "Bookings"),
        Binding("2", "tab('invite')", "Invite list"),
        Binding("x", "cancel_booking", "Cancel booking"),
        Binding("w", "waiting", "Waiting list"),
        Binding("d", "day_sheet", "Day sheet"),
        Binding("t", "attendance", "Attendance"),
        Binding("f2", "edit", "Edit activity"),
        Binding("slash", "search", "Find a name", key_display="/"),
        Binding("f", "invite_filter('fsm_only')", "FSM only"),
        Binding("n", "invite_filter('send_only')", "SEND only"),
        Binding("g", "invite_filter('eligible_only')", "Eligible/everyone"),
        Binding("k", "invite_filter('include_booked')", "Show booked"),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]"),
        Binding("left_square_bracket", "page(-1)", "Previous page", key_display="["),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, activity_id: str):
        super().__init__()
        self.activity_id = activity_id
        self.detail: activities.ActivityDetail | None = None
        self.rows: list[bookings.BookingRow] = []
        self.invites: list[activities.InviteRow] = []
        self.invite_filter = activities.InviteFilter()
        self.page_offset = 0
        self.has_more = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening…", id="bk-head")
        yield Static("", id="bk-days")
        with TabbedContent(initial="bookings"):
            with TabPane("Bookings [1]", id="bookings"):
                yield Static("", id="bk-count")
                table = BookingTable(id="bk-table", cursor_type="row", zebra_stripes=True)
                for label, width in (
                    ("Name", 24),
                    ("Ref", 10),
                    ("Status", 26),
                    ("Days", 22),
                    ("FSM", 4),
                    ("SEND", 5),
                    ("Needs", 6),
                ):
                    table.add_column(label, width=width)
                yield table
            with TabPane("Invite [2]", id="invite"):
                yield Input(
                    placeholder="/ to find a name or reference; Enter or ↓ back to the list", id="inv-text"
                )
                yield Static("", id="inv-filters")
                invites = InviteTable(id="inv-table", cursor_type="row", zebra_stripes=True)
                for label, width in (
                    ("Name", 24),
                    ("Ref", 10),
                    ("Age", 4),
                    ("School year", 12),
                    ("Impact", 7),
                    ("FSM", 4),
                    ("SEND", 5),
                    ("District", 16),
                    ("Booking", 9),
                ):
                    invites.add_column(label, width=width)
                yield invites
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(BookingTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.action_refresh()

    # -- loading --------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.run_db(
            load_bookings, self.activity_id, then=self.show, what="load the bookings", group="bk-load",
            exclusive=True,
        )
        self.load_invites()

    def load_invites(self) -> None:
        self.run_db(
            load_invites,
            self.activity_id,
            self.invite_filter,
            self.ycapp.today(),
            self.page_offset,
            then=self.show_invites,
            what="load the invitation list",
            group="bk-invite",
            exclusive=True,
        )

    def show(self, result) -> None:
        detail, rows, more = result
        self.detail = detail
        self.rows = rows
        d = detail.data
        self.query_one("#bk-head", Static).update(
            f"[b]{d.title}[/b] · {d.venue or 'venue to be confirmed'} · {d.capacity} places a day · "
            f"{detail.eligibility_text()} · {activities.format_cost(d.cost_pence)}"
            + (f" · funding: {d.funding}" if d.funding else "")
        )
        self.query_one("#bk-days", Static).update(
            "  ".join(
                f"{day.label()}: {day.taken}/{d.capacity}" + (" FULL" if day.taken >= d.capacity else "")
                for day in detail.days
            )
            or "No days yet: press f2 to add them."
        )
        table = self.query_one(BookingTable)
        keep = self.current_booking()
        table.clear()
        rank = 0
        for r in rows:
            status = Text(
                STATUS_TEXT.get(r.status, r.status), style=self.style(STATUS_STYLE.get(r.status, ""))
            )
            if r.status == "waiting":
                rank += 1
                status.append(f" #{rank}")
            elif r.status == "cancelled" and r.cancel_reason:
                status.append(f": {r.cancel_reason}")
            table.add_row(
                r.name,
                r.carer_ref,
                status,
                days_text(r.days),
                yes(r.fsm),
                yes(r.send),
                "yes" if r.needs else "",
                key=r.booking_id,
            )
        ids = [r.booking_id for r in rows]
        if keep and keep.booking_id in ids:
            table.move_cursor(row=ids.index(keep.booking_id))
        counts = {s: sum(1 for r in rows if r.status == s) for s in STATUS_TEXT}
        self.query_one("#bk-count", Static).update(
            f"{counts['booked']} booked · {counts['offered']} offered · {counts['waiting']} waiting · "
            f"{counts['cancelled']} cancelled" + (" · showing the first 500" if more else "")
        )

    def show_invites(self, page: activities.InvitePage) -> None:
        self.invites = page.rows
        self.has_more = page.has_more
        table = self.query_one(InviteTable)
        table.clear()
        for r in page.rows:
            table.add_row(
                r.name,
                r.carer_ref,
                str(r.age),
                r.school_year,
                r.impact_level,
                yes(r.fsm),
                yes(r.send),
                r.district,
                STATUS_TEXT.get(r.booking_status, ""),
                key=r.carer_id,
            )
        f = self.invite_filter
        parts = ["eligible only" if f.eligible_only else "everyone open"]
        parts += [
            label
            for on, label in (
                (f.fsm_only, "FSM only"),
                (f.send_only, "SEND only"),
                (f.include_booked, "booked shown"),
            )
            if on
        ]
        if f.text.strip():
            parts.append(f"name '{f.text.strip()}'")
        if page.capped:
            parts.append("many match: type more of the name")
        first = page.offset + 1 if page.rows else 0
        pages = " · ] next page" if page.has_more else ""
        pages += " · [ previous page" if page.offset else ""
        self.query_one("#inv-filters", Static).update(
            f"Showing {first}-{page.offset + len(page.rows)} · {' · '.join(parts)} · "
            f"f FSM · n SEND · g eligible/everyone · k booked{pages}"
        )

    def style(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    # -- what is highlighted --------------------------------------------------------------------

    def tab(self) -> str:
        return self.query_one(TabbedContent).active

    def current_booking(self) -> bookings.BookingRow | None:
        table = self.query_one(BookingTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def current_invite(self) -> activities.InviteRow | None:
        table = self.query_one(InviteTable)
        if not self.invites or table.cursor_row is None or table.cursor_row >= len(self.invites):
            return None
        return self.invites[table.cursor_row]

    # -- actions --------------------------------------------------------------------------------

    def action_tab(self, which: str) -> None:
        self.query_one(TabbedContent).active = which
        (self.query_one(BookingTable) if which == "bookings" else self.query_one(InviteTable)).focus()

    @on(TabbedContent.TabActivated)
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        invite_only = {"invite_filter", "page", "search"}
        if action in invite_only and self.is_mounted and self.tab() != "invite":
            return None if action != "search" else True
        if action == "cancel_booking" and self.is_mounted and self.tab() != "bookings":
            return None
        return True

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        if self.detail is None:
            return
        from screens.bookings.booking_form import BookingFormScreen

        if self.tab() == "invite":
            row = self.current_invite()
            if row is None:
                return
            if row.booking_status:
                self.notify(
                    f"{row.name} is already {STATUS_TEXT[row.booking_status].lower()} on this activity."
                )
                return
            screen = BookingFormScreen(
                self.detail, carer_id=row.carer_id, name=row.name, today=self.ycapp.today()
            )
        else:
            booking = self.current_booking()
            if booking is None:
                return
            screen = BookingFormScreen(
                self.detail, booking_id=booking.booking_id, name=booking.name, today=self.ycapp.today()
            )
        self.app.push_screen(screen, self.after_form)

    def after_form(self, result) -> None:
        if result is None:
            return
        if isinstance(result, bookings.BookResult):
            self.notify(
                result.message,
                severity="warning" if result.status == "waiting" else "information",
                timeout=10,
            )
        self.action_refresh()

    def action_cancel_booking(self) -> None:
        row = self.current_booking()
        if row is None or row.status == "cancelled":
            return
        from screens.bookings.booking_form import CancelBookingScreen

        title = self.detail.data.title if self.detail else ""
        what = f"{title} ({days_text(row.days)})" if row.days else title
        self.app.push_screen(CancelBookingScreen(row.booking_id, row.name, row.carer_ref, what),
                             self.after_cancel)

    def after_cancel(self, offers) -> None:
        if offers is None:
            return
        for offer in offers:
            self.notify(offer.message() + " Press w to record the answer.", title="Waiting list", timeout=12)
        self.action_refresh()

    def action_waiting(self) -> None:
        from screens.bookings.waiting_list import WaitingListScreen

        self.app.push_screen(WaitingListScreen(self.activity_id))

    def pick_day(self, then) -> None:
        if self.detail is None or not self.detail.days:
            self.notify("This activity has no days yet.")
            return
        from screens.bookings.booking_form import DayPickScreen, default_day

        days = self.detail.days
        if len(days) == 1:
            then(days[0].id)
            return
        self.app.push_screen(
            DayPickScreen(days, default_day(days, self.ycapp.today())), lambda day_id: day_id and then(day_id)
        )

    def action_day_sheet(self) -> None:
        from screens.bookings.day_sheet import DaySheetScreen

        self.pick_day(lambda day_id: self.app.push_screen(DaySheetScreen(day_id)))

    def action_attendance(self) -> None:
        from screens.bookings.attendance import AttendanceScreen

        self.pick_day(lambda day_id: self.app.push_screen(AttendanceScreen(day_id)))

    def action_edit(self) -> None:
        from screens.bookings.activity_form import ActivityFormScreen

        def after(saved: bool | None) -> None:
            if saved:
                self.action_refresh()

        self.app.push_screen(ActivityFormScreen(self.activity_id), after)

    def action_search(self) -> None:
        self.action_tab("invite")
        self.query_one("#inv-text", Input).focus()

    @on(Input.Changed, "#inv-text")
    def text_changed(self, event: Input.Changed) -> None:
        self.invite_filter = replace(self.invite_filter, text=event.value)
        self.page_offset = 0
        self.load_invites()

    @on(Input.Submitted, "#inv-text")
    def text_done(self, event: Input.Submitted) -> None:
        self.query_one(InviteTable).focus()

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.query_one(InviteTable).focus()

    def action_invite_filter(self, name: str) -> None:
        flipped: dict[str, Any] = {name: not getattr(self.invite_filter, name)}
        self.invite_filter = replace(self.invite_filter, **flipped)
        self.page_offset = 0
        self.load_invites()

    def action_page(self, step: int) -> None:
        if step > 0 and not self.has_more:
            return
        self.page_offset = max(0, self.page_offset + step * activities.PAGE)
        self.load_invites()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(InviteTable).focus()
            return
        self.app.pop_screen()
