"""HAF counts: unique children, FSM-eligible, SEND and child-days attended, by holiday period and
by activity. ``f`` switches between HAF-funded activities only and every activity."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.bookings import haf
from ycworker.bookings.actions import haf_counts

COLUMNS = (("", 34), ("Children", 9), ("FSM", 6), ("SEND", 6), ("Child-days", 11), ("Booked", 7))


class HafCountsScreen(AreaScreen):
    HELP_TITLE = "HAF counts"
    DEFAULT_CSS = """
    HafCountsScreen #haf-head { padding: 0 1; background: $boost; height: auto; }
    HafCountsScreen DataTable { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("f", "switch_haf", "HAF only / all"),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.haf_only = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="haf-head")
        yield Static("By holiday period", classes="section-title")
        yield DataTable(id="haf-period", cursor_type="row", zebra_stripes=True)
        yield Static("By activity", classes="section-title")
        yield DataTable(id="haf-activity", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        for table_id, first in (("#haf-period", "Holiday period"), ("#haf-activity", "Activity")):
            table = self.query_one(table_id, DataTable)
            for n, (label, width) in enumerate(COLUMNS):
                table.add_column(first if n == 0 else label, width=width)
        self.query_one("#haf-period", DataTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(
            haf_counts, self.haf_only, then=self.show, what="count HAF attendance", group="haf",
            exclusive=True,
        )

    def show(self, report: haf.HafReport) -> None:
        def fill(table: DataTable, counts: list[haf.HafCount], total: haf.HafCount | None) -> None:
            table.clear()
            for c in counts + ([total] if total else []):
                table.add_row(
                    c.label,
                    str(c.unique_children),
                    str(c.fsm_children),
                    str(c.send_children),
                    str(c.child_days),
                    str(c.booked_children),
                )

        fill(self.query_one("#haf-period", DataTable), report.by_period, report.total)
        fill(self.query_one("#haf-activity", DataTable), report.by_activity, None)
        which = "HAF-funded activities" if self.haf_only else "all holiday activities"
        self.query_one("#haf-head", Static).update(
            f"{which} · children who attended at least one day (present or late) · FSM and SEND as recorded "
            "on each child now · child-days attended · f switches HAF only / all"
        )

    def action_switch_haf(self) -> None:
        self.haf_only = not self.haf_only
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()
