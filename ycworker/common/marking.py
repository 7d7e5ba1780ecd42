"""Marks are taken on the day or after it: the sentence that refuses a mark for a future day.

Registers and activity attendance both use it, each with the service's notion of today (the App's
``today()``: fixed in tests and demos, the real date otherwise).
"""

from __future__ import annotations

from datetime import date


def day_words(day: date, today: date) -> str:
    """'Sat 5 December', with the year when it is not this year's ('Sat 5 December 2027')."""
    words = f"{day:%a} {day.day} {day:%B}"
    return words if day.year == today.year else f"{words} {day.year}"


def not_yet(what: str, day: date, today: date) -> str | None:
    """None when marks can be taken on ``day``; otherwise the sentence that says when they can."""
    if day <= today:
        return None
    return f"This {what} is on {day_words(day, today)}; marks can be taken from that day."
