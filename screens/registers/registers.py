"""The registers area: clubs and their sessions; opening it lands on today's register.

On first opening, today's sessions of the worker's clubs (every club for a manager) are made
from the clubs' recurrences; one session today opens its register at once, several offer a
picker. The left list is the clubs, the right list the highlighted club's sessions (8 weeks back,
12 on) with their attendance; Tab moves between them.
"""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.registers import clubs, history
from ycworker.registers.actions import load_area, load_sessions, reinstate


class SessionPicker(ModalScreen[str | None]):
    """Several sessions today: choose which register to take."""

    DEFAULT_CSS = """
    SessionPicker { align: center middle; }
    SessionPicker > Vertical { width: 76; height: auto; border: thick $primary; background: $panel;
                               padding: 1 2; }
    SessionPicker OptionList { height: auto; max-height: 14; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Close")]

    def __init__(self, sessions: list[clubs.SessionRow]):
        super().__init__()
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Today's sessions: which register?")
            yield OptionList(*(Option(f"{x.times or 'today'}  {x.club_name}"
                                      f"{' at ' + x.venue if x.venue else ''}", id=x.id)
                               for x in self.sessions), id="today-sessions")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def _status(rate: history.SessionRate, row: clubs.SessionRow, today: date) -> str:
    if rate.cancelled:
        return f"Cancelled: {rate.cancel_reason}"
    marked = rate.present + rate.late + rate.absent
    if rate.session_date > today:
        text = "One-off" if row.one_off else "Planned"
    elif not marked:
        text = "Not taken" if rate.session_date < today else "Today"
    else:
        text = f"{rate.present} present, {rate.late} late, {rate.absent} absent"
    if row.bank_holiday:
        text += " (bank holiday)"
    return text


class RegistersScreen(AreaScreen):
    HELP_TITLE = "Registers"
    DEFAULT_CSS = """
    RegistersScreen #regs-today { padding: 0 1; background: $boost; }
    RegistersScreen #regs-panes { height: 1fr; }
    RegistersScreen #regs-clubs-box { width: 2fr; }
    RegistersScreen #regs-sessions-box { width: 3fr; }
    RegistersScreen .pane-title { padding: 0 1; text-style: bold; color: $accent; }
    RegistersScreen DataTable { height: 1fr; }
    RegistersScreen #regs-rate { padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open register"),
        Binding("t", "today", "Today's register"),
        Binding("n", "new_club", "New club"),
        Binding("i", "edit_club", "Change club"),
        Binding("m", "members", "Add members"),
        Binding("o", "one_off", "One-off session"),
        Binding("x", "cancel_session", "Cancel session"),
        Binding("y", "reinstate", "Reinstate session"),
        Binding("f5", "refresh", "Refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.today_rows: list[clubs.SessionRow] = []
        self.club_rows: list[clubs.ClubRow] = []
        self.session_ids: list[str] = []
        self.sessions: dict[str, clubs.SessionRow] = {}
        self.landed = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading today's sessions…", id="regs-today")
        with Horizontal(id="regs-panes"):
            with Vertical(id="regs-clubs-box"):
                yield Label("Clubs", classes="pane-title")
                table: DataTable[str] = DataTable(id="regs-clubs", cursor_type="row", zebra_stripes=True)
                table.add_columns("Club", "When", "Ages", "Members")
                yield table
            with Vertical(id="regs-sessions-box"):
                yield Label("Sessions", classes="pane-title", id="regs-sessions-title")
                table = DataTable(id="regs-sessions", cursor_type="row", zebra_stripes=True)
                table.add_columns("Date", "Time", "Register", "Attendance")
                yield table
                yield Static("", id="regs-rate")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#regs-clubs", DataTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.action_refresh()

    # -- loading ------------------------------------------------------------------------------

    def _worker(self):
        w = self.ycapp.worker_info
        return (w.id if w else None), bool(w and w.is_manager)

    def action_refresh(self) -> None:
        worker_id, everyone = self._worker()
        self.run_db(load_area, worker_id, self.ycapp.today(), everyone, then=self.show, what="load the clubs",
                    group="regs-load", exclusive=True)

    def show(self, loaded) -> None:
        self.today_rows, self.club_rows = loaded
        self.loaded = True
        held = [x for x in self.today_rows if not x.cancelled]
        today = self.query_one("#regs-today", Static)
        if not self.today_rows:
            today.update(f"{self.ycapp.today():%A %d %B}: no sessions today · n makes a new club")
        else:
            parts = [f"{x.club_name} {x.times}".strip() + (" (cancelled)" if x.cancelled else "")
                     for x in self.today_rows]
            today.update(f"Today: {' · '.join(parts)} · t takes today's register")
        table = self.query_one("#regs-clubs", DataTable)
        keep = table.cursor_row
        table.clear()
        for c in self.club_rows:
            table.add_row(c.name, c.when, f"{c.min_age}-{c.max_age}", str(c.members), key=c.id)
        if self.club_rows:
            table.move_cursor(row=min(max(keep, 0), len(self.club_rows) - 1))
            self.load_club_sessions()
        if not self.landed:
            self.landed = True
            if len(held) == 1:
                self.ycapp.open_register(held[0].id)
            elif len(held) > 1:
                self.action_today()

    def selected_club(self) -> clubs.ClubRow | None:
        table = self.query_one("#regs-clubs", DataTable)
        if not self.club_rows or not 0 <= table.cursor_row < len(self.club_rows):
            return None
        return self.club_rows[table.cursor_row]

    def selected_session(self) -> clubs.SessionRow | None:
        table = self.query_one("#regs-sessions", DataTable)
        if not self.session_ids or not 0 <= table.cursor_row < len(self.session_ids):
            return None
        return self.sessions.get(self.session_ids[table.cursor_row])

    @on(DataTable.RowHighlighted, "#regs-clubs")
    def club_highlighted(self, _event) -> None:
        self.load_club_sessions()

    def load_club_sessions(self) -> None:
        club = self.selected_club()
        if club is None:
            return
        self.run_db(load_sessions, club.id, self.ycapp.today(), then=lambda r: self.show_sessions(club, r),
                    what="load the sessions", group="regs-sessions", exclusive=True)

    def show_sessions(self, club: clubs.ClubRow, loaded) -> None:
        rates, self.sessions, overall = loaded
        today = self.ycapp.today()
        self.query_one("#regs-sessions-title", Label).update(
            f"Sessions of {club.name} · {club.venue or 'no venue'}")
        table = self.query_one("#regs-sessions", DataTable)
        keep = self.selected_session()
        table.clear()
        self.session_ids = []
        cursor = None
        for r in rates:
            row = self.sessions[r.session_id]
            attended = "" if r.rate is None or (not (r.present + r.late + r.absent)) else f"{r.rate:.0%}"
            when = f"{r.session_date:%a %d %b %Y}" + (" ◀ today" if r.session_date == today else "")
            table.add_row(when, row.times, _status(r, row, today), attended, key=r.session_id)
            self.session_ids.append(r.session_id)
            if keep and keep.id == r.session_id or (cursor is None and r.session_date >= today and not keep):
                cursor = len(self.session_ids) - 1
        if cursor is not None:
            table.move_cursor(row=cursor)
        self.query_one("#regs-rate", Static).update(
            f"{club.members} members · {club.when} · {overall.describe()}")

    # -- actions ------------------------------------------------------------------------------

    def action_open(self) -> None:
        if self.focused is self.query_one("#regs-clubs", DataTable):
            self.query_one("#regs-sessions", DataTable).focus()
            return
        session = self.selected_session()
        if session is not None:
            self.ycapp.open_register(session.id)

    @on(DataTable.RowSelected, "#regs-sessions")
    def session_selected(self, _event) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#regs-clubs")
    def club_selected(self, _event) -> None:
        self.query_one("#regs-sessions", DataTable).focus()

    def action_today(self) -> None:
        held = [x for x in self.today_rows if not x.cancelled]
        if not held:
            self.notify("No session of your clubs today.", severity="information")
        elif len(held) == 1:
            self.ycapp.open_register(held[0].id)
        else:
            def chosen(session_id: str | None) -> None:
                if session_id:
                    self.ycapp.open_register(session_id)

            self.app.push_screen(SessionPicker(held), chosen)

    def _after_form(self, result) -> None:
        if result:
            self.action_refresh()

    def action_new_club(self) -> None:
        from screens.registers.club_forms import ClubFormScreen

        self.app.push_screen(ClubFormScreen(), self._after_form)

    def action_edit_club(self) -> None:
        from screens.registers.club_forms import ClubFormScreen

        club = self.selected_club()
        if club is not None:
            self.app.push_screen(ClubFormScreen(club.id), self._after_form)

    def action_members(self) -> None:
        from screens.registers.club_forms import MemberPicker

        club = self.selected_club()
        if club is not None:
            self.app.push_screen(MemberPicker(club.id, club.name), self._after_form)

    def action_one_off(self) -> None:
        from screens.registers.club_forms import OneOffForm

        club = self.selected_club()
        if club is not None:
            self.app.push_screen(OneOffForm(club.id, club.name), self._after_form)

    def action_cancel_session(self) -> None:
        from screens.registers.club_forms import CancelForm

        session = self.selected_session()
        if session is None:
            self.notify("Choose a session in the right-hand list first.", severity="warning")
            return
        if session.cancelled:
            self.notify("That session is already cancelled (y reinstates it).", severity="warning")
            return
        what = f"{session.club_name} on {session.session_date:%a %d %b}"
        self.app.push_screen(CancelForm(session.id, what), self._after_form)

    def action_reinstate(self) -> None:
        session = self.selected_session()
        if session is None or not session.cancelled:
            self.notify("Choose a cancelled session to reinstate.", severity="warning")
            return
        self.run_db(reinstate, session.id, self._worker()[0], then=lambda _r: self.action_refresh(),
                    what="reinstate the session")
