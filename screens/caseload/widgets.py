"""Widgets of the caseload area.

``CaseloadList`` is a line-rendered virtual list: it knows how many carers match and keeps a few
pages of rows (``PAGE`` each) fetched from SQL on demand, so 50,000 carers cost what one screenful
costs. It asks its screen for a missing page through the ``PageWanted`` message; the screen
fetches it off the UI thread and hands it back with ``put_page``. A generation number drops pages
that arrive after the query has changed.
"""

from __future__ import annotations

from datetime import date

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Label, Static

from screens.common.base import plain_error
from ycworker.caseload.search import CaseloadRow
from ycworker.common.errors import FieldError

PAGE = 100
KEEP_PAGES = 12

# (title, width) of each column, in the order shown, when the list is wide enough for all of them.
COLUMNS = (
    ("Name", 24), ("Ref", 10), ("Age", 4), ("School", 20), ("District", 11), ("Worker", 7),
    ("Impact", 7), ("Deadline", 37), ("Contact", 11), ("Flag", 22),
)
# A narrower list keeps the columns a worker needs most, each at least this wide: the statutory
# deadline is never dropped or cut (80x24 showed names, refs and schools but no deadline).
PRIORITY = ("Name", "Deadline", "Impact", "Ref", "Worker", "Flag", "Age", "School", "District", "Contact")
MIN_WIDTH = {"Name": 16, "Deadline": 37, "Impact": 7, "Ref": 10, "Worker": 7, "Flag": 17, "Age": 4,
             "School": 12, "District": 9, "Contact": 11}
Layout = tuple[tuple[int, str, int], ...]  # (index into the row's cells, title, width)
FULL_WIDTH = sum(w for _t, w in COLUMNS)


def layout_for(width: int) -> Layout:
    """The columns that fit in ``width`` cells: all of them when they fit, else the most
    important at their narrowest, then widened (most important first) into what is left.
    Below 53 cells the name and the deadline still show (the list scrolls sideways)."""
    if width >= FULL_WIDTH:
        return tuple((i, title, w) for i, (title, w) in enumerate(COLUMNS))
    widths: dict[str, int] = {}
    used = 0
    for n, title in enumerate(PRIORITY):
        if n < 2 or used + MIN_WIDTH[title] <= width:  # the name and the deadline always
            widths[title] = MIN_WIDTH[title]
            used += MIN_WIDTH[title]
    spare = width - used
    preferred = dict(COLUMNS)
    for title in PRIORITY:
        if title in widths and spare > 0:
            grow = min(spare, preferred[title] - widths[title])
            widths[title] += grow
            spare -= grow
    return tuple((i, title, widths[title]) for i, (title, _w) in enumerate(COLUMNS) if title in widths)


FULL_LAYOUT = layout_for(FULL_WIDTH)


def _fit(text: str, width: int) -> str:
    text = text or ""
    if len(text) > width - 1:
        text = text[: max(0, width - 2)] + "…"
    return text.ljust(width)


def header_text(layout: Layout = FULL_LAYOUT) -> str:
    return "".join(_fit(title, width) for _i, title, width in layout)


def row_cells(row: CaseloadRow) -> list[str]:
    contact = f"{row.last_contact:%d/%m/%Y}" if isinstance(row.last_contact, date) else ""
    status = "" if row.status == "open" else f" [{row.status}]"
    return [row.name + status, row.carer_ref, str(row.age), row.school, row.district, row.worker,
            row.impact, row.deadline_text, contact, row.flag]


def row_text(row: CaseloadRow, layout: Layout = FULL_LAYOUT) -> str:
    cells = row_cells(row)
    return "".join(_fit(cells[i], width) for i, _t, width in layout)


class CaseloadList(ScrollView, can_focus=True):
    """The caseload as a virtual list of one line per carer."""

    DEFAULT_CSS = """
    CaseloadList { height: 1fr; overflow-x: auto; overflow-y: scroll; }
    CaseloadList > .caseload-list--cursor { background: $accent 40%; text-style: bold; }
    CaseloadList > .caseload-list--marked { background: $warning 35%; text-style: bold; }
    CaseloadList:focus > .caseload-list--cursor { background: $accent; color: $text; }
    CaseloadList > .caseload-list--overdue { color: $error; }
    CaseloadList > .caseload-list--closed { color: $text-muted; }
    CaseloadList > .caseload-list--loading { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "caseload-list--cursor", "caseload-list--overdue", "caseload-list--closed", "caseload-list--marked",
        "caseload-list--loading",
    }
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "open", "Open record", show=False),
    ]

    class PageWanted(Message):
        def __init__(self, generation: int, page: int):
            super().__init__()
            self.generation = generation
            self.page = page

    class Opened(Message):
        def __init__(self, carer_id: str):
            super().__init__()
            self.carer_id = carer_id

    class ColumnsChanged(Message):
        """The list was resized and shows other columns: the header should follow."""

        def __init__(self, header: str):
            super().__init__()
            self.header = header

    class Moved(Message):
        def __init__(self, index: int, total: int):
            super().__init__()
            self.index = index
            self.total = total

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.total = 0
        self.generation = 0
        self.cursor = 0
        self.marked: set[str] = set()  # carer ids marked (the caseload's space), painted as such
        self._pages: dict[int, list[CaseloadRow]] = {}
        self._asked: set[int] = set()
        self.columns: Layout = FULL_LAYOUT
        self._width = FULL_WIDTH

    def on_resize(self) -> None:
        layout = layout_for(self.scrollable_content_region.width)
        if layout == self.columns:
            return
        self.columns = layout
        self._width = sum(w for _i, _t, w in layout)
        self._set_lines(self.total)
        self.refresh()
        self.post_message(self.ColumnsChanged(header_text(layout)))

    # -- data ------------------------------------------------------------------------------------

    def reset(self, total: int, first_rows: list[CaseloadRow], offset: int = 0) -> int:
        """A new result: the number that match and the first rows. Returns the new generation."""
        self.generation += 1
        self.total = max(0, total)
        self._pages = {}
        self._asked = set()
        if first_rows:
            self._store(offset, first_rows)
        self.cursor = min(self.cursor if offset else 0, max(0, self.total - 1))
        self._set_lines(self.total)
        if not offset:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Moved(self.cursor, self.total))
        return self.generation

    def set_total(self, generation: int, total: int) -> None:
        """The exact count, when it arrives after the first rows."""
        if generation != self.generation:
            return
        self.total = max(0, total)
        self._set_lines(self.total)
        self.refresh()
        self.post_message(self.Moved(self.cursor, self.total))

    def _set_lines(self, lines: int) -> None:
        """Set the scrollable height without a layout of the whole screen.

        ``virtual_size`` is a layout reactive: each change arranged every widget of the screen
        again (about 12 ms of the 43 ms from a search keystroke to its painted result at 50,000
        carers). Only this list's scroll range changes (its vertical scrollbar is always shown,
        ``overflow-y: scroll``, so no scrollbar appears or goes), so the scrollbars are updated
        here as a layout would (Textual's ``_scroll_update``; Textual is pinned exactly)."""
        new = Size(self._width, lines)
        if new == self.virtual_size:
            return
        if not self.container_size:  # not laid out yet: the first layout sizes everything
            self.virtual_size = new
            return
        self.set_reactive(CaseloadList.virtual_size, new)
        self._scroll_update(new)
        self.refresh()

    def _store(self, offset: int, rows: list[CaseloadRow]) -> None:
        for i in range(0, len(rows), PAGE):
            self._pages[(offset + i) // PAGE] = rows[i: i + PAGE]
        if len(self._pages) > KEEP_PAGES:
            here = self.cursor // PAGE
            for page in sorted(self._pages, key=lambda p: -abs(p - here))[: len(self._pages) - KEEP_PAGES]:
                self._pages.pop(page, None)
                self._asked.discard(page)

    def put_page(self, generation: int, page: int, rows: list[CaseloadRow]) -> None:
        if generation != self.generation:
            return
        self._asked.discard(page)
        self._store(page * PAGE, rows)
        self.refresh()

    def page_rows(self, page: int) -> list[CaseloadRow] | None:
        """The rows held of a page (None if not read or let go)."""
        return self._pages.get(page)

    def row_at(self, index: int) -> CaseloadRow | None:
        page = self._pages.get(index // PAGE)
        if page is None:
            if 0 <= index < self.total and index // PAGE not in self._asked:
                self._asked.add(index // PAGE)
                self.post_message(self.PageWanted(self.generation, index // PAGE))
            return None
        i = index % PAGE
        return page[i] if i < len(page) else None

    @property
    def current(self) -> CaseloadRow | None:
        return self.row_at(self.cursor) if self.total else None

    def visible_rows(self) -> list[CaseloadRow]:
        """The rows painted now (for tests and the palette)."""
        top = round(self.scroll_offset.y)
        out = []
        for index in range(top, min(self.total, top + self.size.height)):
            row = self.row_at(index)
            if row is not None:
                out.append(row)
        return out

    # -- painting --------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(index)
        if row is None:
            style = base + self.get_component_rich_style("caseload-list--loading")
            text = "  loading…"
        else:
            style = base
            if row.overdue:
                style += self.get_component_rich_style("caseload-list--overdue")
            elif row.status != "open":
                style += self.get_component_rich_style("caseload-list--closed")
            text = row_text(row, self.columns)
            if row.carer_id in self.marked:
                style += self.get_component_rich_style("caseload-list--marked")
        if index == self.cursor:
            style += self.get_component_rich_style("caseload-list--cursor")
        text = text.ljust(max(self._width, width + scroll_x))
        strip = Strip([Segment(text, style)], len(text))
        return strip.crop(scroll_x, scroll_x + width).simplify()

    # -- moving ----------------------------------------------------------------------------------

    def set_cursor(self, index: int) -> None:
        if not self.total:
            return
        old = self.cursor
        self.cursor = max(0, min(index, self.total - 1))
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True,
                              force=True)
        for i in (old, self.cursor):
            self.refresh(Region(0, i - round(self.scroll_offset.y), self.size.width, 1))
        self.post_message(self.Moved(self.cursor, self.total))

    def action_move(self, step: int) -> None:
        self.set_cursor(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.set_cursor(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self.set_cursor(self.total - 1 if where < 0 else 0)

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.carer_id))

    def on_click(self, event) -> None:
        index = round(self.scroll_offset.y) + event.y
        if 0 <= index < self.total:
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.set_cursor(index)


class FieldRow(Static):
    """A labelled input with its error message beside it (forms keep what was typed)."""

    DEFAULT_CSS = """
    FieldRow { layout: horizontal; height: auto; margin: 0 0 0 0; }
    FieldRow > .field-label { width: 22; padding: 1 1 0 0; text-align: right; }
    FieldRow > Input { width: 1fr; }
    FieldRow > .field-row-error { width: 1fr; color: $error; padding: 1 0 0 1; height: auto; }
    """

    def __init__(self, name: str, label: str, value: str = "", *, placeholder: str = "",
                 input_id: str | None = None):
        super().__init__(id=f"row-{name}")
        self.field_name = name
        self.label = label
        self.value = value
        self.placeholder = placeholder
        self.input_id = input_id or f"f-{name}"

    def compose(self):
        yield Label(self.label, classes="field-label")
        yield Input(self.value, placeholder=self.placeholder, id=self.input_id)
        yield Label("", classes="field-row-error", id=f"err-{self.field_name}", markup=False)

    def show_error(self, message: str | BaseException) -> None:
        if isinstance(message, BaseException):
            message = message.message if isinstance(message, FieldError) else plain_error(message, "save")
        self.query_one(f"#err-{self.field_name}", Label).update(message)

    @property
    def input(self) -> Input:
        return self.query_one(Input)


__all__ = ["PAGE", "CaseloadList", "FieldRow", "Style", "header_text", "layout_for", "row_text"]
