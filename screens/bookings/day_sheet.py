"""The day sheet for the staff running one day: allergy/medical summary first, then each child.

``x`` writes it as Markdown (to print or read on a phone) and CSV (for a spreadsheet) into the
``day-sheets`` folder beside the database; ``[`` and ``]`` move to the previous or next day of
the activity; ``t`` opens attendance for this day.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Markdown, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.bookings import day_sheet
from ycworker.bookings.actions import export_day_sheet, open_day_sheet


class DaySheetScreen(AreaScreen):
    HELP_TITLE = "Day sheet"
    DEFAULT_CSS = """
    DaySheetScreen #ds-status { padding: 0 1; height: auto; background: $boost; }
    DaySheetScreen #ds-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("x", "export", "Export Markdown + CSV"),
        Binding("left_square_bracket", "step(-1)", "Previous day", key_display="["),
        Binding("right_square_bracket", "step(1)", "Next day", key_display="]"),
        Binding("t", "attendance", "Attendance"),
        Binding("f5", "reload", "Reload", show=False),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, day_id: str):
        super().__init__()
        self.day_id = day_id
        self.sheet: day_sheet.DaySheet | None = None
        self.day_ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the day sheet…", id="ds-status")
        with VerticalScroll(id="ds-scroll"):
            yield Markdown("", id="ds-markdown")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#ds-scroll").focus()
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.sheet is not None:
            self.action_reload()

    def action_reload(self) -> None:
        worker = self.ycapp.worker_info
        self.run_db(
            open_day_sheet,
            self.day_id,
            worker.id if worker else None,
            then=self.show,
            what="open the day sheet",
            group="ds",
            exclusive=True,
        )

    def show(self, result) -> None:
        self.sheet, self.day_ids = result
        n = self.day_ids.index(self.day_id) + 1 if self.day_id in self.day_ids else 1
        alerts = len(self.sheet.alerts)
        self.query_one("#ds-status", Static).update(
            f"Day {n} of {len(self.day_ids)} · {len(self.sheet.children)} children · "
            f"{alerts} with allergies or medical needs · x exports Markdown and CSV"
        )
        self.query_one("#ds-markdown", Markdown).update(day_sheet.render_markdown(self.sheet))

    def folder(self):
        return self.ycapp.db_path.parent / "day-sheets"

    def action_export(self) -> None:
        worker = self.ycapp.worker_info

        def done(paths) -> None:
            self.notify(
                "Day sheet written:\n" + "\n".join(str(p) for p in paths), title="Exported", timeout=12
            )
            self.query_one("#ds-status", Static).update(f"Written to {paths[0].parent}")

        self.run_db(
            export_day_sheet,
            self.day_id,
            self.folder(),
            worker.id if worker else None,
            then=done,
            what="export the day sheet",
        )

    def action_step(self, step: int) -> None:
        if self.day_id not in self.day_ids:
            return
        i = self.day_ids.index(self.day_id) + step
        if 0 <= i < len(self.day_ids):
            self.day_id = self.day_ids[i]
            self.action_reload()

    def action_attendance(self) -> None:
        from screens.bookings.attendance import AttendanceScreen

        self.app.push_screen(AttendanceScreen(self.day_id))

    def action_back(self) -> None:
        self.app.pop_screen()
