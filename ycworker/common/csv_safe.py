"""CSV that a spreadsheet can open safely: UTF-8 with BOM, CRLF, RFC 4180, no formulas.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'`` so that a spreadsheet never runs it (the commissioner's spec). Their fullwidth
and small look-alikes (``＝`` U+FF1D ...) count as them, and leading whitespace of any kind or an
invisible character (U+200B, U+FEFF ...) before one of them is caught too (spreadsheets skip them).
Numbers and dates are not text cells: pass them as int/float/date, not str.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ycworker.common import atomic

# The spec's formula starts, then the look-alikes a spreadsheet reads as them (Excel and LibreOffice
# take a fullwidth "＝" as "=", and the small forms and the minus sign likewise).
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r",
                   "\uff1d", "\uff0b", "\uff0d", "\uff20",  # fullwidth = + - @
                   "\ufe66", "\ufe62", "\ufe63", "\ufe6b",  # small = + - @
                   "\u2212")  # minus sign
# Invisible characters a spreadsheet (or the eye) skips before a formula: zero-width space,
# non-joiner, joiner, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Leading whitespace a spreadsheet may skip before reading a formula: every Unicode space except
# the tab and CR, which are dangerous themselves (so "\u00a0\t..." still counts as a tab first).
_SKIPPED = "".join(ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace() and ch not in "\t\r") + _INVISIBLE


_DANGEROUS_SET = frozenset(DANGEROUS_FIRST)
#: A first character that needs the full look: dangerous, a space or invisible.
_SUSPECT_SET = _DANGEROUS_SET | frozenset(_INVISIBLE)


def safe_cell(value: object) -> str:
    kind = type(value)
    if kind is str and isinstance(value, str):  # the common case first: plainly harmless text
        if not value:
            return value
        first = value[0]
        if first not in _SUSPECT_SET and not first.isspace():
            return value
    elif kind is date and isinstance(value, date):
        return value.isoformat()
    elif kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    stripped = text.lstrip(_SKIPPED)
    if text.startswith(DANGEROUS_FIRST) or (stripped and stripped.startswith(DANGEROUS_FIRST)):
        return "'" + text
    return text


def render(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(_safe_rows(rows))
    return buf.getvalue()


def _safe_rows(rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    """Every cell through ``safe_cell``, with its common cases inline (a return has ~400,000 cells)."""
    bad, is_date = _SUSPECT_SET, date
    v: Any  # each cell: its type is read once, below
    for row in rows:
        out = []
        for v in row:
            kind = type(v)
            if kind is str:
                if v and (v[0] in bad or v[0].isspace()):
                    v = safe_cell(v)
            elif kind is is_date:
                v = v.isoformat()
            elif v is None:
                v = ""
            elif kind is not int:
                v = safe_cell(v)
            out.append(v)
        yield out


def write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write the CSV atomically with a BOM. Returns the number of data rows."""
    rows = list(rows)
    atomic.write_bytes(Path(path), render(header, rows).encode("utf-8-sig"))
    return len(rows)
