"""Import a caseload spreadsheet from the UI: check the file, preview what will be added (or
every problem in it), then import it all in one go. The same rules as ``ycworker import
caseload FILE``; nothing is written unless the whole file is good."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Log, Static

from screens.common.base import DbModalScreen
from ycworker.caseload import actions
from ycworker.caseload.importing import ImportRejected, Plan
from ycworker.common.errors import describe

PREVIEW_LINES = 200


class ImportCaseloadScreen(DbModalScreen):
    DEFAULT_CSS = """
    ImportCaseloadScreen { align: center middle; }
    ImportCaseloadScreen #import-box { width: 110; height: 90%; border: round $primary;
        background: $surface; padding: 0 1; }
    ImportCaseloadScreen #import-title { text-style: bold; color: $primary; }
    ImportCaseloadScreen #import-summary { height: auto; padding: 1 0; }
    ImportCaseloadScreen #import-summary.bad { color: $error; }
    ImportCaseloadScreen #import-summary.good { color: $success; }
    ImportCaseloadScreen #import-detail { height: 1fr; border: round $panel; }
    """
    BINDINGS = [
        Binding("ctrl+s", "import_now", "Import the checked file", show=True),
        Binding("escape", "close", "Close", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.checked_path = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-box"):
            yield Label("Import a caseload spreadsheet (CSV, one row per referral)", id="import-title")
            yield Input(placeholder="Path of the CSV file, e.g. ~/Documents/caseload.csv; Enter checks it",
                        id="import-path")
            yield Static("Nothing is written until the whole file is good and you press ctrl+s.",
                         id="import-summary", markup=False)
            yield Log(id="import-detail", highlight=False)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    @on(Input.Submitted, "#import-path")
    def _check(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            return
        if not Path(path).expanduser().is_file():
            self._summary(f"There is no file at {path}.", "bad")
            return
        self.plan = None
        self._summary("Checking every row…", "")
        self.run_db(actions.check_import, path, self.context(), then=lambda plan: self._checked(path, plan),
                    what="check the file", group="import", exclusive=True)

    def _summary(self, text: str, cls: str) -> None:
        summary = self.query_one("#import-summary", Static)
        summary.set_classes(cls)
        summary.update(text)

    def _checked(self, path: str, plan: Plan) -> None:
        log = self.query_one("#import-detail", Log)
        log.clear()
        if not plan.ok:
            n = len(plan.errors)
            self._summary(f"{plan.file_name} cannot be imported: {n} problem{'s' if n != 1 else ''}. "
                          "Fix them in the spreadsheet and check again; nothing was written.", "bad")
            log.write_lines(plan.errors[:PREVIEW_LINES])
            if n > PREVIEW_LINES:
                log.write_line(f"… and {n - PREVIEW_LINES:,} more.")
            return
        self.plan, self.checked_path = plan, path
        already = len(plan.rows) - len(plan.new_rows)
        text = f"{plan.file_name} is good: ctrl+s will add {plan.summary()}."
        if already:
            text += f" {already:,} referral(s) are already in ycworker and will be left as they are."
        self._summary(text, "good")
        if plan.new_districts:
            log.write_line("New districts: " + ", ".join(plan.new_districts))
        if plan.new_schools:
            log.write_line(f"New schools ({len(plan.new_schools)}): " + ", ".join(plan.new_schools[:30]))
        log.write_line("Referrals to add:")
        log.write_lines(
            f"  row {r.number}: {r.carer_ref} {r.first_name} {r.last_name}, "
            f"referred {r.referral_date:%d/%m/%Y}"
            f" ({r.source}, consent {r.consent}){' closed ' + r.closure_reason if r.closure_reason else ''}"
            + ("" if r.carer_ref in plan.existing_carers else "  [new person]")
            for r in plan.new_rows[:PREVIEW_LINES])
        if len(plan.new_rows) > PREVIEW_LINES:
            log.write_line(f"  … and {len(plan.new_rows) - PREVIEW_LINES:,} more.")

    def action_import_now(self) -> None:
        if self.plan is None:
            self._summary("Check a file first: type its path and press Enter.", "bad")
            return
        self._summary("Importing…", "")
        self.run_db(actions.import_caseload, self.checked_path, self.context(),
                    then=self._done, on_error=self._failed, what="import the file", group="import",
                    exclusive=True)

    def _done(self, result) -> None:
        self.plan = None
        self._summary(result.sentence(), "good")
        self.app.notify(result.sentence())

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ImportRejected):
            self._summary(f"The file changed or the database did: {len(error.errors)} problem(s); "
                          "nothing was written.", "bad")
            log = self.query_one("#import-detail", Log)
            log.clear()
            log.write_lines(error.errors[:PREVIEW_LINES])
        else:
            self._summary(f"{describe(error, 'import')} Nothing was written.", "bad")

    def action_close(self) -> None:
        self.dismiss(None)
