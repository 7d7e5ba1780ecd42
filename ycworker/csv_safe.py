"""CSV that a spreadsheet can open safely: UTF-8 with BOM, CRLF, RFC 4180, no formulas.

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'`` so that a spreadsheet never runs it (the commissioner's spec). Leading
whitespace of any kind before one of those characters is caught too (some spreadsheets strip it).
Numbers and dates are not text cells: pass them as int/float/date, not str.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

from ycworker import atomic

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
# Leading whitespace a spreadsheet may skip before reading a formula: every Unicode space except
# the tab and CR, which are dangerous themselves (so "\u00a0\t..." still counts as a tab first).
_SKIPPED = "".join(ch for ch in map(chr, range(0x3000 + 1)) if ch.isspace() and ch not in "\t\r")


def safe_cell(value: object) -> str:
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
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write the CSV atomically with a BOM. Returns the number of data rows."""
    rows = list(rows)
    atomic.write_bytes(Path(path), render(header, rows).encode("utf-8-sig"))
    return len(rows)
