"""Issue 12 item 19 (formula part): fullwidth and small look-alikes of = + - @, and a leading
invisible character (U+200B, U+FEFF ...), are formula starts: such a cell gets a leading '."""

from __future__ import annotations

import csv
import io

import pytest

from ycworker.common.csv_safe import render, safe_cell


@pytest.mark.parametrize("text", [
    "\uff1dHYPERLINK(\"http://x\")",  # fullwidth =
    "\uff0b1+1", "\uff0d1+1", "\uff20SUM(A1)",  # fullwidth + - @
    "\ufe66cmd", "\u2212 2",  # small =, minus sign
    "\u200b=1+1", "\ufeff=1+1", "\u200b\ufeff@x", "\u2060+1",  # invisible, then a formula start
    " \u200b\uff1dx",  # a space and an invisible before a fullwidth =
])
def test_look_alike_formula_starts_are_quoted(text):
    assert safe_cell(text) == "'" + text
    row = next(csv.reader(io.StringIO(render(["name"], [[text]]).splitlines()[1])))
    assert row == ["'" + text]


@pytest.mark.parametrize("text", ["Willow Moore", "\u200bWillow", "Ａbena", "O'Brien", "née Smith"])
def test_names_that_only_look_unusual_are_unchanged(text):
    assert safe_cell(text) == text
    assert render(["name"], [[text]]).splitlines()[1].strip('"') == text
