"""The Conflicts screen: two values for one field, and the person who settles which one stays.

Each line shows the person (carer reference and name), the field, the team server's value with who
changed it and when, this laptop's value with who and when, and the value both started from. ``s``
keeps the server's, ``l`` keeps this laptop's, ``t`` types a new value (checked as the record
screen checks that field). Each choice is one service call (``ycworker.team.conflicts.settle``):
the record takes the value at once, the choice is audited and goes to the server with the next
sync. A case owner sees the conflicts on their cases; a manager sees all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.common.forms import FormModal, Spec
from screens.team.sync_control import TeamSynced
from ycworker.team import conflicts as team_conflicts


def when_text(at: datetime | None) -> str:
    if at is None:
        return "when not known"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return f"{at.astimezone():%d/%m/%Y %H:%M}"


def who_when(by: str | None, at: datetime | None) -> str:
    return f"{by or 'someone'}, {when_text(at)}"


def person_text(line: team_conflicts.ConflictView) -> str:
    """The carer's reference and name; a record that is no carer's (or no longer on this laptop)
    says so."""
    return " ".join(p for p in (line.carer_ref, line.person) if p) or "(no person on this laptop)"


class ConflictsScreen(AreaScreen):
    """The open conflicts this worker may settle, oldest first."""

    HELP_TITLE = "Conflicts"
    DEFAULT_CSS = """
    ConflictsScreen #conflicts-status { height: 1; padding: 0 1; background: $boost; }
    ConflictsScreen DataTable { height: 1fr; }
    ConflictsScreen #conflict-detail { height: auto; max-height: 12; padding: 0 1;
        border-top: solid $panel; }
    """
    BINDINGS = [
        Binding("s", "keep('server')", "Keep the server's", show=True),
        Binding("l", "keep('laptop')", "Keep this laptop's", show=True),
        Binding("t", "type_value", "Type a new value", show=True),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[team_conflicts.ConflictView] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the conflicts…", id="conflicts-status", markup=False)
        table: DataTable[str] = DataTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Person", "Field", "Server's value", "Changed on the server",
                          "This laptop's value", "Changed on this laptop", "Both started from")
        yield table
        yield Static("", id="conflict-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def load(self) -> None:
        worker = self.ycapp.worker_info
        self.run_db(team_conflicts.to_settle, worker.id if worker else None,
                    bool(worker and worker.is_manager), then=self._show, what="read the conflicts",
                    group="conflicts", exclusive=True)

    def _show(self, lines: list[team_conflicts.ConflictView]) -> None:
        self.lines = lines
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for line in lines:
            table.add_row(person_text(line), line.label, line.server_value,
                          who_when(line.server_by, line.server_at), line.laptop_value,
                          who_when(line.laptop_by, line.laptop_at), line.base_value, key=line.id)
        if lines:
            table.move_cursor(row=min(keep, len(lines) - 1))
        n = len(lines)
        self.query_one("#conflicts-status", Static).update(
            f"{n} conflict{'' if n == 1 else 's'} to settle · s keeps the server's value · "
            "l keeps this laptop's · t types a new one" if n else "No conflicts to settle.")
        self._detail()

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _current(self) -> team_conflicts.ConflictView | None:
        table = self.query_one(DataTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    def _detail(self) -> None:
        line = self._current()
        text = "" if line is None else (
            f"{person_text(line)} · {line.label}\n"
            f"On the server:  {line.server_value}  ({who_when(line.server_by, line.server_at)})\n"
            f"On this laptop: {line.laptop_value}  ({who_when(line.laptop_by, line.laptop_at)})\n"
            f"Both started from: {line.base_value}")
        self.query_one("#conflict-detail", Static).update(text)

    # -- the choices -----------------------------------------------------------------------------

    def action_keep(self, keep: str) -> None:
        line = self._current()
        if line is None or self.busy:
            return
        self.busy = True
        self.run_db(team_conflicts.settle, line.id, keep, self.context(),
                    then=lambda shown: self._settled(line, shown), on_error=self._failed,
                    what="settle the conflict", group="conflicts-settle", exclusive=True)

    def action_type_value(self) -> None:
        line = self._current()
        if line is None or self.busy:
            return
        if not line.typed_allowed:
            self.notify("This field cannot be typed here; keep the server's value (s) or this "
                        "laptop's (l).", severity="warning", timeout=8)
            return
        ctx = self.context()

        def save(store, form):
            return team_conflicts.settle(store, line.id, "typed", ctx, form["value"])

        def done(shown: str | None) -> None:
            if shown is not None:
                self._settled(line, shown)

        start = "" if line.laptop_value == "(empty)" else line.laptop_value
        self.app.push_screen(FormModal(
            f"{person_text(line)} · {line.label}: type the value to keep",
            [Spec("value", line.label, value=start)], save,
            note=f"Server: {line.server_value} · this laptop: {line.laptop_value} · "
                 f"both started from: {line.base_value}"), done)

    def _settled(self, line: team_conflicts.ConflictView, shown: str) -> None:
        self.busy = False
        self.notify(f"{line.label} of {person_text(line)} kept as {shown}; it goes to the team "
                    "server with the next sync.", title="Conflict settled", timeout=6, markup=False)
        self.ycapp.team.refresh()
        self.load()

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.notify(plain_error(error, "settle the conflict"), severity="error", timeout=10, markup=False)
        self.load()

    def on_team_synced(self, _message: TeamSynced) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()
