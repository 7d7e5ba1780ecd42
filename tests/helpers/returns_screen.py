"""The Returns area's test data and pilot steps: a seeded quarter, open it, wait for figures, pick a row."""

from __future__ import annotations

from datetime import date

from db.models import Feedback, Review, ReviewOutcome
from tests.conftest import on_screen, screen_text, unlocked, until
from tests.helpers import factories as f

# today 2026-11-24: the last full quarter is 2026-27-Q2 (July to September 2026)
REFERRED = date(2026, 7, 1)  # Wednesday; allocation due Wednesday 2026-07-08


def seed(store) -> dict:
    with store.write() as s:
        north = f.district(s, "North")
        a = f.carer(s, first_name="Amy", last_name="Intime", carer_ref="YC-A1", district_id=north.id)
        b = f.carer(s, first_name="Ben", last_name="Nodate", carer_ref="YC-B2", district_id=north.id)
        c = f.carer(s, first_name="Cat", last_name="Late", carer_ref="YC-C3", district_id=north.id)
        f.referral(s, a.id, REFERRED, consent="given", allocated_date=date(2026, 7, 2),
                   assessment_completed_date=date(2026, 7, 10))
        missing = f.referral(s, b.id, REFERRED, consent="given")
        f.referral(s, c.id, REFERRED, consent="given", allocated_date=date(2026, 7, 20))
        for ok in (True, True, False):
            s.add(Feedback(feedback_date=date(2026, 8, 3), satisfied=ok))
        r = Review(carer_id=a.id, review_date=date(2026, 9, 1))
        s.add(r)
        s.flush()
        s.add(ReviewOutcome(review_id=r.id, outcome="OUT01", rating="improved"))
    store.close()
    return {"missing": missing.id, "b": b.id}


async def counted(pilot) -> None:
    """Wait until the Returns (or drill) screen has its figures."""
    def ready() -> bool:
        table = pilot.app.screen.query("DataTable").first()
        return not table.loading and "Working" not in screen_text(pilot.app)

    await until(pilot, ready, lambda: "the figures did not arrive")


async def open_returns(pilot) -> None:
    """From the unlock, by its key: the Returns area with its figures counted."""
    await unlocked(pilot)
    await pilot.press("e")
    await on_screen(pilot, "ReturnsScreen")
    await counted(pilot)


def go_to_row(app, label: str) -> None:
    table = app.screen.query_one("#ret-table")
    for i in range(table.row_count):
        if str(table.get_row_at(i)[0]).strip().startswith(label):
            table.move_cursor(row=i)
            return
    raise AssertionError(f"no row {label}")
