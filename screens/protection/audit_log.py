"""The audit log, for a manager: who did what, when, to which record; newest first, paged.

The log holds no personal data (worker, time, action, table, record id), so this screen shows
none either. ``n`` / ``p`` page through it; ``f`` shows one kind of action at a time.
"""

from __future__ import annotations

from datetime import UTC

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from ycworker.protection.actions import audit_log_page

PAGE_SIZE = 50

ACTION_WORDS = {
    "view": "viewed", "create": "created", "update": "changed", "export": "exported",
    "import": "imported", "erase": "erased", "unlock": "unlocked", "failed_unlock": "failed unlock",
    "lock": "locked", "backup": "backed up", "restore": "restored", "sync": "synced",
    "rekey": "key replaced", "archive": "archived",
}


def when_text(at) -> str:
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return f"{at.astimezone():%d/%m/%Y %H:%M:%S}"


class AuditLogScreen(AreaScreen):
    """A page of the audit log at a time."""

    HELP_TITLE = "Audit log"
    DEFAULT_CSS = """
    AuditLogScreen #audit-status { height: 1; padding: 0 1; background: $boost; }
    AuditLogScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("n", "page(1)", "Next page", show=True),
        Binding("p", "page(-1)", "Previous page", show=True),
        Binding("home", "first", "Newest", show=False),
        Binding("f", "next_filter", "Show one kind of action", show=True),
        Binding("f5", "refresh", "Refresh", show=True),
        Binding("escape", "back", "Back", show=True),
    ]

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        super().__init__()
        self.page = 0
        self.page_size = page_size
        self.action_filter: str | None = None
        self.last = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the audit log…", id="audit-status", markup=False)
        table: DataTable[str] = DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("When", "Worker", "Did", "Table", "Record id")
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def load(self) -> None:
        self.run_db(audit_log_page, self.page, self.page_size, self.action_filter, then=self._show,
                    what="read the audit log", group="audit", exclusive=True)

    def _show(self, page) -> None:
        self.last = page
        self.page = page.page
        table = self.query_one(DataTable)
        table.clear()
        for row in page.rows:
            table.add_row(when_text(row.at), row.worker, ACTION_WORDS.get(row.action, row.action),
                          row.entity.replace("_", " "), row.record_id)
        shown = ACTION_WORDS.get(self.action_filter, "every action") if self.action_filter else "every action"
        noun = "entry" if page.total == 1 else "entries"
        self.query_one("#audit-status", Static).update(
            f"Page {page.page + 1} of {page.pages} · {page.total:,} {noun} · {shown} · newest first · "
            "n next, p previous, f one kind")

    def action_page(self, step: int) -> None:
        pages = self.last.pages if self.last else 1
        target = min(max(0, self.page + step), pages - 1)
        if target != self.page:
            self.page = target
            self.load()

    def action_first(self) -> None:
        self.page = 0
        self.load()

    def action_next_filter(self) -> None:
        from ycworker.common.audit import ACTIONS

        kinds = [None, *ACTIONS]
        self.action_filter = kinds[(kinds.index(self.action_filter) + 1) % len(kinds)]
        self.page = 0
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()
