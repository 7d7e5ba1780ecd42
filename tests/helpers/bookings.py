"""Bookings test data and pilot steps: an activity, children to book on it, and the bookings area."""

from __future__ import annotations

from datetime import date

from tests.conftest import on_screen, unlocked
from tests.helpers import factories
from ycworker.bookings import activities
from ycworker.bookings.activities import ActivityInput, DayInput

XMAS = (date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23))
AFTER = date(2027, 9, 1)  # a "today" after every activity day here: their marks can be taken


def make_activity(session, *, capacity=2, days=XMAS, title="Winter party", **kw) -> tuple[str, list[str]]:
    data = ActivityInput(title=title, days=[DayInput(d) for d in days], capacity=capacity, **kw)
    aid = activities.create_activity(session, data, None)
    return aid, [d.id for d in activities.day_infos(session, aid)]


def kids(session, n, **kw) -> list[str]:
    names = ["Amira Khan", "Ben Ortiz", "Cara Doyle", "Dev Patel", "Ela Nowak", "Finn Reid", "Gus Hale",
             "Hana Ito"]
    out = []
    for i in range(n):
        first, last = names[i % len(names)].split()
        out.append(factories.carer(session, first_name=first, last_name=last, **kw).id)
    return out


async def open_bookings_area(pilot) -> None:
    await unlocked(pilot)
    await pilot.press("b")
    await on_screen(pilot, "ActivitiesScreen")


def notifications(app) -> str:
    return "\n".join(n.message for n in app._notifications)


def activity_with_children(store, *, capacity=2, n=4, days=(date(2026, 12, 21),)):
    with store.write() as s:
        aid, day_ids = make_activity(s, capacity=capacity, days=days)
        names = [("Amira", "Adams"), ("Ben", "Baker"), ("Cara", "Cole"), ("Dev", "Dean"), ("Ela", "Evans")]
        kids = [factories.carer(s, first_name=f, last_name=last).id for f, last in names[:n]]
    return aid, day_ids, kids
