"""Returns area (e): the commissioner's quarterly return, figure by figure, then export and sync.

Opens on the last full quarter (the one usually due). ``[`` and ``]`` step a quarter back and on,
``t`` is this quarter so far, ``g`` takes a typed quarter or two dates. Each KPI shows its
numerator, denominator, value and target with "met" or "missed" in words (and colour). Enter on
a figure lists the referrals behind it with what is missing or late; from there Enter opens the
carer's record to put a date right, and coming back counts again. ``x`` exports (seals) the return,
``l`` lists the sealed returns and which are sent, ``y`` syncs them to a folder. Under the table, a
small table counts the period's contacts by how they were delivered (face to face, phone, video,
online group, text/message, not recorded); it is for the service, not part of the return's files.

The table fits the terminal: the figure's name takes what the other columns leave and wraps
(their labels are short: Count, Out of, Value, Target, Result), so Target and Result are on
screen at 80 columns and up without scrolling sideways; a breakdown shows in the name's column.

Counting a quarter for a whole county takes a moment: it runs off the UI thread, the table shows
a loading state and the line above it says "Working".
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
from screens.returns import extras
from screens.returns.cells import result_cell, value_text
from ycworker.common import periods
from ycworker.returns import kpis
from ycworker.returns.actions import ReturnView, load_return
from ycworker.returns.delivery import DeliveryCounts


def delivery_table(counts: DeliveryCounts) -> str:
    """Contacts by how they were delivered, as two aligned lines under a title."""
    if not counts.rows:
        return ""
    cells = [(label, str(n)) for _k, label, n in counts.rows] + [("Total", str(counts.total))]
    widths = [max(len(a), len(b)) for a, b in cells]
    head = "  ".join(a.rjust(w) for (a, _b), w in zip(cells, widths, strict=True))
    row = "  ".join(b.rjust(w) for (_a, b), w in zip(cells, widths, strict=True))
    return f"Contacts in the period by how they were delivered (not in the return's files):\n{head}\n{row}"


class ReturnsTable(DataTable):
    BINDINGS = [Binding("enter", "screen.drill", "Referrals behind it")]


# The columns after the figure's name: (label, width). Widths fit their longest value.
FIXED_COLUMNS = (("Count", 6), ("Out of", 6), ("Value", 8), ("Target", 6), ("Result", 8))
FIGURE_MIN = 20  # narrower than this the name wraps to too many lines: the table scrolls instead


class ReturnsScreen(AreaScreen):
    HELP_TITLE = "The commissioner's return"
    DEFAULT_CSS = """
    ReturnsScreen #ret-period { padding: 0 1; height: 1; background: $boost; text-style: bold; }
    ReturnsScreen #ret-status { padding: 0 1; height: auto; }
    ReturnsScreen #ret-table { height: 1fr; margin: 0 1; }
    ReturnsScreen #ret-sealed { padding: 0 1; height: 1; color: $text-muted; }
    ReturnsScreen #ret-delivery { padding: 0 1; height: auto; }
    ReturnsScreen #ret-equality { padding: 0 1; height: auto; }
    ReturnsScreen #ret-narrative { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("enter", "drill", "Referrals behind it"),
        Binding("left_square_bracket", "shift(-1)", "Quarter before", key_display="["),
        Binding("right_square_bracket", "shift(1)", "Quarter after", key_display="]"),
        Binding("t", "this_quarter", "This quarter so far", show=False),
        Binding("p", "last_quarter", "Last full quarter", show=False),
        Binding("g", "choose", "Choose quarter or dates"),
        Binding("b", "breakdowns", "Show/hide breakdowns"),
        Binding("x", "export", "Export and seal"),
        Binding("l", "sealed", "Sealed returns"),
        Binding("y", "sync", "Sync to a folder"),
        Binding("f5", "refresh", "Count again", show=False),
        Binding("n", "narrative", "Narrative"),
        Binding("v", "by_area", "By area"),
        Binding("m", "return_settings", "Targets and areas"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.period: periods.Period | None = None
        self.report: kpis.KpiReport | None = None
        self.sealed: list = []
        self.rows: list[tuple[str, object]] = []  # ("figure", Figure) | ("outcome", OutcomeFigure)
        self.show_breakdowns = False
        self.asked = 0  # the latest request; older results that arrive late are dropped
        self.export_folder = ""
        self.fitted_width = 0  # the table's width when the figure column was last fitted
        self.delivery = DeliveryCounts(())
        self.result: ReturnView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="ret-period", markup=False)
        yield Static("", id="ret-status")
        table = ReturnsTable(id="ret-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Figure", width=FIGURE_MIN, key="figure")
        for label, width in FIXED_COLUMNS:
            table.add_column(label, width=width)
        yield table
        yield Static("", id="ret-delivery", markup=False)
        yield Static("", id="ret-equality", markup=False)
        yield Static("", id="ret-narrative", markup=False)
        yield Static("", id="ret-sealed", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReturnsTable).focus()
        self.period = periods.previous_quarter(self.ycapp.today())
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.report is not None:  # back from a drill-down or a record: the figures may have changed
            self.action_refresh()

    # -- counting ------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.period is None:
            return
        self.asked += 1
        asked, period = self.asked, self.period
        self.query_one("#ret-period", Static).update(self.period_line(period))
        self.query_one("#ret-status", Static).update(
            Text(f"Working: counting {period.label} from the case records…", style="bold"))
        set_loading(self.query_one(ReturnsTable), True)
        self.run_db(load_return, period, self.ycapp.today(), then=lambda result: self.show(asked, result),
                    on_error=lambda error: self.failed(asked, error), what="count the return",
                    group="returns")

    def period_line(self, period: periods.Period) -> str:
        kind = "Quarter" if "Q" in period.label else "Period"
        return (f"{kind} {period.label}: {period.start:%d %B %Y} to {period.end:%d %B %Y} · figures as of "
                f"{self.ycapp.today():%d/%m/%Y}")

    def failed(self, asked: int, error: BaseException) -> None:
        if asked != self.asked:
            return
        from screens.common.base import plain_error

        set_loading(self.query_one(ReturnsTable), False)
        self.query_one("#ret-status", Static).update(Text(plain_error(error, "count the return"),
                                                          style="bold"))

    def show(self, asked: int, result: ReturnView) -> None:
        if asked != self.asked:
            return
        report = result.report
        self.report, self.sealed, self.delivery = report, result.sealed, result.delivery
        table = self.query_one(ReturnsTable)
        keep = table.cursor_row
        set_loading(table, False)
        table.clear()
        self.fit_columns()
        self.rows = []
        for f in report.figures:
            if f.breakdown != "all" and not self.show_breakdowns:
                continue
            self.rows.append(("figure", f))
            label = f.label if f.breakdown == "all" else (
                f"  by {f.breakdown.replace('_', ' ')}: {f.breakdown_value.replace('_', ' ')}")
            # height=None: a long name wraps within its column (more lines, never a wider table)
            table.add_row(Text(label), str(f.numerator),
                          "" if f.denominator is None else str(f.denominator), value_text(f.unit, f.value),
                          "" if f.target is None else f"{f.target}%", result_cell(f.target_met), height=None)
        for o in report.outcomes:
            self.rows.append(("outcome", o))
            table.add_row(Text(f"KPI 5 {o.outcome} {o.label} (improved / reviewed)"),
                          str(o.improved), str(o.reviewed), value_text(kpis.PERCENT, o.value),
                          f"{o.target}%", result_cell(o.target_met), height=None)
        if keep is not None and self.rows:
            table.move_cursor(row=min(keep, len(self.rows) - 1))
        targets = [f for f in report.headline() if f.target is not None] + list(report.outcomes)
        met = sum(1 for f in targets if f.target_met == "Y")
        missed = sum(1 for f in targets if f.target_met == "N")
        no_cases = len(targets) - met - missed
        status = Text()
        status.append(f"{met} target{'s' if met != 1 else ''} met", style="bold green")
        status.append(", ")
        status.append(f"{missed} missed", style="bold red" if missed else "")
        if no_cases:
            status.append(f", {no_cases} with no cases")
        status.append(" · Enter lists the referrals behind a figure · x exports and seals")
        self.query_one("#ret-status", Static).update(status)
        self.query_one("#ret-sealed", Static).update(self.sealed_line())
        self.query_one("#ret-delivery", Static).update(delivery_table(result.delivery))
        self.result = result
        extras.show(self, result)

    def fit_columns(self) -> None:
        """The figure's name takes the width the other columns leave (read at each fill)."""
        table = self.query_one(ReturnsTable)
        table.columns[ColumnKey("figure")].width = flexible_width(table, FIXED_COLUMNS, FIGURE_MIN)
        self.fitted_width = self.size.width

    def on_resize(self, _event) -> None:
        # The terminal changed size: fill again so the names wrap to the new width.
        if self.report is not None and self.fitted_width != self.size.width:
            self.call_after_refresh(self.refit)

    def refit(self) -> None:
        if self.result is not None and self.fitted_width != self.size.width:
            self.show(self.asked, self.result)

    def sealed_line(self) -> str:
        if not self.sealed:
            return "No sealed returns yet."
        unsent = [r for r in self.sealed if not r.synced_to]
        period = self.period
        same = [r for r in self.sealed if period and r.label == period.label]
        text = f"{len(self.sealed)} sealed return(s), {len(unsent)} not sent"
        if period and same:
            text += (f" · {period.label} sealed {len(same)} time(s), last "
                     f"{same[0].made_at:%d/%m/%Y %H:%M}")
        return text + " · l lists them"

    # -- choosing the period -------------------------------------------------------------------

    def set_period(self, period: periods.Period | None) -> None:
        if period is not None:
            self.period = period
            self.action_refresh()

    def action_shift(self, quarters: int) -> None:
        if self.period is not None:
            self.set_period(periods.shift_quarter(self.period, quarters))

    def action_this_quarter(self) -> None:
        self.set_period(periods.quarter_of(self.ycapp.today()))

    def action_last_quarter(self) -> None:
        self.set_period(periods.previous_quarter(self.ycapp.today()))

    def action_choose(self) -> None:
        from screens.returns.forms import PeriodModal

        if self.period is not None:
            self.app.push_screen(PeriodModal(self.period), self.set_period)

    def action_breakdowns(self) -> None:
        self.show_breakdowns = not self.show_breakdowns
        if self.result is not None:
            self.show(self.asked, self.result)

    # -- drilling in -----------------------------------------------------------------------------

    def current(self) -> tuple[str, object] | None:
        table = self.query_one(ReturnsTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()

    SERVICE_TABS = {"kpi6_satisfied": "feedback", "kpi7_professionals_trained": "training",
                    "kpi8_awareness_sessions": "awareness", "kpi9_schools_with_champion": "schools"}

    def action_drill(self) -> None:
        row = self.current()
        if row is None or self.period is None or self.report is None:
            return
        _kind, fig = row
        from screens.returns.drill import ReturnDrillScreen

        if isinstance(fig, kpis.OutcomeFigure):
            self.app.push_screen(ReturnDrillScreen(self.period, fig.outcome))
            return
        assert isinstance(fig, kpis.Figure)
        if fig.kpi in self.SERVICE_TABS:
            self.open_service_log(self.SERVICE_TABS[fig.kpi])
            return
        self.app.push_screen(ReturnDrillScreen(self.period, fig.kpi, fig.breakdown, fig.breakdown_value))

    def open_service_log(self, tab: str) -> None:
        """KPIs 6 to 9 come from the service log: show the entries there."""
        self.app.switch_mode("service")
        screen = self.app.screen
        if hasattr(screen, "show_kind"):
            screen.show_kind(tab)

    # -- export and sync -------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.period is None:
            return
        from screens.returns.forms import ExportModal

        self.app.push_screen(ExportModal(self.period, self.ycapp.today(), self.export_folder), self.exported)

    def exported(self, result) -> None:
        if result is None:
            return
        if result.delivered_path is not None:
            self.export_folder = str(result.delivered_path.parent)
            where = f"and copied to {result.delivered_path}"
        else:
            where = "in the outbox (not sent yet: y syncs it to a folder)"
        self.app.notify(f"Return {result.folder_name} sealed {where}.", title="Return sealed", timeout=10,
                        markup=False)
        self.action_refresh()

    def action_sealed(self) -> None:
        from screens.returns.sealed import SealedReturnsScreen

        self.app.push_screen(SealedReturnsScreen())

    def action_sync(self) -> None:
        from screens.returns.forms import open_sync

        open_sync(self, self.synced)

    def synced(self, result) -> None:
        if result is not None:
            self.action_refresh()

    # -- issue 18: narrative, view by area, the return's settings (screens.returns.extras) ----------

    def action_narrative(self) -> None:
        extras.open_narrative(self)

    def action_by_area(self) -> None:
        extras.open_area_view(self)

    def action_return_settings(self) -> None:
        extras.open_settings(self)
