"""Percentages as the service log's summaries and the commissioner's return both show them: to one
decimal, rounded half up, exactly (integer arithmetic), blank when there is nothing to divide by."""

from __future__ import annotations


def percent_tenths(numerator: int, denominator: int) -> int | None:
    """100 x n / d in tenths of a percent, rounded half up (exact); None when d is 0."""
    if not denominator:
        return None
    return (2000 * numerator + denominator) // (2 * denominator)


def format_tenths(tenths: int | None) -> str:
    if tenths is None:
        return ""
    return f"{tenths // 10}.{tenths % 10}"


def percent_text(numerator: int, denominator: int) -> str:
    """'66.7' for 2/3, '12.5' for 1/8, '' for a 0 denominator."""
    return format_tenths(percent_tenths(numerator, denominator))
