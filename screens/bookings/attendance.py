"""Attendance on one day of an activity, keys only, as in registers.

Space or Enter marks the highlighted child present, ``a`` absent, ``l`` late, ``u`` (or
Backspace) clears the mark; the cursor then moves to the next child not yet marked. A mark
repaints at once and is saved in order in the background; one that fails shows "not saved"
and is tried again with the next mark.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from ycworker.bookings import bookings
from ycworker.bookings.actions import load_attendance, save_attendance
from ycworker.common.errors import FieldError, FormErrors

MARK_TEXT = {"present": "✓ Present", "late": "◷ Late", "absent": "✗ Absent", None: "·"}
MARK_STYLE = {"present": "success", "late": "warning", "absent": "error", None: "text-muted"}


class AttendanceTable(DataTable):
    BINDINGS = [
        Binding("enter", "screen.mark('present')", "Present", show=False),
        Binding("space", "screen.mark('present')", "Present", show=False),
    ]


class AttendanceScreen(AreaScreen):
    HELP_TITLE = "Attendance on the day"
    DEFAULT_CSS = """
    AttendanceScreen #at-head { padding: 0 1; background: $boost; height: auto; text-style: bold; }
    AttendanceScreen #at-count { padding: 0 1; color: $accent; height: 1; }
    AttendanceScreen #at-not-yet { padding: 0 1; color: $error; text-style: bold; display: none; }
    AttendanceScreen #at-not-yet.shown { display: block; }
    AttendanceScreen #at-table { height: 1fr; margin: 0 1; }
    AttendanceScreen #at-status { padding: 0 1; height: 1; color: $text-muted; }
    AttendanceScreen #at-status.failed { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("space", "mark('present')", "Present", key_display="space/enter"),
        Binding("a", "mark('absent')", "Absent"),
        Binding("l", "mark('late')", "Late"),
        Binding("u,backspace", "mark('')", "Undo mark", key_display="u"),
        Binding("f5", "reload", "Reload", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, day_id: str):
        super().__init__()
        self.day_id = day_id
        self.rows: list[bookings.AttendanceRow] = []
        self.marks: dict[str, str | None] = {}
        self.unsaved: set[str] = set()
        self.queue: deque[tuple[str, str | None]] = deque()
        self.in_flight: list[tuple[str, str | None]] = []
        self.not_yet = ""  # the sentence refusing marks when the day is after today

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening…", id="at-head")
        yield Static("", id="at-count")
        yield Static("", id="at-not-yet")
        table = AttendanceTable(id="at-table", cursor_type="row", zebra_stripes=True)
        for key, label, width in (
            ("name", "Name", 26),
            ("ref", "Ref", 10),
            ("year", "School year", 12),
            ("fsm", "FSM", 4),
            ("send", "SEND", 5),
            ("needs", "Needs", 6),
            ("mark", "Mark", 18),
        ):
            table.add_column(label, key=key, width=width)
        yield table
        yield Static("Marks are saved as you make them.", id="at-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AttendanceTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.run_db(
            load_attendance,
            self.day_id,
            self.ycapp.today(),
            then=self.show,
            what="open the attendance list",
            group="at-load",
            exclusive=True,
        )

    def style(self, name: str) -> str:
        return self.app.theme_variables.get(name, "")

    def show(self, result) -> None:
        rows, heading, self.not_yet = result
        banner = self.query_one("#at-not-yet", Static)
        banner.update(self.not_yet)
        banner.set_class(bool(self.not_yet), "shown")
        self.rows = rows
        self.marks = {r.booking_day_id: r.mark for r in rows}
        self.query_one("#at-head", Static).update(f"Attendance · {heading}")
        table = self.query_one(AttendanceTable)
        table.clear()
        for r in rows:
            table.add_row(
                r.name,
                r.carer_ref,
                r.school_year,
                "yes" if r.fsm else "",
                "yes" if r.send else "",
                "yes" if r.needs else "",
                self.mark_cell(r.booking_day_id),
                key=r.booking_day_id,
            )
        first = self.next_unmarked(-1)
        if first is not None:
            table.move_cursor(row=first)
        self.update_count()

    def mark_cell(self, booking_day_id: str) -> Text:
        value = self.marks.get(booking_day_id)
        if booking_day_id in self.unsaved:
            return Text(f"{MARK_TEXT[value]} ⚠ not saved", style=f"bold {self.style('error')}")
        return Text(MARK_TEXT[value], style=self.style(MARK_STYLE[value]))

    def update_count(self) -> None:
        values = list(self.marks.values())
        present = sum(1 for v in values if v == "present")
        late = sum(1 for v in values if v == "late")
        absent = sum(1 for v in values if v == "absent")
        unmarked = sum(1 for v in values if v is None)
        attended = [r for r in self.rows if self.marks.get(r.booking_day_id) in bookings.ATTENDED]
        self.query_one("#at-count", Static).update(
            f"{len(values)} booked · {present} present · {late} late · "
            f"{absent} absent · {unmarked} to mark · "
            f"attended: {sum(r.fsm for r in attended)} FSM, {sum(r.send for r in attended)} SEND"
        )

    def next_unmarked(self, after: int) -> int | None:
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            if self.marks.get(self.rows[i].booking_day_id) is None:
                return i
        return None

    def action_mark(self, value: str) -> None:
        table = self.query_one(AttendanceTable)
        if not self.rows or table.cursor_row is None:
            return
        row_index = table.cursor_row
        row = self.rows[row_index]
        mark = value or None
        if mark is not None and self.not_yet:  # the service would refuse it too
            self.set_status(self.not_yet, failed=True)
            self.notify(self.not_yet, severity="warning")
            return
        self.marks[row.booking_day_id] = mark
        table.update_cell(row.booking_day_id, "mark", self.mark_cell(row.booking_day_id))
        self.update_count()
        self.queue.append((row.booking_day_id, mark))
        self.flush()
        if mark is not None:
            nxt = self.next_unmarked(row_index)
            if nxt is not None:
                table.move_cursor(row=nxt)
            elif row_index + 1 < len(self.rows):
                table.move_cursor(row=row_index + 1)

    def flush(self) -> None:
        if self.in_flight or not self.queue:
            return
        self.in_flight = list(self.queue)
        self.queue.clear()
        worker = self.ycapp.worker_info
        self.run_db(
            save_attendance,
            self.in_flight,
            worker.id if worker else None,
            self.ycapp.today(),
            then=self.saved,
            on_error=self.failed,
            what="save the marks",
            group="at-save",
        )

    def saved(self, ops) -> None:
        done = {bd for bd, _ in ops}
        self.in_flight = []
        changed = done & self.unsaved
        self.unsaved -= done
        table = self.query_one(AttendanceTable)
        for bd in changed:
            table.update_cell(bd, "mark", self.mark_cell(bd))
        status = self.query_one("#at-status", Static)
        status.update("Marks are saved as you make them.")
        status.remove_class("failed")
        self.flush()

    def set_status(self, text: str, failed: bool = False) -> None:
        status = self.query_one("#at-status", Static)
        status.update(text)
        status.set_class(failed, "failed")

    def failed(self, error: BaseException) -> None:
        ops, self.in_flight = self.in_flight, []
        if isinstance(error, (FieldError, FormErrors)):
            # Refused, not failed (e.g. the day is after today): trying again would not help.
            self.set_status(str(error), failed=True)
            self.notify(str(error), severity="error", timeout=10)
            self.action_reload()
            self.flush()
            return
        self.queue.extendleft(reversed(ops))  # tried again with the next mark
        table = self.query_one(AttendanceTable)
        for bd, _ in ops:
            self.unsaved.add(bd)
            table.update_cell(bd, "mark", self.mark_cell(bd))
        status = self.query_one("#at-status", Static)
        status.update(plain_error(error, "save the marks") + " They will be tried again with the next mark.")
        status.add_class("failed")

    def action_back(self) -> None:
        self.app.pop_screen()
