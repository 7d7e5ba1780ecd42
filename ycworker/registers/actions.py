"""Registers use cases: one function per user action, each owning its one transaction.

The screens in ``screens/registers/`` call these through ``run_db``; none opens a transaction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from db.engine import Store
from ycworker.registers import clubs, history
from ycworker.registers import register as registers

# -- the registers area -----------------------------------------------------------------------------


def load_area(store: Store, worker_id: str | None, today: date, everyone: bool
              ) -> tuple[list[clubs.SessionRow], list[clubs.ClubRow]]:
    """Today's sessions and the clubs list. A write: today's sessions are materialised first."""
    with store.write() as s:
        today_rows = registers.todays_sessions(s, worker_id, today, everyone=everyone)
        return today_rows, clubs.list_clubs(s, worker_id, today, everyone=everyone)


def load_sessions(store: Store, club_id: str, today: date
                  ) -> tuple[list[history.SessionRate], dict[str, clubs.SessionRow], history.Rate]:
    """A club's sessions around today with their attendance, and the overall rate."""
    start, end = today - clubs.WINDOW_BEFORE, today + clubs.WINDOW_AFTER
    with store.read() as s:
        rates = history.club_attendance(s, club_id, start, end)
        sessions = {x.id: x for x in clubs.club_sessions(s, club_id, start, end)}
        return rates, sessions, history.overall_rate(rates, today)


def reinstate(store: Store, session_id: str, worker_id: str | None) -> None:
    with store.write() as s:
        clubs.reinstate_session(s, session_id, worker_id=worker_id)


# -- taking a register ------------------------------------------------------------------------------


def open_register(store: Store, session_id: str, worker_id: str | None, today: date
                  ) -> registers.Register:
    """Load a register (a session after today says so in ``not_yet``). A write: viewing is audited."""
    with store.write() as s:
        return registers.load_register(s, session_id, worker_id=worker_id, today=today)


def apply_ops(store: Store, session_id: str, ops: list[tuple[str, str, Any]], worker_id: str | None,
              today: date) -> list[tuple[str, str, Any]]:
    """Apply a batch of register changes in one transaction, in order (all or none: a mark for a
    session after today refuses the batch with a sentence)."""
    with store.write() as s:
        for kind, carer_id, value in ops:
            if kind == "mark":
                registers.mark(s, session_id, carer_id, value, today=today, worker_id=worker_id)
            elif kind == "clear":
                registers.clear_mark(s, session_id, carer_id, worker_id=worker_id)
            elif kind == "transport":
                registers.set_transport(s, session_id, carer_id, value, worker_id=worker_id)
            elif kind == "note":
                registers.set_note(s, session_id, carer_id, value, worker_id=worker_id)
    return ops


def export_register(store: Store, session_id: str, folder: str, worker_id: str | None) -> tuple[Path, int]:
    """Write the register to a file in ``folder``; returns the path and the rows written."""
    with store.write() as s:
        reg = registers.load_register(s, session_id)
        path = Path(folder) / registers.export_filename(reg)
        n = registers.export_register(s, session_id, path, worker_id=worker_id)
    return path, n


def walk_in(store: Store, session_id: str, first: str, last: str, born: str, today: date,
            worker_id: str | None, link: str | None, force_new: bool) -> registers.WalkIn:
    with store.write() as s:
        return registers.walk_in(s, session_id, first, last, born, today=today, worker_id=worker_id,
                                 link_carer_id=link, force_new=force_new)


# -- clubs and their sessions -----------------------------------------------------------------------


def load_club_form(store: Store, club_id: str | None
                   ) -> tuple[clubs.ClubForm | None, list[tuple[str, str]]]:
    with store.read() as s:
        return (clubs.club_form(s, club_id) if club_id else None), clubs.districts(s)


def save_club(store: Store, form: clubs.ClubForm, worker_id: str | None, today: date,
              club_id: str | None) -> str:
    with store.write() as s:
        return clubs.save_club(s, form, worker_id=worker_id, today=today, club_id=club_id)


def add_one_off(store: Store, club_id: str, day: str, start: str, end: str, worker_id: str | None) -> str:
    with store.write() as s:
        return clubs.add_one_off(s, club_id, day, start, end, worker_id=worker_id)


def cancel_session(store: Store, session_id: str, reason: str, worker_id: str | None) -> str:
    with store.write() as s:
        clubs.cancel_session(s, session_id, reason, worker_id=worker_id)
    return session_id


def find_carers(store: Store, text: str) -> list[tuple[str, str]]:
    with store.read() as s:
        return clubs.find_carers(s, text)


def add_member(store: Store, club_id: str, carer_id: str, today: date, worker_id: str | None
               ) -> clubs.Added:
    with store.write() as s:
        return clubs.add_member(s, club_id, carer_id, today=today, worker_id=worker_id)
