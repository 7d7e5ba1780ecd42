"""Helpers of the data-protection tests: unlocking as a worker, the F9 menu, open handles, a
person with a record in every table (for erasure), and another process holding the file open."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

from textual.widgets import Input, OptionList

from db.models import (
    ActivityDay,
    Assessment,
    AssessmentScore,
    AssessmentSection,
    Attendance,
    Booking,
    BookingDay,
    CaredFor,
    CaredForCondition,
    CareRelationship,
    Club,
    ClubSession,
    Contact,
    Feedback,
    HolidayActivity,
    PlanAction,
    Review,
    ReviewOutcome,
    SafeguardingEntry,
)
from tests.conftest import PASSPHRASE, screen_text, settle, until
from tests.helpers import factories as f


def db_handles(db_path: Path) -> list[str]:
    """The files of this process's open descriptors that are the db, its -wal or its -shm."""
    wanted = {str(db_path), f"{db_path}-wal", f"{db_path}-shm"}
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.removesuffix(" (deleted)") in wanted:
            found.append(target)
    return found


async def wait_for(pilot, test, what: str, rounds: int = 200):
    """Settle until ``test()`` holds (conftest.until), else fail saying what did not come."""
    await until(pilot, test, lambda: f"timed out waiting for {what}: {screen_text(pilot.app)[:600]}",
                rounds)


async def unlock_as(pilot, name: str | None, passphrase: str = PASSPHRASE) -> None:
    """On the unlock screen: type the passphrase; it says who is unlocking (``name``, when given,
    is checked once unlocked)."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query("#passphrase") and
                   not app.screen.query_one("#passphrase", Input).disabled, "the unlock screen")
    field = app.screen.query_one("#passphrase", Input)
    field.value = passphrase  # (test_app_shell types one key at a time; here only Enter is pressed)
    field.focus()
    await pilot.press("enter")
    if name is None:
        return
    await wait_for(pilot, lambda: app.unlocked and app.current_mode != app.LOCKED_MODE, "the unlock")
    await settle(pilot)
    assert app.worker_info is not None and app.worker_info.name == name


async def boot(pilot):
    app = pilot.app
    await wait_for(pilot, lambda: app.unlocked and app.current_mode == "home", "home")
    await settle(pilot)


async def open_from_menu(pilot, what: str) -> None:
    """F9, highlight the entry, Enter."""
    await pilot.press("f9")
    await wait_for(pilot, lambda: pilot.app.screen.__class__.__name__ == "ProtectionScreen", "the menu")
    menu = pilot.app.screen.query_one("#prot-menu", OptionList)
    menu.highlighted = menu.get_option_index(what)
    await pilot.press("enter")
    await settle(pilot)


CANARY = "Quillonbright"


def person(session, first=CANARY, household=None, mother=None, ref=None):
    """A carer with a record in every kind of table; names and notes carry the canary."""
    hh = household or f.household(session, name=f"{CANARY} family", address=f"1 {CANARY} Road")
    c = f.carer(session, first, f"{CANARY}son", date(2011, 2, 3), household_id=hh.id,
                carer_ref=ref or f"YC-{first[:4].upper()}", caring_tasks=f"helps {CANARY} mum")
    mum = mother or CaredFor(household_id=hh.id, name=f"{CANARY} mum", notes=f"{CANARY} diagnosis")
    session.add(mum)
    session.flush()
    session.add(CareRelationship(carer_id=c.id, cared_for_id=mum.id, relationship="mother"))
    if mother is None:
        session.add(CaredForCondition(cared_for_id=mum.id, condition="mental_health"))
    r = f.referral(session, c.id, date(2026, 9, 1), reason=f"{CANARY} referral")
    a = Assessment(carer_id=c.id, referral_id=r.id)
    session.add(a)
    session.flush()
    session.add(AssessmentSection(assessment_id=a.id, section="home", text=f"{CANARY} at home"))
    session.add(AssessmentScore(assessment_id=a.id, instrument="MACA-YC18", item=1, score=2))
    session.add(PlanAction(carer_id=c.id, assessment_id=a.id, what=f"{CANARY} plan"))
    rv = Review(carer_id=c.id, referral_id=r.id, review_date=date(2026, 11, 1), notes=f"{CANARY} review")
    session.add(rv)
    session.flush()
    session.add(ReviewOutcome(review_id=rv.id, outcome="OUT01", rating="improved"))
    session.add(Contact(carer_id=c.id, contact_date=date(2026, 11, 2), note=f"{CANARY} phoned"))
    club = Club(name="Chill Club")
    session.add(club)
    session.flush()
    cs = ClubSession(club_id=club.id, session_date=date(2026, 11, 3), start_time=time(16, 30))
    session.add(cs)
    session.flush()
    session.add(Attendance(session_id=cs.id, carer_id=c.id, status="present", note=f"{CANARY} came"))
    act = HolidayActivity(title="Winter party")
    session.add(act)
    session.flush()
    day = ActivityDay(activity_id=act.id, day_date=date(2026, 12, 20))
    session.add(day)
    session.flush()
    b = Booking(activity_id=act.id, carer_id=c.id, allergies=f"{CANARY} nuts")
    session.add(b)
    session.flush()
    session.add(BookingDay(booking_id=b.id, day_id=day.id))
    session.add(Feedback(feedback_date=date(2026, 11, 4), carer_id=c.id, satisfied=True))
    session.add(SafeguardingEntry(entry_date=date(2026, 11, 5), theme="neglect", carer_id=c.id))
    session.flush()
    return c, hh, mum


class HeldOpen:
    """Another process with the database open (as an unlocked ycworker in another terminal)."""

    def __init__(self, path, key_hex: str):
        import subprocess
        import sys

        code = ("import sys, sqlcipher3\n"
                "c = sqlcipher3.connect(sys.argv[1], isolation_level=None)\n"
                "c.execute(f\"PRAGMA key = \\\"x'{sys.argv[2]}'\\\"\")\n"
                "c.execute('PRAGMA journal_mode = WAL')\n"
                "c.execute('SELECT count(*) FROM district').fetchall()\n"
                "print('open', flush=True)\n"
                "sys.stdin.read()\n")
        self.proc = subprocess.Popen([sys.executable, "-c", code, str(path), key_hex],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "open"

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()
