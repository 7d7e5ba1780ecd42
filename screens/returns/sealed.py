"""The sealed returns in the outbox, newest first, and which have been sent (synced or exported to a
folder). ``y`` syncs them to a folder; Enter shows where a return's sealed copy is.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static
from textual.widgets.data_table import ColumnKey

from screens.common.base import AreaScreen
from screens.common.footer import Footer
from screens.common.tables import flexible_width
from ycworker.returns.actions import list_sealed
from ycworker.returns.outbox import ReturnRow


def sent_cell(row: ReturnRow) -> Text:
    if row.synced_to:
        when = f" on {row.synced_at:%d/%m/%Y}" if row.synced_at else ""
        return Text(f"✓ sent{when} to {row.synced_to}", style="green")
    return Text("✗ not sent", style="bold")


class SealedTable(DataTable):
    BINDINGS = [Binding("enter", "screen.where", "Where is it?")]


SEALED_COLUMNS = (("Return", 24), ("Period", 24), ("Sealed", 16), ("By", 14))
SENT_MIN = 20


class SealedReturnsScreen(AreaScreen):
    HELP_TITLE = "Sealed returns"
    DEFAULT_CSS = """
    SealedReturnsScreen #sealed-summary { padding: 0 1; background: $boost; height: auto; }
    SealedReturnsScreen #sealed-table { height: 1fr; margin: 0 1; }
    SealedReturnsScreen #sealed-detail { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("y", "sync", "Sync to a folder"),
        Binding("enter", "where", "Where is it?"),
        Binding("f5", "refresh", "Refresh"),
        Binding("escape", "back", "Back to the return"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.fitted_width = 0

    def on_resize(self, _event) -> None:
        if self.rows and self.fitted_width != self.size.width:
            self.call_after_refresh(lambda: self.show(self.rows))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Loading the sealed returns…", id="sealed-summary")
        table = SealedTable(id="sealed-table", cursor_type="row", zebra_stripes=True)
        for label, width in SEALED_COLUMNS:
            table.add_column(label, width=width)
        table.add_column("Sent", width=SENT_MIN, key="sent")
        yield table
        yield Static("", id="sealed-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(SealedTable).focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_db(list_sealed, then=self.show, what="list the sealed returns", group="sealed",
                    exclusive=True)

    def show(self, rows: list[ReturnRow]) -> None:
        self.rows = rows
        table = self.query_one(SealedTable)
        table.clear()
        # "Sent" takes the width the other columns leave and wraps: the table fits 120 columns.
        table.columns[ColumnKey("sent")].width = flexible_width(table, SEALED_COLUMNS, SENT_MIN)
        self.fitted_width = self.size.width
        for r in rows:
            table.add_row(r.label, f"{r.period_start:%d/%m/%Y} to {r.period_end:%d/%m/%Y}",
                          f"{r.made_at:%d/%m/%Y %H:%M}", Text(r.made_by or ""), sent_cell(r), key=r.id,
                          height=None)
        unsent = sum(1 for r in rows if not r.synced_to)
        if rows:
            text = f"{len(rows)} sealed return(s), {unsent} not sent · y copies them to a folder"
        else:
            text = "No sealed returns yet: export one from the Returns screen (x)."
        self.query_one("#sealed-summary", Static).update(text)

    def current(self):
        table = self.query_one(SealedTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_where()

    def action_where(self) -> None:
        row = self.current()
        if row is not None:
            self.query_one("#sealed-detail", Static).update(
                f"{row.folder_name}: sealed copy in {row.path}. Sealed returns are never changed; "
                "a correction is a new export.")

    def action_sync(self) -> None:
        from screens.returns.forms import open_sync

        open_sync(self, self.synced)

    def synced(self, result) -> None:
        if result is not None:
            self.query_one("#sealed-detail", Static).update(" ".join(result.lines()))
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()
