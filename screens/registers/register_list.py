"""The register's list of children: a line-API widget that repaints one row per mark.

A DataTable re-renders every visible row after any cell changes (its row cache is keyed on a
table-wide update count), which costs tens of milliseconds on a slow laptop for 40 children.
Here each row's strip is cached by (child, version, cursor, width); a mark bumps that child's
version and refreshes that one line, and a cursor move refreshes the two lines involved.
"""

from __future__ import annotations

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ycworker.registers import register as registers

MARK_TEXT = {"present": "✓ Present", "late": "◷ Late", "absent": "✗ Absent", "": "·"}
# (title, width): the note takes what is left.
COLUMNS = (("Name", 30), ("Age", 6), ("Mark", 20), ("Transport", 18), ("Note", 0))


def header_text() -> str:
    return "".join(set_cell_size(f" {title}", width) for title, width in COLUMNS[:-1]) + " " + COLUMNS[-1][0]


class RegisterList(ScrollView, can_focus=True):
    """Rows of a register; the screen owns the data and calls ``refresh_child`` after a change."""

    COMPONENT_CLASSES = {
        "register-list--cursor", "register-list--zebra", "register-list--present",
        "register-list--late", "register-list--absent", "register-list--unmarked",
        "register-list--muted", "register-list--warning", "register-list--unsaved",
    }
    DEFAULT_CSS = """
    RegisterList { background: $surface; height: 1fr; }
    RegisterList > .register-list--cursor { background: $accent 35%; text-style: bold; }
    RegisterList:focus > .register-list--cursor { background: $accent 60%; }
    RegisterList > .register-list--zebra { background: $panel; }
    RegisterList > .register-list--present { color: $success; }
    RegisterList > .register-list--late { color: $warning; }
    RegisterList > .register-list--absent { color: $error; }
    RegisterList > .register-list--unmarked { color: $text-muted; }
    RegisterList > .register-list--muted { color: $text-muted; }
    RegisterList > .register-list--warning { color: $warning; text-style: bold; }
    RegisterList > .register-list--unsaved { color: $error; text-style: bold reverse; }
    """
    BINDINGS = [
        Binding("enter", "screen.mark('present')", "Present", show=False),
        Binding("space", "screen.mark('present')", "Present", key_display="space/enter"),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    class CursorMoved(Message):
        def __init__(self, index: int):
            super().__init__()
            self.index = index

    def __init__(self, **kw):
        super().__init__(**kw)
        self.rows: list[registers.RegisterRow] = []
        self.cursor = 0
        self.unsaved: set[str] = set()
        self._versions: dict[str, int] = {}
        self._cache: dict[tuple, Strip] = {}
        self._styles: dict[str, Style] | None = None
        self._index: dict[str, int] = {}

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[registers.RegisterRow], cursor_id: str | None = None) -> None:
        self.rows = rows
        self._index = {r.carer_id: i for i, r in enumerate(rows)}
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(rows))
        self.cursor = self._index.get(cursor_id, 0) if rows and cursor_id is not None else 0
        self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self.refresh()
        self.call_after_refresh(self.scroll_to_cursor)

    @property
    def current(self) -> registers.RegisterRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def refresh_child(self, carer_id: str) -> None:
        """The child's row changed: drop its cached strip and repaint just that line."""
        self._versions[carer_id] = self._versions.get(carer_id, 0) + 1
        i = self._index.get(carer_id)
        if i is not None:
            self.refresh_line(i)

    def move_cursor(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        old, self.cursor = self.cursor, index
        if old != index:
            self.refresh_line(old)
        self.refresh_line(index)
        self.scroll_to_cursor()
        self.post_message(self.CursorMoved(index))

    def scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or self.size.height
        if height <= 0:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def line_text(self, index: int) -> str:
        """The row as plain text (tests, and a screen reader's worth of detail)."""
        return "".join(text for text, _style in self._pieces(self.rows[index], self.size.width or 120))

    # -- actions -----------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor + step * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def on_click(self, event: Click) -> None:
        index = event.y + round(self.scroll_y)
        if 0 <= index < len(self.rows):
            self.move_cursor(index)

    # -- rendering ---------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._cache.clear()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))
        self._cache.clear()

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {n.removeprefix("register-list--"): self.get_component_rich_style(n, partial=True)
                            for n in self.COMPONENT_CLASSES}
            self._styles["base"] = self.rich_style
        return self._styles[name]

    def _pieces(self, r: registers.RegisterRow, width: int) -> list[tuple[str, str]]:
        """(text, style name) pieces of a row, each column padded to its width."""
        name_w, age_w, mark_w, transport_w = (w for _t, w in COLUMNS[:-1])
        pieces: list[tuple[str, str]] = []
        name = f" {r.name}"
        extra = ((" (walk-in)" if r.walk_in else "") + (" *" if r.needs_details else "")
                 + (f" [{r.access}]" if r.access else ""))
        pieces.append((set_cell_size(name, min(len(name), name_w)), ""))
        if extra and len(name) < name_w:
            pieces.append((set_cell_size(extra, min(len(extra), name_w - len(name))), "muted"))
        used = sum(len(p[0]) for p in pieces)
        pieces.append((" " * (name_w - used), ""))
        age = f" {r.age}" + ("" if r.in_range else " !")
        pieces.append((set_cell_size(age, age_w), "" if r.in_range else "warning"))
        mark = f" {MARK_TEXT[r.status]}"
        if r.carer_id in self.unsaved:
            pieces.append((set_cell_size(f"{mark} NOT SAVED", mark_w), "unsaved"))
        else:
            pieces.append((set_cell_size(mark, mark_w), r.status or "unmarked"))
        transport = "" if r.transport == "none" else registers.TRANSPORT_LABELS[r.transport]
        pieces.append((set_cell_size(f" {transport}", transport_w), ""))
        rest = max(0, width - name_w - age_w - mark_w - transport_w)
        pieces.append((set_cell_size(f" {r.note}", rest), "muted"))
        return pieces

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + round(self.scroll_y)
        base = self._style("base")
        if index >= len(self.rows) or width <= 0:
            return Strip([Segment(" " * width, base)], width)
        r = self.rows[index]
        is_cursor = index == self.cursor
        key = (r.carer_id, self._versions.get(r.carer_id, 0), is_cursor, index % 2, width,
               r.carer_id in self.unsaved)
        strip = self._cache.get(key)
        if strip is None:
            row_style = base
            if index % 2:
                row_style += self._style("zebra")
            if is_cursor:
                row_style += self._style("cursor")
            segments = [Segment(text, row_style + self._style(style) if style else row_style)
                        for text, style in self._pieces(r, width)]
            strip = Strip(segments).adjust_cell_length(width, row_style)
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = strip
        return strip
