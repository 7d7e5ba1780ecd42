"""The caseload: every young carer in one list, searched as you type.

The list is virtual (screens/widgets_caseload.CaseloadList): only the rows on screen are read
from the store, a page at a time, off the UI thread. The search box has the focus, so typing
searches at once (coalesced: one query at a time, the latest text next); arrows and
PageUp/PageDown move the list; Enter opens the record.

"Everyone" is the whole service's caseload for a manager; a worker who is not a manager sees only
their own cases unless the service allows it (``ycworker.caseload.reallocate``). Opened from the
Team view for one worker (``worker=(id, name)``) the list starts on that worker's cases with the
list focused: space marks cases and ``m`` moves the marked ones (or the one under the cursor) to
another worker, a manager's work.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, Header, Input, Select, Static

from screens.caseload.widgets import PAGE, CaseloadList, header_text
from screens.common.base import AreaScreen, plain_error
from screens.common.footer import Footer
from screens.common.reallocate import ReallocateModal
from ycworker.caseload import actions, reallocate
from ycworker.caseload import search as caseload
from ycworker.caseload.search import CaseloadQuery

FIRST_WINDOW = PAGE


class CaseloadScreen(AreaScreen):
    HELP_TITLE = "Caseload"
    DEFAULT_CSS = """
    CaseloadScreen #caseload-search { margin: 0 1; }
    CaseloadScreen #caseload-filters { height: 3; padding: 0 1; }
    CaseloadScreen #caseload-filters Select { width: 21; margin-right: 1; }
    CaseloadScreen #caseload-filters Checkbox { margin: 1 1 0 0; border: none; padding: 0; }
    CaseloadScreen #caseload-status { height: 1; padding: 0 1; background: $boost; }
    CaseloadScreen #caseload-header { height: 1; padding: 0 1; text-style: bold; color: $accent; }
    CaseloadScreen CaseloadList { padding: 0 1; }
    """
    BINDINGS = [
        Binding("enter", "open", "Open record", show=True),
        Binding("ctrl+n", "new_request", "New support request", key_display="^n", show=True),
        Binding("n", "new_request", "New support request (from the list)", show=False),
        Binding("slash", "search", "Search", key_display="/", show=False),
        Binding("f2", "toggle_mine", "Mine / everyone", show=True),
        Binding("f3", "toggle_overdue", "Overdue only", show=True),
        Binding("f4", "toggle_turning_18", "Turning 18 soon", show=True),
        Binding("f6", "next_sort", "Sort", show=True),
        Binding("f7", "next_status", "Open / closed / all", show=False),
        Binding("f8", "import_caseload", "Import a caseload spreadsheet", show=False),
        Binding("ctrl+o", "resume_draft", "Resume their draft assessment", key_display="^o", show=False),
        Binding("f5", "refresh", "Refresh", show=False),
        Binding("up", "list_move(-1)", "Up", show=False),
        Binding("down", "list_move(1)", "Down", show=False),
        Binding("pageup", "list_page(-1)", "Page up", show=False),
        Binding("pagedown", "list_page(1)", "Page down", show=False),
        Binding("escape", "back", "Clear search / back", show=False),
        # A manager's (check_action): mark cases and move them to another worker.
        Binding("space", "mark", "Mark", show=True),
        Binding("m", "move_marked", "Move marked cases", show=True),
    ]

    def __init__(self, worker: tuple[str, str] | None = None) -> None:
        """``worker``: (id, name) to open on that worker's caseload (from the Team view)."""
        super().__init__()
        self.for_worker = worker
        self.query_state = CaseloadQuery(worker_id=worker[0] if worker else None)
        self.marked: set[str] = set()
        self._in_flight = False
        self._counting = False
        self._again = False
        self._again_keep = False
        self._ready = False
        self.last_window: caseload.Window | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Search: name, carer ref, school or household (type any part)",
                    id="caseload-search")
        with Horizontal(id="caseload-filters"):
            scopes = [("Everyone", "everyone"), ("My caseload", "mine")]
            if self.for_worker:
                scopes.append((f"{self.for_worker[1]}'s caseload", "worker"))
            yield Select(scopes, value="worker" if self.for_worker else "everyone",
                         allow_blank=False, id="f-scope")
            yield Select([(label, key) for key, label in caseload.STATUSES.items()], value="open",
                         allow_blank=False, id="f-status")
            yield Select([("All districts", "")], value="", allow_blank=False, id="f-district")
            yield Select([("Any impact", ""), ("Low", "low"), ("Medium", "medium"), ("High", "high"),
                          ("Not assessed", "none")], value="", allow_blank=False, id="f-impact")
            yield Select([(f"Sort: {label}", key) for key, label in caseload.SORTS.items()],
                         value="name", allow_blank=False, id="f-sort")
            yield Checkbox("Overdue", id="f-overdue")
            yield Checkbox("Turning 18", id="f-turning18")
            yield Checkbox("Review overdue", id="f-review-overdue")
        yield Static("Loading the caseload…", id="caseload-status", markup=False)
        yield Static(header_text(), id="caseload-header")
        yield CaseloadList(id="caseload-list")
        yield Footer()

    def on_mount(self) -> None:
        if self.for_worker:
            self.listing.focus()  # space marks, m moves (the search is one / away)
        else:
            self.query_one("#caseload-search", Input).focus()
        self.reload()
        self.run_db(actions.caseload_scope, self.context(), then=self._scope, what="read the caseload scope",
                    group="scope")
        self.run_db(actions.filter_choices, then=self._choices, what="load the districts", group="choices")

    def on_screen_resume(self) -> None:
        if self._ready:
            self.reload(keep_cursor=True)

    # -- loading ---------------------------------------------------------------------------------

    @property
    def listing(self) -> CaseloadList:
        return self.query_one("#caseload-list", CaseloadList)

    def reload(self, keep_cursor: bool = False) -> None:
        """Read the first window for the current query. Searches are coalesced: at most one
        query runs at a time; keys typed meanwhile only change what the next one asks for."""
        if self._in_flight:
            self._again = True
            self._again_keep = self._again_keep or keep_cursor
            return
        self._in_flight = True
        query = self.query_state
        offset = 0
        if keep_cursor:
            offset = (self.listing.cursor // PAGE) * PAGE
        # The first rows paint before the count is known (a search counts its bounded set at once).
        self.run_db(actions.caseload_window, query, self.context(), offset, FIRST_WINDOW, False,
                    then=lambda w: self._loaded(query, w, keep_cursor),
                    on_error=self._load_failed, what="load the caseload", group="caseload")

    def _loaded(self, query: CaseloadQuery, window: caseload.Window, keep_cursor: bool) -> None:
        self._in_flight = False
        counted = window.total >= 0
        self._counting = not counted
        if not counted:  # for now: the rows read, and one more if the page was full
            window.total = window.offset + len(window.rows) + (1 if len(window.rows) == FIRST_WINDOW else 0)
        self._show(query, window, keep_cursor)
        if not counted and query == self.query_state:
            generation = self.listing.generation
            self.run_db(actions.caseload_count, query, self.context(),
                        then=lambda n: self._counted(query, generation, n),
                        what="count the caseload", group="caseload-count")
        self._next_if_asked()

    def _counted(self, query: CaseloadQuery, generation: int, total: int) -> None:
        if query != self.query_state or self.last_window is None:
            return
        self.last_window.total = total
        self._counting = False
        self.listing.set_total(generation, total)
        self._status()

    def _load_failed(self, error: BaseException) -> None:
        self._in_flight = False
        self.notify(plain_error(error, "load the caseload"), severity="error", timeout=10)
        self._next_if_asked()

    def _next_if_asked(self) -> None:
        if self._again:
            keep, self._again, self._again_keep = self._again_keep, False, False
            self.reload(keep_cursor=keep)

    def _show(self, query: CaseloadQuery, window: caseload.Window, keep_cursor: bool) -> None:
        if query != self.query_state:
            return  # a newer search is on its way
        self.last_window = window
        self._ready = True
        self.listing.reset(window.total, window.rows, window.offset if keep_cursor else 0)
        self._status()

    def _status(self) -> None:
        q, w = self.query_state, self.last_window
        if w is None:
            return
        noun = "carer" if w.total == 1 else "carers"
        if q.text.strip():
            found = (f"{w.total:,} {noun} among the first matches: type more to narrow" if w.capped
                     else f"{w.total:,} {noun} match")
        elif self._counting:
            found = "counting…"
        else:
            found = f"{w.total:,} {noun}"
        scope = "everyone"
        if q.worker_id:
            scope = (f"{self.for_worker[1]}'s caseload"
                     if self.for_worker and q.worker_id == self.for_worker[0] else "my caseload")
        bits = [found, scope, caseload.STATUSES[q.status].lower()]
        if self.marked:
            bits.append(f"{len(self.marked):,} marked (m moves them)")
        if q.overdue:
            bits.append("overdue")
        if q.turning_18:
            bits.append("turning 18 within 6 months")
        if q.review_overdue:
            bits.append("review overdue")
        if q.impact:
            bits.append(f"impact {q.impact}")
        bits.append(f"sorted by {caseload.SORTS[q.sort].lower()}")
        if w.total:
            bits.append(f"row {self.listing.cursor + 1:,}")
        self.query_one("#caseload-status", Static).update(" · ".join(bits), layout=False)

    @on(CaseloadList.PageWanted)
    def _page_wanted(self, event: CaseloadList.PageWanted) -> None:
        generation, page, query = event.generation, event.page, self.query_state
        # Scrolling on from a full page held: go on from its last row by key where the order has
        # one (deadline), instead of making SQLite skip every row before this page.
        before = self.listing.page_rows(page - 1) if page else None
        after = before[-1].sort_key if before and len(before) == PAGE else None
        self.run_db(actions.caseload_window, query, self.context(), page * PAGE, PAGE, False, after,
                    then=lambda w: self.listing.put_page(generation, page, w.rows),
                    what="load more of the caseload", group="caseload-page")

    @on(CaseloadList.Moved)
    def _moved(self, _event: CaseloadList.Moved) -> None:
        self._status()

    @on(CaseloadList.ColumnsChanged)
    def _columns_changed(self, event: CaseloadList.ColumnsChanged) -> None:
        self.query_one("#caseload-header", Static).update(event.header)

    @on(CaseloadList.Opened)
    def _opened(self, event: CaseloadList.Opened) -> None:
        self.ycapp.open_carer(event.carer_id)

    def _scope(self, everyone: bool) -> None:
        """A worker who may not see everyone's cases: "My caseload" only."""
        if everyone:
            return
        select = self.query_one("#f-scope", Select)
        select.set_options([("My caseload", "mine")])
        select.value = "mine"

    def _choices(self, choices: caseload.FilterChoices) -> None:
        self.query_one("#f-district", Select).set_options(
            [("All districts", ""), *[(name, did) for name, did in choices.districts]])

    def set_query(self, **changes) -> None:
        new = self.query_state.with_(**changes)
        if new != self.query_state:
            self.query_state = new
            self.reload()

    # -- search and filters ----------------------------------------------------------------------

    @on(Input.Changed, "#caseload-search")
    def _typed(self, event: Input.Changed) -> None:
        self.set_query(text=event.value)

    @on(Input.Submitted, "#caseload-search")
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_open()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        value = "" if event.select.is_blank() else event.value
        sid = event.select.id
        if sid == "f-scope":
            worker_id = self.context().worker_id
            if value == "worker" and self.for_worker:
                worker_id = self.for_worker[0]
            self.set_query(worker_id=worker_id if value in ("mine", "worker") else None)
        elif sid == "f-status":
            self.set_query(status=value or "open")
        elif sid == "f-district":
            self.set_query(district_id=value or None)
        elif sid == "f-impact":
            self.set_query(impact=value or None)
        elif sid == "f-sort":
            self.set_query(sort=value or "name")

    @on(Checkbox.Changed)
    def _checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "f-overdue":
            self.set_query(overdue=event.value)
        elif event.checkbox.id == "f-turning18":
            self.set_query(turning_18=event.value)
        elif event.checkbox.id == "f-review-overdue":
            self.set_query(review_overdue=event.value)

    # -- actions ---------------------------------------------------------------------------------

    def action_open(self) -> None:
        self.listing.action_open()

    def action_list_move(self, step: int) -> None:
        self.listing.action_move(step)

    def action_list_page(self, direction: int) -> None:
        self.listing.action_page(direction)

    def action_search(self) -> None:
        self.query_one("#caseload-search", Input).focus()

    def action_toggle_mine(self) -> None:
        select = self.query_one("#f-scope", Select)
        if select.value == "mine" and not self._may_see_everyone(select):
            self.notify("You see your own caseload: everyone's cases are for a manager (a manager can "
                        "let workers see them from the Team view).", severity="warning", markup=False)
            return
        select.value = "everyone" if select.value != "everyone" else "mine"

    @staticmethod
    def _may_see_everyone(select: Select) -> bool:
        return any(value == "everyone" for _label, value in select._options)

    # -- marking and moving cases (a manager's) ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "move_marked"):  # in a worker's caseload opened from the Team view
            worker = self.ycapp.worker_info
            return bool(self.for_worker and worker and worker.is_manager)
        return True

    def action_mark(self) -> None:
        row = self.listing.current
        if row is None:
            return
        if row.carer_id in self.marked:
            self.marked.discard(row.carer_id)
        else:
            self.marked.add(row.carer_id)
        self.listing.marked = self.marked
        self.listing.refresh()
        self.listing.action_move(1)
        self._status()

    def action_move_marked(self) -> None:
        ids = sorted(self.marked)
        if not ids:
            row = self.listing.current
            if row is None:
                return
            ids = [row.carer_id]
        noun = "case" if len(ids) == 1 else "cases"
        except_id = self.for_worker[0] if self.for_worker else None

        def chosen(workers: list[tuple[str, str]]) -> None:
            self.app.push_screen(ReallocateModal(f"{len(ids):,} marked {noun}" if self.marked
                                                 else "this case", workers),
                                 lambda to: self._move(ids, to))

        self.run_db(reallocate.workers_to_take, except_id, then=chosen, what="list the workers")

    def _move(self, ids: list[str], to: str | None) -> None:
        if not to:
            return

        def moved(result: reallocate.Moved) -> None:
            self.marked.clear()
            self.listing.marked = self.marked
            self.notify(result.sentence(), title="Cases moved", markup=False)
            self.reload(keep_cursor=True)

        self.run_db(reallocate.reallocate, ids, to, self.context(), then=moved, what="move the cases",
                    group="caseload-move", exclusive=True)

    def action_toggle_overdue(self) -> None:
        box = self.query_one("#f-overdue", Checkbox)
        box.value = not box.value

    def action_toggle_turning_18(self) -> None:
        box = self.query_one("#f-turning18", Checkbox)
        box.value = not box.value

    def action_next_sort(self) -> None:
        keys = list(caseload.SORTS)
        select = self.query_one("#f-sort", Select)
        select.value = keys[(keys.index(self.query_state.sort) + 1) % len(keys)]

    def action_next_status(self) -> None:
        keys = list(caseload.STATUSES)
        select = self.query_one("#f-status", Select)
        select.value = keys[(keys.index(self.query_state.status) + 1) % len(keys)]

    def action_refresh(self) -> None:
        self.reload(keep_cursor=True)

    def action_back(self) -> None:
        search = self.query_one("#caseload-search", Input)
        if search.value:
            search.value = ""
            search.focus()
        elif self.for_worker:  # opened from the Team view: back to it
            self.app.pop_screen()
        else:
            self.app.switch_mode("home")

    def action_new_request(self) -> None:
        from screens.caseload.referral_form import ReferralFormScreen

        search = self.query_one("#caseload-search", Input).value

        def done(carer_id: str | None) -> None:
            if carer_id:
                self.reload()
                self.ycapp.open_carer(carer_id)

        self.app.push_screen(ReferralFormScreen(prefill_name=search), done)

    def action_resume_draft(self) -> None:
        row = self.listing.current
        if row is None:
            return

        def opened(draft_id: str | None) -> None:
            if draft_id:
                self.ycapp.open_assessment(self, draft_id)
            else:
                self.notify(f"{row.name} has no draft assessment (a on the record starts one).",
                            severity="warning", markup=False)

        self.run_db(actions.draft_to_resume, row.carer_id, then=opened, what="find the draft")

    def action_import_caseload(self) -> None:
        from screens.caseload.import_caseload import ImportCaseloadScreen

        self.app.push_screen(ImportCaseloadScreen(), lambda _r: self.reload())
