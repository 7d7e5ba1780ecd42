"""Tables that fit the terminal: the width left for one flexible column (a name that wraps)."""

from __future__ import annotations

from textual.widgets import DataTable


def flexible_width(table: DataTable, fixed: tuple[tuple[str, int], ...], least: int) -> int:
    """The width left for one flexible column once ``fixed`` columns, each column's cell padding
    and a vertical scrollbar are taken from the table's width; at least ``least``.

    The table's width is read from its screen (less its margins): a table in its loading state
    has no size of its own yet."""
    margin = table.styles.margin
    outer = table.screen.size.width - margin.left - margin.right
    padding = 2 * table.cell_padding * (len(fixed) + 1)
    scrollbar = table.styles.scrollbar_size_vertical or 0
    room = outer - sum(w for _, w in fixed) - padding - scrollbar
    return max(least, room)
