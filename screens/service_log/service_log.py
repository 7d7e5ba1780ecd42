"""Service log area (s): the activity the return counts beside the casework, one tab per kind.

Awareness sessions (KPI 8), training (KPI 7), schools and their Young Carer Champions (KPI 9),
satisfaction feedback (KPI 6), the Compliments, Comments and Complaints log with the working days
taken to respond, the safeguarding themes log, and bus pass applications. Keys: 1 to 7 (or
ctrl+pageup/ctrl+pagedown) change tab, ``n`` adds an entry of the tab's kind, Enter or ``f2`` changes
the highlighted one, ``w`` changes the dates shown (this quarter, this financial year, everything),
``o`` shows schools off the service's list too. Each tab's first line is the count the return uses.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from screens.common.base import AreaScreen, set_loading
from screens.common.footer import Footer
from screens.service_log.forms import KIND_BY_KEY, KINDS
from ycworker.service_log import entries as service_log
from ycworker.service_log.actions import OpenedEntry, load_listing, open_entry, save_entry


class LogTable(DataTable):
    BINDINGS = [Binding("enter", "screen.edit", "Change entry")]


class ServiceActivityScreen(AreaScreen):
    HELP_TITLE = "Service log"
    DEFAULT_CSS = """
    ServiceActivityScreen #svc-window { padding: 0 1; height: 1; background: $boost; }
    ServiceActivityScreen TabbedContent { height: 1fr; }
    ServiceActivityScreen TabPane { padding: 0; }
    ServiceActivityScreen .svc-summary { padding: 0 1; height: auto; text-style: bold; }
    ServiceActivityScreen LogTable { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        Binding("n", "new", "New entry"),
        Binding("f2", "edit", "Change entry", show=False),
        Binding("w", "window", "Dates shown"),
        Binding("o", "off_list", "Schools off the list"),
        Binding("f5", "refresh", "Refresh"),
        Binding("ctrl+pagedown", "next_tab(1)", "Next tab", show=False),
        Binding("ctrl+pageup", "next_tab(-1)", "Tab before", show=False),
        *(Binding(str(i + 1), f"show_kind('{k.key}')", f"{k.title} tab", show=False)
          for i, k in enumerate(KINDS)),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.window_kind = "year"
        self.everyone = False  # schools off the list too
        self.rows: dict[str, list] = {k.key: [] for k in KINDS}
        self.asked: dict[str, int] = {k.key: 0 for k in KINDS}
        self.loaded: set[str] = set()
        self.wanted = KINDS[0].key  # the tab to open on (another area may ask for one)
        # The table to focus once its rows are in: a table showing "loading" cannot hold the
        # focus (Textual moves it to the tab bar), so asking before the rows arrive is not enough.
        self._focus_when_shown: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="svc-window", markup=False)
        with TabbedContent(initial=self.wanted):
            for i, kind in enumerate(KINDS):
                with TabPane(f"{i + 1} {kind.title}", id=kind.key):
                    yield Static("Loading…", id=f"sum-{kind.key}", classes="svc-summary", markup=False)
                    table = LogTable(id=f"tbl-{kind.key}", cursor_type="row", zebra_stripes=True)
                    for label, width in kind.columns:
                        table.add_column(label, width=width)
                    yield table
        yield Footer()

    def on_mount(self) -> None:
        self.update_window_line()
        self.refresh_kind(self.active)
        self._focus_when_shown = self.active
        self.call_after_refresh(lambda: self.table(self.active).focus())

    def on_screen_resume(self) -> None:
        self.loaded.clear()
        self._focus_when_shown = self.active
        self.refresh_kind(self.active)

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active or KINDS[0].key

    def table(self, key: str) -> LogTable:
        return self.query_one(f"#tbl-{key}", LogTable)

    def window(self) -> service_log.Window:
        return service_log.window(self.window_kind, self.ycapp.today())

    def update_window_line(self) -> None:
        kind = KIND_BY_KEY[self.active]
        if kind.dated:
            text = f"Showing {self.window().label} · w changes the dates · n adds · Enter changes"
        else:
            which = "every school, on the list or not" if self.everyone else \
                "the schools on the service's list"
            text = (f"Showing {which} · o {'hides' if self.everyone else 'shows'} those off the list · "
                    "n adds · Enter changes")
        self.query_one("#svc-window", Static).update(text)

    # -- tabs ----------------------------------------------------------------------------------

    def show_kind(self, key: str) -> None:
        if key not in KIND_BY_KEY:
            return
        self.wanted = key
        tabs = self.query(TabbedContent)
        if not tabs:  # not composed yet: it opens on the wanted tab
            return
        tabs.first().active = key
        self._focus_when_shown = key
        self.table(key).focus()

    def action_show_kind(self, key: str) -> None:
        self.show_kind(key)

    def action_next_tab(self, step: int) -> None:
        keys = [k.key for k in KINDS]
        self.show_kind(keys[(keys.index(self.active) + step) % len(keys)])

    @on(TabbedContent.TabActivated)
    def tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.update_window_line()
        if self.active not in self.loaded:
            self.refresh_kind(self.active)

    # -- loading -------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.loaded.clear()
        self.refresh_kind(self.active)

    def refresh_kind(self, key: str, select: str | None = None) -> None:
        self.asked[key] += 1
        asked = self.asked[key]
        self.loaded.add(key)
        set_loading(self.table(key), True)
        self.run_db(load_listing, key, self.window(), self.ycapp.today(), self.everyone,
                    then=lambda listing: self.show(key, asked, listing, select),
                    what="load the service log", group=f"svc-{key}")

    def show(self, key: str, asked: int, listing: service_log.Listing, select: str | None) -> None:
        if asked != self.asked[key]:
            return
        kind = KIND_BY_KEY[key]
        table = self.table(key)
        keep = select or self.current_id(key)
        set_loading(table, False)
        table.clear()
        self.rows[key] = listing.rows
        today = self.ycapp.today()
        for r in listing.rows:
            table.add_row(*kind.cells(r, today), key=r.id)
        ids = [r.id for r in listing.rows]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        if self._focus_when_shown == key:
            self._focus_when_shown = None
            if key == self.active:
                self.call_after_refresh(table.focus)
        summary = listing.summary
        if listing.capped:
            summary += f" · showing the newest {len(listing.rows):,} of {listing.total:,}"
        if not listing.rows:
            summary += " · none yet: n adds one"
        self.query_one(f"#sum-{key}", Static).update(summary)

    def current_id(self, key: str) -> str | None:
        table = self.table(key)
        rows = self.rows[key]
        if not rows or table.cursor_row is None or table.cursor_row >= len(rows):
            return None
        return rows[table.cursor_row].id

    def action_window(self) -> None:
        self.window_kind = service_log.next_window(self.window_kind)
        self.update_window_line()
        self.loaded.clear()
        self.refresh_kind(self.active)

    def action_off_list(self) -> None:
        self.everyone = not self.everyone
        if self.active != "schools":
            self.show_kind("schools")
        self.update_window_line()
        self.refresh_kind("schools")

    # -- add and change ------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new(self) -> None:
        self.open_form(self.active, None)

    def action_edit(self) -> None:
        key = self.active
        entry_id = self.current_id(key)
        if entry_id:
            self.open_form(key, entry_id)

    def open_form(self, key: str, entry_id: str | None) -> None:
        worker = self.ycapp.worker_info
        self.run_db(open_entry, key, entry_id, worker.id if worker else None,
                    then=lambda loaded: self.push_form(key, entry_id, loaded), what="open the entry")

    def push_form(self, key: str, entry_id: str | None, loaded: OpenedEntry) -> None:
        from functools import partial

        from screens.common.forms import FormModal

        kind = KIND_BY_KEY[key]
        title = f"New {kind.noun}" if entry_id is None else f"Change {kind.noun}"
        save = partial(save_entry, kind_key=key, entry_id=entry_id, context=self.context())
        self.app.push_screen(FormModal(title, kind.specs(loaded.values, loaded.districts), save),
                             lambda saved: self.saved(key, saved))

    def saved(self, key: str, entry_id: str | None) -> None:
        self._focus_when_shown = key
        self.table(key).focus()
        if entry_id:
            self.app.notify("Saved.", timeout=3)
            self.refresh_kind(key, select=entry_id)
