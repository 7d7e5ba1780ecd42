"""The waiting list of one activity, in order, and every offer made from it.

A child who has been offered a freed place shows as "Offered" at the top; ``y`` records that the
family accepted (the child is booked), ``n`` that they declined (the booking is cancelled and the
place goes to the next child who fits). ``o`` offers any free places now (after a capacity
change), ``x`` takes the highlighted child off the list with a reason.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.bookings import bookings
from ycworker.bookings.actions import load_waiting_list, offer_free_places, respond_to_offer

RESPONSE_STYLE = {"accepted": "success", "declined": "error", "pending": "warning"}


def withdraw_offer_notices(app, name: str) -> None:
    """Take down the toasts that said a place is offered to ``name`` (and to press w): once the
    offer is answered they are stale. Toasts carry no key, so they are told apart by their text,
    which is made by Offer.message()."""
    start = f"A place is offered to {name} ("
    for notification in list(app._notifications):  # Textual keeps no public handle on a toast
        if notification.message.startswith(start):
            app._unnotify(notification)


def when(moment) -> str:
    return "" if moment is None else moment.astimezone().strftime("%d %b %H:%M")


class WaitingListScreen(AreaScreen):
    HELP_TITLE = "Waiting list and offers"
    DEFAULT_CSS = """
    WaitingListScreen #wl-head { padding: 0 1; background: $boost; height: auto; }
    WaitingListScreen #wl-table { height: 1fr; margin: 0 1; }
    WaitingListScreen #wl-offers { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Offer accepted"),
        Binding("n", "answer(False)", "Offer declined"),
        Binding("o", "offer", "Offer free places"),
        Binding("x", "remove", "Take off the list"),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, activity_id: str):
        super().__init__()
        self.activity_id = activity_id
        self.data: bookings.WaitingList | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "Waiting list: a freed place goes to the first child whose days all have room.", id="wl-head"
        )
        yield Static("Waiting, in order", classes="section-title")
        table: DataTable[str | Text] = DataTable(id="wl-table", cursor_type="row", zebra_stripes=True)
        for label, width in (("#", 4), ("Name", 26), ("Ref", 10), ("Status", 22), ("Days", 30)):
            table.add_column(label, width=width)
        yield table
        yield Static("Offers made (newest first)", classes="section-title")
        offers: DataTable[str | Text] = DataTable(id="wl-offers", cursor_type="row", zebra_stripes=True)
        for label, width in (
            ("Name", 26),
            ("Offered", 13),
            ("By", 18),
            ("Answer", 10),
            ("Answered", 13),
            ("Recorded by", 18),
        ):
            offers.add_column(label, width=width)
        yield offers
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#wl-table", DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(
            load_waiting_list, self.activity_id, then=self.show, what="load the waiting list", group="wl",
            exclusive=True,
        )

    def style(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    def show(self, data: bookings.WaitingList) -> None:
        self.data = data
        table = self.query_one("#wl-table", DataTable)
        row = table.cursor_row
        table.clear()
        for w in data.waiting:
            status = (
                Text(f"Offered {when(w.offered_at)}", style=f"bold {self.style('warning')}")
                if w.status == "offered"
                else Text("Waiting")
            )
            table.add_row(
                "" if w.rank is None else str(w.rank),
                w.name,
                w.carer_ref,
                status,
                ", ".join(f"{d:%a %d %b}" for d in w.days),
                key=w.booking_id,
            )
        if data.waiting:
            table.move_cursor(row=min(row or 0, len(data.waiting) - 1))
        offers = self.query_one("#wl-offers", DataTable)
        offers.clear()
        for o in data.offers:
            offers.add_row(
                o.name,
                when(o.offered_at),
                o.offered_by,
                Text(o.response, style=self.style(RESPONSE_STYLE.get(o.response, ""))),
                when(o.responded_at),
                o.responded_by,
                key=o.offer_id,
            )
        waiting = sum(1 for w in data.waiting if w.status == "waiting")
        offered = len(data.waiting) - waiting
        self.query_one("#wl-head", Static).update(
            f"{waiting} waiting · {offered} offered a place · y accepted · n declined · "
            "a freed place goes to the first child whose days all have room"
        )

    def current(self) -> bookings.WaitingRow | None:
        table = self.query_one("#wl-table", DataTable)
        if self.data is None or not self.data.waiting or table.cursor_row is None:
            return None
        return self.data.waiting[min(table.cursor_row, len(self.data.waiting) - 1)]

    def action_answer(self, accepted: bool) -> None:
        row = self.current()
        if row is None:
            return
        if row.status != "offered":
            self.notify(f"{row.name} has not been offered a place yet.")
            return
        worker = self.ycapp.worker_info

        def done(offers: list[bookings.Offer]) -> None:
            withdraw_offer_notices(self.app, row.name)  # answered: "Press w" would now mislead
            self.notify(f"{row.name} {'is booked' if accepted else 'declined: the booking is cancelled'}.")
            for offer in offers:
                self.notify(offer.message(), title="Waiting list", timeout=12)
            self.action_refresh()

        self.run_db(
            respond_to_offer,
            row.booking_id,
            accepted,
            worker.id if worker else None,
            then=done,
            what="record the answer",
        )

    def action_offer(self) -> None:
        worker = self.ycapp.worker_info

        def done(offers: list[bookings.Offer]) -> None:
            if not offers:
                self.notify("No place is free for anyone waiting.")
            for offer in offers:
                self.notify(offer.message(), title="Waiting list", timeout=12)
            self.action_refresh()

        self.run_db(
            offer_free_places, self.activity_id, worker.id if worker else None, then=done,
            what="offer free places",
        )

    def action_remove(self) -> None:
        row = self.current()
        if row is None:
            return
        from screens.bookings.booking_form import CancelBookingScreen

        what = "the waiting list (" + ", ".join(f"{d:%a %d %b}" for d in row.days) + ")"
        self.app.push_screen(CancelBookingScreen(row.booking_id, row.name, row.carer_ref, what),
                             lambda offers: self.after_remove(offers, row.name))

    def after_remove(self, offers, name: str = "") -> None:
        if offers is None:
            return
        withdraw_offer_notices(self.app, name)  # off the list: an offer to them is void
        for offer in offers:
            self.notify(offer.message(), title="Waiting list", timeout=12)
        self.action_refresh()

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()

    def action_back(self) -> None:
        self.app.pop_screen()
