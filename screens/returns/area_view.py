"""The return by area and district (``v`` on the Returns screen): the whole county, each area the
service groups its districts into, and each district under its area, with the referrals received,
the carers supported, allocations within 5 working days and the median working days from referral
to allocation. The same rows are Kent's ``kent_areas.csv``. A manager groups districts into areas
in the return's settings (``m``)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen, plain_error, set_loading
from screens.common.footer import Footer
from ycworker.common import periods
from ycworker.returns import setting_actions
from ycworker.returns.kent import AreaRow


class AreaViewScreen(AreaScreen):
    HELP_TITLE = "The return by area and district"
    DEFAULT_CSS = """
    AreaViewScreen #av-title { padding: 0 1; background: $boost; text-style: bold; height: 1; }
    AreaViewScreen #av-status { padding: 0 1; height: auto; }
    AreaViewScreen #av-table { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Back to the return")]

    def __init__(self, period: periods.Period, today: date) -> None:
        super().__init__()
        self.period, self.today = period, today

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"{self.period.label} by area and district", id="av-title", markup=False)
        yield Static("Working: counting…", id="av-status", markup=False)
        table: DataTable = DataTable(id="av-table", cursor_type="row", zebra_stripes=True)
        for label, width in (("Where", 30), ("Referrals", 9), ("Carers", 7), ("In 5 days", 12),
                             ("Median days", 11)):
            table.add_column(label, width=width)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.focus()
        set_loading(table, True)
        self.run_db(setting_actions.area_view, self.period, self.today, then=self.show,
                    on_error=self.failed, what="count by area")

    def show(self, rows: list[AreaRow]) -> None:
        table = self.query_one(DataTable)
        set_loading(table, False)
        table.clear()
        for r in rows:
            where = ("Whole county" if r.level == "county" else r.area if r.level == "area"
                     else f"  {r.district}")
            due = f"{r.in_time}/{r.due} {r.percent}%" if r.due else "no cases"
            table.add_row(where, str(r.received), str(r.carers), due, r.median_days or "-")
        areas = sum(1 for r in rows if r.level == "area")
        self.query_one("#av-status", Static).update(
            f"{areas} area(s). Median days: working days from referral to allocation. "
            "A manager groups districts into areas with m on the Returns screen.")

    def failed(self, error: BaseException) -> None:
        set_loading(self.query_one(DataTable), False)
        self.query_one("#av-status", Static).update(plain_error(error, "count by area"))

    def action_back(self) -> None:
        self.app.pop_screen()
