"""A manager's retention review and the erasure of a person (right to erasure).

``RetentionScreen`` lists closed cases whose latest closure is longer ago than the retention
period (default 6 years; a setting): nothing is deleted from here. Enter opens the erasure form
for the highlighted person.

``EraseScreen``: type the young carer's reference, Enter shows what would go (the carer, their
referrals, assessments, plans, reviews, contacts, marks, bookings; the people they care for and
the household when nobody else uses them; optional links that are kept but unlinked), then type
the reference again to confirm and press ctrl+s. The erasure, the zeroing of freed pages and the
WAL checkpoint run off the UI thread; the audit entry names the record id only.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Input, Label, Static

from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.protection.settings import FORM_CSS, FormMixin, field_row
from ycworker.common.errors import FieldError
from ycworker.protection.actions import (
    ErasurePreview,
    RetentionReview,
    erase_person,
    preview_erasure,
    retention_review,
)
from ycworker.protection.erasure import Found


class RetentionScreen(AreaScreen):
    """Closed cases past the retention period, oldest closure first."""

    HELP_TITLE = "Retention review"
    DEFAULT_CSS = """
    RetentionScreen #retention-status { height: auto; padding: 0 1; background: $boost; }
    RetentionScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("enter", "erase", "Review and erase", show=True, priority=True),
        Binding("f5", "refresh", "Refresh", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Looking for closed cases past the retention period…", id="retention-status",
                     markup=False)
        table: DataTable[str] = DataTable(id="retention-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Ref", "Closed", "Years ago", "Review from")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.ycapp.store is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(retention_review, self.ycapp.today(), then=self._show, what="find cases for review",
                    group="retention", exclusive=True)

    def _show(self, loaded: RetentionReview) -> None:
        years, rows = loaded.years, loaded.due
        self.rows = rows
        today = self.ycapp.today()
        table = self.query_one(DataTable)
        table.clear()
        for d in rows:
            table.add_row(d.name, d.carer_ref, f"{d.closed_on:%d/%m/%Y}",
                          str((today - d.closed_on).days // 365), f"{d.review_from:%d/%m/%Y}",
                          key=d.carer_id)
        status = self.query_one("#retention-status", Static)
        if rows:
            status.update(f"{len(rows)} closed case{'s' if len(rows) != 1 else ''} closed more than "
                          f"{years} years ago. Review each: Enter to erase it, or keep it. "
                          "Nothing is deleted without you.")
        else:
            status.update(f"No closed case is older than the retention period ({years} years).")

    def _highlighted(self):
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def action_erase(self) -> None:
        chosen = self._highlighted()
        if chosen is not None:
            self.app.push_screen(EraseScreen(carer_ref=chosen.carer_ref))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_erase()

    def action_back(self) -> None:
        self.dismiss()


class EraseScreen(FormMixin, AreaScreen):
    """Find by reference, see what goes, confirm with the reference, erase for good."""

    HELP_TITLE = "Erase a person"
    FIELDS = ("ref", "confirm")
    DEFAULT_CSS = FORM_CSS + """
    EraseScreen #erase-plan { height: auto; border: round $warning; padding: 0 1; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding("ctrl+s", "erase", "Erase for good", key_display="^s", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, carer_ref: str = "") -> None:
        super().__init__()
        self.start_ref = carer_ref
        self.found: Found | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="prot-box"):
            yield Label("Erase a person (right to erasure)", classes="prot-title")
            yield Static("Everything about the young carer is removed for good, from the file and "
                         "its journal. Backups made before today still hold them until they age "
                         "out. The audit log keeps only the record id and who erased it.",
                         classes="prot-help")
            yield field_row("ref", "Young carer's reference", self.start_ref, placeholder="e.g. YC-AMIR01")
            yield Static("", id="erase-plan", markup=False)
            yield field_row("confirm", "Type the reference again", placeholder="to confirm")
            yield Static("", id="prot-message", classes="prot-message", markup=False)
            yield Static("Enter on the reference shows what would go; then type it again and press "
                         "ctrl+s (or Enter). Esc goes back.", classes="prot-help")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#erase-plan").display = False
        self.query_one("#row-confirm").display = False
        self.query_one("#f-ref", Input).focus()
        if self.start_ref:
            self.look_up()

    @on(Input.Submitted, "#f-ref")
    def _ref_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.look_up()

    @on(Input.Changed, "#f-ref")
    def _ref_changed(self, _event: Input.Changed) -> None:
        if self.found is not None and self.query_one("#f-ref", Input).value.strip().casefold() != \
                self.found.carer_ref.casefold():
            self._forget()

    @on(Input.Submitted, "#f-confirm")
    def _confirm_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_erase()

    def _forget(self) -> None:
        self.found = None
        self.query_one("#erase-plan").display = False
        self.query_one("#row-confirm").display = False
        self.query_one("#f-confirm", Input).value = ""

    def look_up(self) -> None:
        self.clear_errors()
        self._forget()
        self.run_db(preview_erasure, self.query_one("#f-ref", Input).value, then=self._previewed,
                    on_error=self.show_errors, what="find that young carer", group="erase-find",
                    exclusive=True)

    def _previewed(self, result: ErasurePreview) -> None:
        found, plan = result.found, result.plan
        self.found = found
        lines = [f"{found.name} ({found.carer_ref}), {found.status}: erasing removes", ""]
        lines += [f"  {line}" for line in plan.describe()]
        plan_box = self.query_one("#erase-plan", Static)
        plan_box.update("\n".join(lines))
        plan_box.display = True
        self.query_one("#row-confirm").display = True
        self.query_one("#f-confirm", Input).focus()

    def action_erase(self) -> None:
        if self.busy:
            return
        if self.found is None:
            self.look_up()
            return
        self.clear_errors()
        confirm = self.query_one("#f-confirm", Input).value
        if not confirm.strip():
            self.show_errors(FieldError("confirm", f"Type {self.found.carer_ref} to confirm."))
            return
        self.busy = True
        self.say("Erasing, then clearing the freed pages and the journal…")
        self.run_db(erase_person, self.found.carer_id, self.ycapp.worker_info, confirm, then=self._erased,
                    on_error=self._failed, what="erase", group="erase", exclusive=True)

    def _failed(self, error: BaseException) -> None:
        self.busy = False
        self.say("")
        if isinstance(error, FieldError):
            self.show_errors(error)
        else:
            self.say(plain_error(error, "erase"), error=True)

    def _erased(self, result) -> None:
        self.busy = False
        ref = result.plan.carer_ref
        self._forget()
        self.query_one("#f-ref", Input).value = ""
        self.query_one("#f-ref", Input).focus()
        removed = sum(result.plan.counts().values())
        journal = "the journal is cleared" if result.wal_cleared else (
            "the journal will be cleared when the other ycworker window closes")
        text = f"Erased {ref}: {removed} rows removed; {journal}."
        self.say(text)
        self.notify(text, title="Erased", timeout=10)

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss()
