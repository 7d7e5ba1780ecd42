"""The Team screen: a manager's view of every worker (issue 16).

One row a worker: open cases, allocations and assessments overdue (the stored working-day clocks),
carers turning 18 within six months, their laptop's last sync and the changes waiting on it as the
server last reported them (a laptop never in a team shows "not synced"). Everything is read from
this laptop (``ycworker.team.overview``): no network on a keypress.

Keys: Enter opens the worker's caseload (the caseload filtered to them, where cases can be marked
and moved); ``m`` moves every open case of the worker (a leaver) to another, chosen and confirmed
in a pop-up; ``v`` lets workers who are not managers see everyone's caseload, or stops it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.common.reallocate import ReallocateModal
from ycworker.caseload import reallocate
from ycworker.team import overview

COLUMNS = ("Worker", "Open cases", "Allocations overdue", "Assessments overdue", "Turning 18",
           "Last sync", "Waiting on laptop")


def row_cells(line: overview.WorkerLine, view: overview.TeamOverview) -> tuple[str, ...]:
    return (line.label, f"{line.open_cases:,}", f"{line.allocations_overdue:,}",
            f"{line.assessments_overdue:,}", f"{line.turning_18:,}", overview.sync_text(line, view.today),
            overview.waiting_text(line))


def summary(view: overview.TeamOverview) -> str:
    bits = [f"{len(view.lines):,} worker{'' if len(view.lines) == 1 else 's'}",
            f"{view.open_cases:,} open cases"]
    if view.unallocated:
        bits.append(f"{view.unallocated:,} not allocated ({view.unallocated_overdue:,} overdue)")
    if not view.enrolled:
        bits.append("this laptop is not in a team: no laptop has synced")
    elif view.reported_at is None:
        bits.append("laptops not reported yet: sync (ctrl+t) to hear from the server")
    else:
        bits.append(f"laptops as the server reported them {overview.sync_text_at(view)}")
    bits.append("workers see everyone's cases (v changes it)" if view.workers_see_everyone
                else "workers see only their own cases (v changes it)")
    return " · ".join(bits)


class TeamScreen(AreaScreen):
    HELP_TITLE = "Team"
    DEFAULT_CSS = """
    TeamScreen #team-status { height: auto; padding: 0 1; background: $boost; }
    TeamScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        # priority: the table would take Enter itself (and show nothing in the footer)
        Binding("enter", "open_caseload", "Open their caseload", show=True, priority=True),
        Binding("m", "move_cases", "Move their cases", show=True),
        Binding("v", "toggle_everyone", "Workers see everyone: on / off", show=False),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: overview.TeamOverview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the team…", id="team-status", markup=False)
        yield DataTable(id="team-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.load()

    def on_team_synced(self, _message: object) -> None:
        """A team sync ended: the laptops' report may be newer."""
        self.load()

    def load(self) -> None:
        self.run_db(overview.team_overview, self.context(), then=self.show, on_error=self.failed,
                    what="read the team", group="team-view", exclusive=True)

    def failed(self, error: BaseException) -> None:
        self.query_one("#team-status", Static).update(plain_error(error, "read the team"))

    def show(self, view: overview.TeamOverview) -> None:
        self.view = view
        table = self.query_one(DataTable)
        keep = table.cursor_row
        rows = [row_cells(line, view) for line in view.lines]
        # Widths worked out here: the table's own sizing after a clear could be lost when two loads
        # met (a sync ending as the screen opened), leaving every column at its title's width.
        table.clear(columns=True)
        for i, title in enumerate(COLUMNS):
            table.add_column(title, width=max([len(title), *(len(r[i]) for r in rows)]))
        for line, cells in zip(view.lines, rows, strict=True):
            table.add_row(*cells, key=line.worker_id)
        if view.lines:
            table.move_cursor(row=min(keep, len(view.lines) - 1))
        self.query_one("#team-status", Static).update(summary(view))

    @property
    def current(self) -> overview.WorkerLine | None:
        if self.view is None or not self.view.lines:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.view.lines[row] if 0 <= row < len(self.view.lines) else None

    @on(DataTable.RowSelected)
    def _selected(self, _event: DataTable.RowSelected) -> None:
        """Enter on the table (the table takes the key itself)."""
        self.action_open_caseload()

    def action_open_caseload(self) -> None:
        line = self.current
        if line is not None:
            self.ycapp.open_caseload_of(line.worker_id, line.name)

    def action_move_cases(self) -> None:
        line = self.current
        if line is None:
            return
        if not line.open_cases:
            self.notify(f"{line.name} holds no open cases to move.", severity="warning", markup=False)
            return

        def chosen(workers: list[tuple[str, str]]) -> None:
            noun = "case" if line.open_cases == 1 else "cases"
            what = f"{line.name}'s {line.open_cases:,} open {noun}"
            self.app.push_screen(ReallocateModal(what, workers), lambda to: self._move(line, to))

        self.run_db(reallocate.workers_to_take, line.worker_id, then=chosen, what="list the workers")

    def _move(self, line: overview.WorkerLine, to: str | None) -> None:
        if not to:
            return
        self.run_db(reallocate.reallocate_caseload, line.worker_id, to, self.context(),
                    then=self._moved, what="move the cases", group="team-move", exclusive=True)

    def _moved(self, moved: reallocate.Moved) -> None:
        self.notify(moved.sentence(), title="Cases moved", markup=False)
        self.load()

    def action_toggle_everyone(self) -> None:
        if self.view is None:
            return
        allow = not self.view.workers_see_everyone

        def done(allowed: bool) -> None:
            self.notify("Workers who are not managers now see everyone's cases in the caseload." if allowed
                        else "Workers who are not managers now see only their own cases in the caseload.",
                        markup=False)
            self.load()

        self.run_db(reallocate.set_workers_see_everyone, allow, self.context(), then=done,
                    what="change who sees everyone's cases")

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
