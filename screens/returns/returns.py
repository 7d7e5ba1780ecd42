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

On a manager's laptop enrolled with a team, ``v`` switches between the return built on this laptop
and the one the team server builds from every laptop's synced work (asked for in a thread worker;
the line under the period says which is shown, e.g. "Built from the team server, change 48,211").
The figures and the drill-down are the same screens either way. Before an export (either source)
the manager is warned, with the count, of conflicts touching the period's records and of laptops
not synced since it ended, and exports only after saying yes (y; n or Esc cancels).
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
from ycworker.returns.actions import ReturnView, check_ahead, list_sealed, load_return
from ycworker.returns.casework import CaseworkCounts
from ycworker.returns.casework import lines as casework_lines
from ycworker.returns.delivery import DeliveryCounts
from ycworker.team import team_return


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
    ReturnsScreen #ret-source { padding: 0 1; height: auto; color: $text-muted; display: none; }
    ReturnsScreen #ret-source.-shown { display: block; }
    ReturnsScreen #ret-table { height: 1fr; margin: 0 1; }
    ReturnsScreen #ret-sealed { padding: 0 1; height: 1; color: $text-muted; }
    ReturnsScreen #ret-delivery { padding: 0 1; height: auto; }
    ReturnsScreen #ret-casework { padding: 0 1; height: auto; }
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
        Binding("v", "source", "Team server / this laptop"),
        Binding("l", "sealed", "Sealed returns"),
        Binding("y", "sync", "Sync to a folder"),
        Binding("f5", "refresh", "Count again", show=False),
        Binding("n", "narrative", "Narrative"),
        Binding("d", "by_area", "By area and district"),
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
        self.can_serve = False  # a manager's laptop enrolled with a team: v builds from the server
        self.checked_ahead = False  # the export's check run while the figures are read (once)
        self.released = False  # the counted return let go while another area is shown
        self.source = "laptop"  # or "server"
        self.served: team_return.ServedReturn | None = None
        self.casework = CaseworkCounts()
        self.result: ReturnView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="ret-period", markup=False)
        yield Static("", id="ret-source", markup=False)
        yield Static("", id="ret-status")
        table = ReturnsTable(id="ret-table", cursor_type="row", zebra_stripes=True)
        table.add_column("Figure", width=FIGURE_MIN, key="figure")
        for label, width in FIXED_COLUMNS:
            table.add_column(label, width=width)
        yield table
        yield Static("", id="ret-delivery", markup=False)
        yield Static("", id="ret-casework", markup=False)  # safeguarding statuses, signposting
        yield Static("", id="ret-equality", markup=False)
        yield Static("", id="ret-narrative", markup=False)
        yield Static("", id="ret-sealed", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ReturnsTable).focus()
        self.period = periods.previous_quarter(self.ycapp.today())
        self.action_refresh()
        worker = self.ycapp.worker_info
        if worker is not None and worker.is_manager:
            self.run_db(team_return.can_build_from_server, True, then=self.serving, group="returns-team")

    def serving(self, can: bool) -> None:
        self.can_serve = bool(can)
        if self.can_serve:
            self.show_source(team_return.source_line_laptop())
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "source":
            return self.can_serve
        return super().check_action(action, parameters)

    def show_source(self, text: str | Text) -> None:
        line = self.query_one("#ret-source", Static)
        line.set_class(bool(text), "-shown")
        line.update(text)

    def on_screen_resume(self) -> None:
        # back from a drill-down or a record: the figures may have changed (the server's return
        # changes only when it is built again: f5)
        if (self.report is not None or self.released) and self.source == "laptop":
            self.released = False
            self.action_refresh()

    def on_screen_suspend(self) -> None:
        """Left for another area or locked (not covered by a drill-down or a form of its own): the
        counted return is let go (its rows are tens of MB at 50,000 carers) and counted again on
        the way back, as coming back counts it again anyway."""
        if self in self.app.screen_stack or self.source != "laptop" or self.period is None:
            return
        self.asked += 1  # a count still running when the worker left is dropped when it arrives
        self.report, self.rows, self.result, self.released = None, [], None, True
        self.query_one(ReturnsTable).clear()

    # -- counting ------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.period is None:
            return
        self.asked += 1
        asked, period = self.asked, self.period
        self.query_one("#ret-period", Static).update(self.period_line(period))
        set_loading(self.query_one(ReturnsTable), True)
        if self.source == "server":
            self.fetch(asked, period)
            return
        if self.can_serve:
            self.show_source(team_return.source_line_laptop())
        self.query_one("#ret-status", Static).update(
            Text(f"Working: counting {period.label} from the case records…", style="bold"))
        self.run_db(load_return, period, self.ycapp.today(), then=lambda result: self.show(asked, result),
                    on_error=lambda error: self.failed(asked, error), what="count the return",
                    group="returns")

    def fetch(self, asked: int, period: periods.Period) -> None:
        """The team server builds the return (a thread worker: the network is never on a key press)."""
        self.served = None
        self.query_one("#ret-status", Static).update(
            Text(f"Working: asking the team server to build {period.label} from every laptop's synced "
                 "work…", style="bold"))
        self.show_source(Text("Building on the team server…", style="bold"))
        connect = self.ycapp.team.connect

        def build(store) -> tuple[team_return.ServedReturn, list]:
            served = team_return.fetch(store, period, connect(store) if connect is not None else None)
            return served, list_sealed(store)

        self.run_db(build, then=lambda result: self.served_shown(asked, *result),
                    on_error=lambda error: self.fetch_failed(asked, error), what="build the return",
                    group="returns")

    def served_shown(self, asked: int, served: team_return.ServedReturn, sealed: list) -> None:
        if asked != self.asked or self.source != "server":
            return
        self.served = served
        self.show_source(served.source_line)
        self.show(asked, ReturnView(served.report, sealed, DeliveryCounts(())))

    def fetch_failed(self, asked: int, error: BaseException) -> None:
        if asked != self.asked:
            return
        from screens.common.base import plain_error

        sentence = team_return.failure_sentence(error) or plain_error(error, "build the return")
        set_loading(self.query_one(ReturnsTable), False)
        self.query_one(ReturnsTable).clear()
        self.rows, self.report = [], None
        self.show_source(Text(f"Not built from the team server. {sentence}", style="bold"))
        self.query_one("#ret-status", Static).update(
            "f5 asks the team server again · v shows the return built from this laptop")

    def action_source(self) -> None:
        if not self.can_serve:
            return
        self.source = "laptop" if self.source == "server" else "server"
        self.served = None
        self.action_refresh()

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
        if not self.checked_ahead:  # once a visit, after the first figures: the export then waits less
            self.checked_ahead = True
            self.run_db(check_ahead, group="returns-check-ahead")
        report = result.report
        self.report, self.sealed, self.delivery = report, result.sealed, result.delivery
        self.casework = result.casework
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
        self.query_one("#ret-status", Static).update(self.status_text())
        self.query_one("#ret-sealed", Static).update(self.sealed_line())
        self.query_one("#ret-delivery", Static).update(delivery_table(result.delivery))
        self.query_one("#ret-casework", Static).update(casework_lines(result.casework))
        self.result = result
        extras.show(self, result)

    def status_text(self) -> Text:
        """How many targets were met and missed, and what the keys do."""
        status = Text()
        report = self.report
        if report is None:
            return status
        targets = [f for f in report.headline() if f.target is not None] + list(report.outcomes)
        met = sum(1 for f in targets if f.target_met == "Y")
        missed = sum(1 for f in targets if f.target_met == "N")
        no_cases = len(targets) - met - missed
        status.append(f"{met} target{'s' if met != 1 else ''} met", style="bold green")
        status.append(", ")
        status.append(f"{missed} missed", style="bold red" if missed else "")
        if no_cases:
            status.append(f", {no_cases} with no cases")
        status.append(" · Enter lists the referrals behind a figure · x exports and seals")
        return status

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

        served = self.served.report if self.source == "server" and self.served is not None else None
        if isinstance(fig, kpis.OutcomeFigure):
            self.app.push_screen(ReturnDrillScreen(self.period, fig.outcome, report=served))
            return
        assert isinstance(fig, kpis.Figure)
        if fig.kpi in self.SERVICE_TABS:
            self.open_service_log(self.SERVICE_TABS[fig.kpi])
            return
        self.app.push_screen(ReturnDrillScreen(self.period, fig.kpi, fig.breakdown, fig.breakdown_value,
                                               report=served))

    def open_service_log(self, tab: str) -> None:
        """KPIs 6 to 9 come from the service log: show the entries there."""
        self.app.switch_mode("service")
        screen = self.app.screen
        if hasattr(screen, "show_kind"):
            screen.show_kind(tab)

    # -- export and sync -------------------------------------------------------------------------

    def action_export(self) -> None:
        """Warnings first (conflicts on the period's records, laptops not synced since it ended),
        read off the UI thread; then, when the manager says yes (or nothing to warn of), the export."""
        if self.period is None:
            return
        served = self.served if self.source == "server" else None
        if self.source == "server" and served is None:
            self.app.notify("The return from the team server is not built yet: wait for it, or f5 to ask "
                            "again.", title="Export", timeout=8, markup=False)
            return
        report = served.report if served is not None else self.report
        if report is None:
            self.app.notify("The figures are still being counted: export when they show.", title="Export",
                            timeout=6, markup=False)
            return
        period, today = self.period, self.ycapp.today()
        worker = self.ycapp.worker_info
        manager = bool(worker and worker.is_manager)
        connect = self.ycapp.team.connect
        self.query_one("#ret-status", Static).update(
            Text("Working: checking for conflicts and laptops not synced…", style="bold"))

        def check(store):
            client = connect(store) if connect is not None and served is None and manager else None
            return team_return.export_warnings(store, period, report, today, served, client, manager=manager)

        self.run_db(check, then=lambda warnings: self.warned(period, served, warnings),
                    on_error=lambda _error: self.warned(period, served, team_return.ExportWarnings(
                        unknown=team_return.CHECKS_FAILED)), what="check before export",
                    group="returns-export", exclusive=True)

    def warned(self, period: periods.Period, served, warnings) -> None:
        from screens.returns.forms import ExportModal, ExportWarningModal

        self.query_one("#ret-status", Static).update(self.status_text())

        def export(go: bool | None = True) -> None:
            if go:
                self.app.push_screen(ExportModal(period, self.ycapp.today(), self.export_folder,
                                                 served=served), self.exported)
        if warnings is not None and warnings.any:
            self.app.push_screen(ExportWarningModal(period, warnings.lines()), export)
        else:
            export()

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
