"""The referrals (or, for an outcome, the carers) behind one figure of the return.

Those a worker may want to put right come first: no allocation date, allocated late, no
assessment date, assessed late, consent pending. Enter opens the carer's record; coming back
counts the figure again, so a corrected date shows at once. ``m`` shows only those to check.

The table fits the terminal (80 columns and up) without scrolling sideways: a referral's dates sit
with what they are measured against (the allocation date with its verdict and its due date under
it), the referral date under the child's name, the closure reason under its date; the name and
"To check" take the width left and wrap, refitted when the terminal changes size.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from screens.common.base import AreaScreen, set_loading
from screens.common.footer import Footer
from screens.common.tables import flexible_width
from screens.returns.cells import breakdown_text, result_cell, value_text
from ycworker.common import periods
from ycworker.returns import kpis
from ycworker.returns.actions import Drilled, drill_figure


def short(d) -> str:
    return "" if d is None else d.strftime("%d/%m/%y")


def dated(when, due, flag: str) -> Text:
    """A date with its verdict (✓ in time, ✗ late or missing) and, under it, the date it was due."""
    text = Text(short(when) if when is not None else ("none" if flag == "N" else ""))
    if flag == "Y":
        text.append(" ✓", style="green")
    elif flag == "N":
        text.append(" ✗", style="bold red")
    if due is not None:
        text.append(f"\ndue {short(due)}", style="dim")
    return text


# Referral rows: (key, label, width) of the columns that keep their width; the name and "To check"
# share what is left (each at least its least width).
FIXED_COLUMNS = (("Allocated", 12), ("Assessed", 12), ("Closed", 9))
REF_WIDTH = 9  # YC-PQ3FUE
NAME_MIN, CHECK_MIN, CHECK_MAX = 12, 10, 22
# Outcome rows: ref, name (the width left), latest rating.
RATING_WIDTH = 13


class DrillTable(DataTable):
    BINDINGS = [Binding("enter", "screen.open", "Open record")]


class ReturnDrillScreen(AreaScreen):
    HELP_TITLE = "Behind a figure of the return"
    DEFAULT_CSS = """
    ReturnDrillScreen #drill-title { padding: 0 1; background: $boost; text-style: bold; height: auto; }
    ReturnDrillScreen #drill-status { padding: 0 1; height: auto; }
    ReturnDrillScreen #drill-table { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open record"),
        Binding("m", "only_problems", "Only those to check"),
        Binding("f5", "refresh", "Count again"),
        Binding("escape", "back", "Back to the return"),
    ]

    def __init__(self, period: periods.Period, key: str, breakdown: str = "all", value: str = "",
                 report: kpis.KpiReport | None = None):
        super().__init__()
        self.period = period
        self.report = report  # a return the team server built: its figures, this laptop's names
        self.key = key
        self.breakdown = breakdown
        self.value = value
        self.rows: list = []
        self.shown: list = []
        self.only_problems = False
        self.asked = 0
        self.fitted_width = 0  # the screen's width when the columns were last fitted

    @property
    def outcome(self) -> bool:
        return self.key in kpis.OUTCOMES

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="drill-title")
        yield Static("", id="drill-status")
        table = DrillTable(id="drill-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Ref", width=REF_WIDTH)
        if self.outcome:
            table.add_column("Name", width=NAME_MIN, key="name")
            table.add_column("Latest rating", width=RATING_WIDTH)
        else:
            table.add_column("Young carer", width=NAME_MIN, key="name")
            for label, width in FIXED_COLUMNS:
                table.add_column(label, width=width)
            table.add_column("To check", width=CHECK_MIN, key="check")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DrillTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.asked += 1
        asked = self.asked
        working = "reading the names" if self.report is not None else "counting again"
        self.query_one("#drill-status", Static).update(Text(f"Working: {working}…", style="bold"))
        set_loading(self.query_one(DrillTable), True)
        self.run_db(drill_figure, self.period, self.ycapp.today(), self.key, self.breakdown, self.value,
                    self.report, then=lambda result: self.show(asked, result), what="count the figure",
                    group="drill")

    def title_for(self, fig) -> Text:
        text = Text()
        if fig is None:
            text.append(f"{self.period.label}: nothing is counted under {self.key} "
                        f"{self.breakdown} {self.value} now.")
            return text
        if self.outcome:
            text.append(f"{self.period.label} · KPI 5 {fig.outcome} {fig.label}: {fig.improved} of "
                        f"{fig.reviewed} improved ({value_text(kpis.PERCENT, fig.value)}), target "
                        f"{fig.target}% ")
        else:
            where = f" ({breakdown_text(fig)})" if fig.breakdown != "all" else ""
            text.append(f"{self.period.label} · {fig.label}{where}: ")
            if fig.denominator is None:
                text.append(f"{fig.numerator}")
            else:
                text.append(f"{fig.numerator} of {fig.denominator} ({value_text(fig.unit, fig.value)})")
            if fig.target is not None:
                text.append(f", target {fig.target}% ")
        text.append_text(result_cell(fig.target_met))
        return text

    def show(self, asked: int, result: Drilled) -> None:
        if asked != self.asked:
            return
        self.rows = result.rows
        self.query_one("#drill-title", Static).update(self.title_for(result.figure))
        self.fill()

    def to_check(self, row) -> bool:
        return (not row.improved) if self.outcome else bool(row.problem)

    def fill(self) -> None:
        table = self.query_one(DrillTable)
        keep = table.cursor_row
        set_loading(table, False)
        table.clear()
        self.fit_columns()
        self.shown = [r for r in self.rows if self.to_check(r)] if self.only_problems else list(self.rows)
        for r in self.shown:
            # height=None: a cell of several lines (or a long name) makes the row taller, never wider
            if self.outcome:
                rating = Text("improved", style="green") if r.improved else Text("not improved", style="bold")
                table.add_row(r.carer_ref, Text(r.name), rating, height=None)
            else:
                name = Text(r.name)
                name.append(f"\nreferred {short(r.referral_date)}", style="dim")
                closed = Text(short(r.closed_date))
                if r.closure_reason:
                    closed.append("\n" + r.closure_reason.replace("_", " "), style="dim")
                table.add_row(r.carer_ref, name,
                              dated(r.allocated_date, r.allocation_deadline, r.allocated_in_time),
                              dated(r.assessment_completed_date, r.assessment_deadline, r.assessed_in_time),
                              closed, Text(r.problem, style="bold red") if r.problem else "", height=None)
        if keep is not None and self.shown:
            table.move_cursor(row=min(keep, len(self.shown) - 1))
        checks = sum(1 for r in self.rows if self.to_check(r))
        what = "carers" if self.outcome else "referrals"
        problem = "not improved" if self.outcome else "to check (missing or late)"
        status = f"{len(self.rows)} {what}, {checks} {problem}"
        if self.only_problems:
            status += " · showing only those · m shows all"
        if self.report is not None:
            status += (" · built from the team server: Enter opens the record; a correction counts once it "
                       "has synced and the return is built again (f5 there)")
        else:
            status += " · Enter opens the record to put a date right; coming back counts again"
        if not self.rows:
            status = f"No {what} behind this figure."
        self.query_one("#drill-status", Static).update(Text(status))

    def fit_columns(self) -> None:
        """The name (and "To check") take the width the other columns leave (read at each fill)."""
        table = self.query_one(DrillTable)
        fixed: tuple[tuple[str, int], ...]
        if self.outcome:
            fixed = (("Ref", REF_WIDTH), ("Latest rating", RATING_WIDTH))
            table.columns[ColumnKey("name")].width = flexible_width(table, fixed, NAME_MIN)
        else:
            fixed = (("Ref", REF_WIDTH), *FIXED_COLUMNS, ("To check", 0))
            room = flexible_width(table, fixed, NAME_MIN + CHECK_MIN)  # for the two together
            check = max(CHECK_MIN, min(CHECK_MAX, room - 2 * NAME_MIN))
            table.columns[ColumnKey("check")].width = check
            table.columns[ColumnKey("name")].width = max(NAME_MIN, room - check)
        self.fitted_width = self.size.width

    def on_resize(self, _event) -> None:
        # The terminal changed size: fill again so the names wrap to the new width.
        if self.fitted_width and self.fitted_width != self.size.width:
            self.call_after_refresh(self.refit)

    def refit(self) -> None:
        if self.fitted_width and self.fitted_width != self.size.width:
            self.fill()

    def action_only_problems(self) -> None:
        self.only_problems = not self.only_problems
        self.fill()

    def current(self):
        table = self.query_one(DrillTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current()
        if row is not None:
            self.ycapp.open_carer(row.carer_id)

    def action_back(self) -> None:
        self.app.pop_screen()
