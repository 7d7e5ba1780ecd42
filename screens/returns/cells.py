"""How a figure of the return reads in a cell: its result in words and colour, its breakdown, its value."""

from __future__ import annotations

from rich.text import Text

from ycworker.returns import kpis

MET = ("✓ met", "bold green")
MISSED = ("✗ missed", "bold red")


def result_cell(target_met: str) -> Text:
    """The result in words and colour: ✓ met (green), ✗ missed (red), or nothing without a target."""
    if target_met == "Y":
        return Text(MET[0], style=MET[1])
    if target_met == "N":
        return Text(MISSED[0], style=MISSED[1])
    return Text("")


def breakdown_text(f: kpis.Figure) -> str:
    """'' for the whole figure, else e.g. 'age band: 11-15'."""
    return "" if f.breakdown == "all" else f"{f.breakdown.replace('_', ' ')}: {f.breakdown_value}"


def value_text(unit: str, value: str) -> str:
    if unit == kpis.PERCENT:
        return f"{value}%" if value else "no cases"
    return value
