"""Attendance over time: a child's sessions and marks, and attendance rates per child and per club.

A cancelled session is never counted as absent and is left out of every rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Attendance, Club, ClubMember, ClubSession
from ycworker.registers.members import _member_on


@dataclass(frozen=True)
class HistoryRow:
    session_id: str
    club_id: str
    club_name: str
    session_date: date
    start_time: time | None
    status: str  # present | late | absent | "" (not marked) | cancelled
    transport: str
    note: str
    walk_in: bool
    cancel_reason: str = ""


def attendance_history(session: Session, carer_id: str, *, today: date | None = None,
                       limit: int = 200) -> list[HistoryRow]:
    """A child's sessions, newest first: every mark; with ``today``, also the sessions of their
    clubs held up to today while they were a member that have no mark ("" status) and the ones
    that were cancelled ("cancelled": never counted as absent)."""
    marked = session.execute(
        sa_select(col(ClubSession.id), col(Club.id), col(Club.name), col(ClubSession.session_date),
                  col(ClubSession.start_time), col(Attendance.status), col(Attendance.transport),
                  col(Attendance.note), col(Attendance.walk_in), col(ClubSession.cancelled),
                  col(ClubSession.cancel_reason))
        .join(ClubSession, col(ClubSession.id) == Attendance.session_id)
        .join(Club, col(Club.id) == ClubSession.club_id)
        .where(col(Attendance.carer_id) == carer_id)
    ).all()
    rows = {sid: HistoryRow(sid, cid, name, d, t, st, transport, note, walk_in, reason if cancelled else "")
            for sid, cid, name, d, t, st, transport, note, walk_in, cancelled, reason in marked}
    if today is not None:
        memberships = session.exec(
            select(col(ClubMember.club_id), col(ClubMember.joined_date), col(ClubMember.left_date))
            .where(ClubMember.carer_id == carer_id)
        ).all()
        for club_id, joined, left in memberships:
            q = (sa_select(col(ClubSession.id), col(Club.id), col(Club.name), col(ClubSession.session_date),
                           col(ClubSession.start_time), col(ClubSession.cancelled),
                           col(ClubSession.cancel_reason))
                 .join(Club, col(Club.id) == ClubSession.club_id)
                 .where(col(ClubSession.club_id) == club_id, col(ClubSession.session_date) <= today))
            if joined:
                q = q.where(col(ClubSession.session_date) >= joined)
            if left:
                q = q.where(col(ClubSession.session_date) < left)
            for sid, cid, name, d, t, cancelled, reason in session.execute(q).all():
                if sid not in rows:
                    rows[sid] = HistoryRow(sid, cid, name, d, t, "cancelled" if cancelled else "", "none",
                                           "", False, reason if cancelled else "")
    out = sorted(rows.values(), key=lambda r: (r.session_date, r.start_time or time()), reverse=True)
    return out[:limit]


@dataclass(frozen=True)
class Rate:
    """Attendance over held sessions: present and late count as attended."""

    label: str
    held: int
    present: int
    late: int
    absent: int
    unmarked: int

    @property
    def rate(self) -> float | None:
        return (self.present + self.late) / self.held if self.held else None

    def describe(self) -> str:
        if self.rate is None:
            return f"{self.label}: no sessions held yet"
        return (f"{self.label}: {self.rate:.0%} attended ({self.present + self.late} of {self.held}; "
                f"{self.late} late, {self.absent} absent, {self.unmarked} not marked)")


def child_rates(history: list[HistoryRow]) -> list[Rate]:
    """Per club, from attendance_history(..., today=...)."""
    by_club: dict[str, list[HistoryRow]] = {}
    for r in history:
        by_club.setdefault(r.club_name, []).append(r)
    out = []
    for name, rows in sorted(by_club.items()):
        held = [r for r in rows if r.status != "cancelled"]
        out.append(Rate(name, len(held), sum(r.status == "present" for r in held),
                        sum(r.status == "late" for r in held), sum(r.status == "absent" for r in held),
                        sum(r.status == "" for r in held)))
    return out


@dataclass(frozen=True)
class SessionRate:
    session_id: str
    session_date: date
    start_time: time | None
    cancelled: bool
    cancel_reason: str
    members: int
    present: int
    late: int
    absent: int

    @property
    def unmarked(self) -> int:
        return max(0, self.members - self.present - self.late - self.absent)

    @property
    def rate(self) -> float | None:
        if self.cancelled or not self.members:
            return None
        return (self.present + self.late) / self.members


def club_attendance(session: Session, club_id: str, start: date, end: date) -> list[SessionRate]:
    """The club's sessions from start to end with their attendance rate (cancelled: no rate)."""
    from ycworker.registers.clubs import club_sessions

    out = []
    for s in club_sessions(session, club_id, start, end):
        members = len(session.exec(
            select(ClubMember.carer_id).where(ClubMember.club_id == club_id, _member_on(s.session_date))
        ).all())
        marked = s.present + s.late + s.absent
        out.append(SessionRate(s.id, s.session_date, s.start_time, s.cancelled, s.cancel_reason,
                               max(members, marked), s.present, s.late, s.absent))
    return out


def overall_rate(rates: list[SessionRate], today: date) -> Rate:
    # Sessions whose register was taken (cancelled and untaken ones say nothing about attendance).
    held = [r for r in rates if not r.cancelled and r.session_date <= today and r.present + r.late + r.absent]
    return Rate("All sessions", sum(r.members for r in held), sum(r.present for r in held),
                sum(r.late for r in held), sum(r.absent for r in held), sum(r.unmarked for r in held))
