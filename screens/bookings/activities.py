"""Bookings area (b): holiday activities, soonest first, with places taken and the waiting list.

Keys on the list: Enter opens an activity's bookings, ``n`` makes a new activity, ``f2`` edits
the highlighted one, ``p`` shows or hides past activities, ``t`` shows the HAF counts.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from screens.common.tables import flexible_width
from ycworker.bookings import activities
from ycworker.bookings.actions import list_activities


def dates_text(row: activities.ActivityRow) -> str:
    first, last = row.first_day, row.last_day
    if first is None or last is None:  # an activity's first and last days come together
        return "no days"
    if first == last:
        return f"{first:%a %d %b %Y}"
    if first.year == last.year:
        return f"{first:%d %b} - {last:%d %b %Y}"
    return f"{first:%d %b %Y} - {last:%d %b %Y}"


class ActivitiesTable(DataTable):
    BINDINGS = [Binding("enter", "screen.open", "Open bookings", show=False)]


# After the title: (label, width); the venue wraps in its column.
ACTIVITY_COLUMNS = (("Dates", 25), ("Days", 4), ("Venue", 18), ("Places", 12), ("Waiting", 7),
                    ("Funding", 7))
TITLE_MIN = 20


class ActivitiesScreen(AreaScreen):
    HELP_TITLE = "Holiday activities"
    DEFAULT_CSS = """
    ActivitiesScreen #act-summary { padding: 0 1; height: 1; background: $boost; }
    ActivitiesScreen #act-table { height: 1fr; margin: 0 1; }
    ActivitiesScreen #act-empty { padding: 1 2; color: $text-muted; display: none; }
    ActivitiesScreen #act-empty.shown { display: block; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open bookings"),
        Binding("n", "new", "New activity"),
        Binding("f2", "edit", "Edit activity"),
        Binding("p", "toggle_past", "Show/hide past"),
        Binding("t", "haf", "HAF counts"),
        Binding("f5", "refresh", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[activities.ActivityRow] = []
        self.include_past = False
        self.fitted_width = 0

    def on_resize(self, _event) -> None:
        if self.rows and self.fitted_width != self.size.width:
            self.call_after_refresh(lambda: self.show(self.rows))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Holiday activities", id="act-summary")
        yield Static(
            "No activities yet. Press n to make one (a winter party, a day trip, a HAF week).", id="act-empty"
        )
        table = ActivitiesTable(id="act-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Activity", width=TITLE_MIN, key="title")
        for label, width in ACTIVITY_COLUMNS:
            table.add_column(label, width=width)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ActivitiesTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self, select: str | None = None) -> None:
        self.run_db(
            list_activities,
            self.ycapp.today(),
            self.include_past,
            then=lambda rows: self.show(rows, select),
            what="load the activities",
            group="activities",
            exclusive=True,
        )

    def show(self, rows: list[activities.ActivityRow], select: str | None = None) -> None:
        table = self.query_one(ActivitiesTable)
        keep = select or self.current_id()
        self.rows = rows
        table.clear()
        # The title takes the width the other columns leave and wraps (as does the venue): the
        # table fits 120 columns, and scrolls sideways least at 80.
        table.columns[ColumnKey("title")].width = flexible_width(table, ACTIVITY_COLUMNS, TITLE_MIN)
        self.fitted_width = self.size.width
        for r in rows:
            full = r.booked >= r.capacity and r.day_count == 1
            places = Text(f"{r.booked} / {r.capacity}")
            if full:
                places.append(" full", style="bold")
            table.add_row(
                r.title,
                dates_text(r),
                str(r.day_count),
                r.venue,
                places,
                str(r.waiting) if r.waiting else "",
                "HAF" if r.haf else "",
                key=r.id,
                height=None,
            )
        ids = [r.id for r in rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        self.query_one("#act-empty").set_class(not rows, "shown")
        which = "all activities" if self.include_past else "coming activities"
        self.query_one("#act-summary", Static).update(
            f"Holiday activities · {len(rows)} {which} · places: children booked / places per day · "
            f"p {'hides' if self.include_past else 'shows'} past ones"
        )

    def current_id(self) -> str | None:
        table = self.query_one(ActivitiesTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row].id

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        activity_id = self.current_id()
        if activity_id:
            from screens.bookings.booking_list import BookingsScreen

            self.app.push_screen(BookingsScreen(activity_id))

    def action_new(self) -> None:
        from screens.bookings.activity_form import ActivityFormScreen

        self.app.push_screen(ActivityFormScreen(None), self.saved)

    def action_edit(self) -> None:
        activity_id = self.current_id()
        if activity_id:
            from screens.bookings.activity_form import ActivityFormScreen

            self.app.push_screen(ActivityFormScreen(activity_id), self.saved)

    def saved(self, activity_id: str | None) -> None:
        if activity_id:
            self.action_refresh(select=activity_id)

    def action_toggle_past(self) -> None:
        self.include_past = not self.include_past
        self.action_refresh()

    def action_haf(self) -> None:
        from screens.bookings.haf import HafCountsScreen

        self.app.push_screen(HafCountsScreen())
