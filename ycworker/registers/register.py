"""Registers: today's sessions, marks saved the moment they are made, walk-ins, CSV.

A mark is one ``attendance`` row, upserted on (session_id, carer_id): marking again changes the
status and keeps the transport and note; undoing a mark deletes the row. A cancelled session
takes no marks and never marks anyone absent; it is left out of every attendance rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.sqlite import insert
from sqlmodel import Session, col, select

from db import outbox
from db.models import Attendance, Carer, Club, ClubMember, ClubSession, School, new_id, utcnow
from ycworker.caseload import duplicates, language
from ycworker.caseload.carer_refs import new_carer_ref
from ycworker.common import audit, csv_safe
from ycworker.common.errors import FieldError, FormErrors, UserError
from ycworker.common.marking import not_yet
from ycworker.common.validators import field_text
from ycworker.registers.clubs import (
    SessionRow,
    format_times,
    get_session,
    materialise_all,
    parse_date,
    sessions_on,
)
from ycworker.registers.members import _member_on, add_member, age_on, age_warning

STATUSES = ("present", "late", "absent")
STATUS_LABELS = {"present": "Present", "late": "Late", "absent": "Absent", "": "not yet marked"}
TRANSPORTS = ("none", "bus_pass", "volunteer_driver", "taxi")
TRANSPORT_LABELS = {"none": "None", "bus_pass": "Bus pass", "volunteer_driver": "Volunteer driver",
                    "taxi": "Taxi"}
NOTE_MAX = 200


@dataclass
class RegisterRow:
    carer_id: str
    carer_ref: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    age: int
    in_range: bool
    status: str = ""  # "" (not yet marked) | present | late | absent
    transport: str = "none"
    note: str = ""
    walk_in: bool = False
    needs_details: bool = False
    access: str = ""  # language and access, short: "interp. Polish", "fam. interp. Urdu", "comm. needs", ""

    @property
    def name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Headcount:
    present: int
    late: int
    absent: int
    unmarked: int

    @property
    def here(self) -> int:
        return self.present + self.late

    def describe(self) -> str:
        return (f"{self.present} present · {self.late} late · {self.absent} absent · "
                f"{self.unmarked} not yet marked · {self.here} in the room")


@dataclass
class Register:
    session: SessionRow
    min_age: int
    max_age: int
    rows: list[RegisterRow] = field(default_factory=list)
    not_yet: str = ""  # the sentence refusing marks when the session is after today ("" otherwise)

    @property
    def title(self) -> str:
        s = self.session
        at = f" {s.times}" if s.times else ""
        venue = f" · {s.venue}" if s.venue else ""
        return f"{s.club_name} · {s.session_date:%a %d %b %Y}{at}{venue}"


def headcount(rows: list[RegisterRow]) -> Headcount:
    counts = {"present": 0, "late": 0, "absent": 0, "": 0}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return Headcount(counts["present"], counts["late"], counts["absent"], counts[""])


# -- today's sessions --------------------------------------------------------------------------


def todays_sessions(session: Session, worker_id: str | None, today: date, *, everyone: bool = False
                    ) -> list[SessionRow]:
    """Today's sessions of the worker's clubs (every club if everyone), cancelled ones included.

    Needs a write session: the clubs' sessions around today are materialised first (idempotent).
    """
    materialise_all(session, today, worker_id=None if everyone else worker_id)
    return sessions_on(session, today, worker_id, everyone=everyone)


# -- the register ------------------------------------------------------------------------------


def load_register(session: Session, session_id: str, *, worker_id: str | None = None,
                  today: date | None = None) -> Register:
    """The session and its register: members on the day, plus anyone marked (walk-ins, leavers).

    Given today, a session after it carries the sentence that refuses its marks (``not_yet``)."""
    info = get_session(session, session_id, counts=False)
    club = session.get(Club, info.club_id)
    if club is None:
        raise UserError("That club is no longer on this laptop.")
    day = info.session_date
    person = (col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
              col(Carer.preferred_name), col(Carer.date_of_birth), col(Carer.needs_referral_details))
    marks: dict[str, tuple[str, str, str, bool]] = {
        cid: (status, transport, note, walk_in)
        for cid, status, transport, note, walk_in in session.execute(
            sa_select(col(Attendance.carer_id), col(Attendance.status), col(Attendance.transport),
                      col(Attendance.note), col(Attendance.walk_in))
            .where(col(Attendance.session_id) == session_id)
        ).all()
    }
    rows_by_id: dict[str, tuple[str, str, str, str, str, date, bool]] = {}
    for cid, ref, first, last, preferred, dob, needs in session.execute(
        sa_select(*person).join(ClubMember, col(ClubMember.carer_id) == Carer.id)
        .where(col(ClubMember.club_id) == info.club_id, _member_on(day), col(Carer.archived_at).is_(None))
    ).all():
        rows_by_id[cid] = (cid, ref, first, last, preferred, dob, needs)
    missing = [cid for cid in marks if cid not in rows_by_id]
    if missing:
        for cid, ref, first, last, preferred, dob, needs in session.execute(
            sa_select(*person).where(col(Carer.id).in_(missing))
        ).all():
            rows_by_id[cid] = (cid, ref, first, last, preferred, dob, needs)
    rows: list[RegisterRow] = []
    for cid, ref, first, last, preferred, dob, needs in rows_by_id.values():
        age = age_on(dob, day)
        status, transport, note, walk_in = marks.get(cid, ("", "none", "", False))
        rows.append(RegisterRow(cid, ref, first, last, preferred, dob, age,
                                club.min_age <= age <= club.max_age, status, transport, note, walk_in,
                                needs))
    rows.sort(key=lambda r: ((r.preferred_name or r.first_name).lower(), r.last_name.lower()))
    access = language.markers(session, [r.carer_id for r in rows])
    for r in rows:
        r.access = language.short(access.get(r.carer_id, ""))
    if worker_id is not None:
        audit.record(session, "view", "register", session_id, worker_id)
    waiting = not_yet("session", day, today) if today is not None else None
    return Register(info, club.min_age, club.max_age, rows, waiting or "")


def _open_session(session: Session, session_id: str, today: date | None = None) -> ClubSession:
    """The session, if it takes marks: not cancelled and, given today, not after it."""
    row = session.get(ClubSession, session_id)
    if row is None:
        raise FieldError("session", "That session is no longer on this laptop.")
    if row.cancelled:
        raise FieldError("session", f"This session was cancelled ({row.cancel_reason}): it takes no marks.")
    if today is not None and (waiting := not_yet("session", row.session_date, today)):
        raise FieldError("session", waiting)
    return row


def _mark_of(session_id: str, carer_id: str):
    """The one attendance row of this child at this session (the statements' and the queue's)."""
    return (col(Attendance.session_id) == session_id) & (col(Attendance.carer_id) == carer_id)


def mark(session: Session, session_id: str, carer_id: str, status: str, *, today: date,
         worker_id: str | None = None, walk_in: bool = False) -> None:
    """Mark present, late or absent: an upsert on (session_id, carer_id) that keeps transport and note.

    A session after today takes no marks (refused with a sentence saying from when it does)."""
    if status not in STATUSES:
        raise FieldError("status", "A mark is present, late or absent.")
    _open_session(session, session_id, today)
    now = utcnow()
    values = dict(status=status, marked_at=now, marked_by_id=worker_id, updated_at=now)
    stmt = insert(Attendance).values(id=new_id(),
                                     session_id=session_id, carer_id=carer_id, created_at=now,
                                     transport="none", note="", walk_in=walk_in, **values)
    with outbox.queued(session.connection(), Attendance, _mark_of(session_id, carer_id)):
        session.exec(stmt.on_conflict_do_update(index_elements=["session_id", "carer_id"], set_=values))
    audit.record(session, "update", "register", session_id, worker_id)


def clear_mark(session: Session, session_id: str, carer_id: str, *, worker_id: str | None = None
               ) -> tuple[str, str]:
    """Undo a mark (the child is back to 'not yet marked'). Returns the (transport, note) it had."""
    row = session.exec(
        select(Attendance.transport, Attendance.note)
        .where(Attendance.session_id == session_id, Attendance.carer_id == carer_id)
    ).first()
    if row is None:
        return ("none", "")
    with outbox.queued(session.connection(), Attendance, _mark_of(session_id, carer_id)):
        session.exec(delete(Attendance).where(_mark_of(session_id, carer_id)))
    audit.record(session, "update", "register", session_id, worker_id)
    transport, note = row
    return transport, note


def _update_mark(session: Session, session_id: str, carer_id: str, what: str, **values: str) -> None:
    _open_session(session, session_id)
    with outbox.queued(session.connection(), Attendance, _mark_of(session_id, carer_id)):
        result = session.exec(
            update(Attendance).where(_mark_of(session_id, carer_id)).values(updated_at=utcnow(), **values))
    if result.rowcount == 0:
        raise FieldError(what, "Mark the child present, late or absent first.")


def set_transport(session: Session, session_id: str, carer_id: str, transport: str, *,
                  worker_id: str | None = None) -> None:
    if transport not in TRANSPORTS:
        raise FieldError("transport", "Transport is none, bus pass, volunteer driver or taxi.")
    _update_mark(session, session_id, carer_id, "transport", transport=transport)
    audit.record(session, "update", "register", session_id, worker_id)


def set_note(session: Session, session_id: str, carer_id: str, note: str, *,
             worker_id: str | None = None) -> str:
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        raise FieldError("note", f"Keep the note to {NOTE_MAX} characters (it has {len(note)}).")
    _update_mark(session, session_id, carer_id, "note", note=note)
    audit.record(session, "update", "register", session_id, worker_id)
    return note


# -- walk-ins ----------------------------------------------------------------------------------


@dataclass
class WalkIn:
    """The outcome of a walk-in: either possible matches to choose from, or the child added."""

    matches: list[duplicates.Match] = field(default_factory=list)
    row: RegisterRow | None = None
    created: bool = False
    warning: str | None = None
    estimated_dob: bool = False


def parse_born(text: str, today: date) -> tuple[date, bool]:
    """A date of birth, or an age in years. Returns (date of birth, estimated)."""
    text = text.strip()
    if text.isdigit() and len(text) <= 2:
        age = int(text)
        if not 4 <= age <= 25:
            raise FieldError("born", "The service works with ages 5 to 24: check the age.")
        # The middle of the year of ages that fits: flagged for the worker to correct later.
        return today - relativedelta(years=age, months=6), True
    dob = parse_date(text, "born", required=True)
    assert dob is not None  # required=True: no date raises a FieldError
    if dob >= today:
        raise FieldError("born", "That date of birth is not in the past.")
    if age_on(dob, today) > 30:
        raise FieldError("born", "That date of birth makes them over 30: check the year.")
    return dob, False


def _matches_for_age(session: Session, first: str, last: str, dob: date) -> list[duplicates.Match]:
    """Like duplicates.likely_duplicates, over the year of dates of birth an age allows."""
    lo, hi = dob - relativedelta(months=6, days=1), dob + relativedelta(months=6, days=1)
    wanted = f"{first} {last}"
    rows = session.execute(
        sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.date_of_birth), col(School.name))
        .join(School, col(School.id) == Carer.school_id, isouter=True)
        .where(col(Carer.date_of_birth).between(lo, hi), col(Carer.archived_at).is_(None))
    ).all()
    out: list[duplicates.Match] = []
    for cid, ref, f, la, p, d, school in rows:
        score = duplicates.similarity(wanted, f"{f} {la}")
        if p:
            score = max(score, duplicates.similarity(wanted, f"{p} {la}"))
        if score >= duplicates.THRESHOLD:
            reason = f"born in the year that age gives, {duplicates.name_words(wanted, f'{f} {la}')}"
            out.append(duplicates.Match(cid, ref, f"{f} {la}", d, school or "", score, reason))
    out.sort(key=lambda m: -m.score)
    return out[:5]


def walk_in(session: Session, session_id: str, first_name: str, last_name: str, born: str, *,
            today: date, worker_id: str | None = None, link_carer_id: str | None = None,
            force_new: bool = False, status: str = "present") -> WalkIn:
    """A child who walks in. Known already (or link_carer_id given): linked. Otherwise, when the
    duplicate check finds possible matches and force_new is not set, they are returned to choose
    from; else a minimal carer is made, flagged as needing referral details. The child joins the
    club and is marked (present by default, walk_in set)."""
    info = _open_session(session, session_id, today)  # before anyone is made: a future session refuses
    club = session.get(Club, info.club_id)
    if club is None:
        raise UserError("That club is no longer on this laptop.")
    first, last = " ".join(first_name.split()), " ".join(last_name.split())
    errors: list[FieldError] = []
    if link_carer_id is None:
        for field, value, label, missing in (("first_name", first, "First name", "Give their first name."),
                                             ("last_name", last, "Last name", "Give their last name.")):
            if not value:
                errors.append(FieldError(field, missing))
                continue
            try:  # the same rule as every name: no NUL, no right-to-left override, at most 100
                field_text(field, value, label, limit=100)
            except FieldError as e:
                errors.append(e)
    dob: date | None = None
    estimated = False
    if link_carer_id is None:
        try:
            dob, estimated = parse_born(born, today)
        except FieldError as e:
            errors.append(e)
    if errors:
        raise FormErrors(errors)

    created = False
    if link_carer_id is None:
        assert dob is not None  # no error raised: parse_born gave a date
        if not force_new:
            if estimated:
                found = _matches_for_age(session, first, last, dob)
            else:
                found = duplicates.likely_duplicates(session, first, last, dob)
            if found:
                return WalkIn(matches=found, estimated_dob=estimated)
        carer = Carer(carer_ref=new_carer_ref(), first_name=first, last_name=last, date_of_birth=dob,
                      needs_referral_details=True, district_id=club.district_id)
        while session.exec(select(Carer.id).where(Carer.carer_ref == carer.carer_ref)).first():
            carer.carer_ref = new_carer_ref()
        session.add(carer)
        session.flush()
        audit.record(session, "create", "carer", carer.id, worker_id)
        created = True
    else:
        linked = session.get(Carer, link_carer_id)
        if linked is None:
            raise FieldError("first_name", "That young carer is no longer on this laptop.")
        carer = linked
    added = add_member(session, club.id, carer.id, today=info.session_date, worker_id=worker_id)
    mark(session, session_id, carer.id, status, today=today, worker_id=worker_id, walk_in=True)
    with outbox.queued(session.connection(), Attendance, _mark_of(session_id, carer.id)):
        session.exec(update(Attendance).where(_mark_of(session_id, carer.id)).values(walk_in=True))
    age = age_on(carer.date_of_birth, info.session_date)
    row = RegisterRow(carer.id, carer.carer_ref, carer.first_name, carer.last_name, carer.preferred_name,
                      carer.date_of_birth, age, club.min_age <= age <= club.max_age, status, "none", "",
                      True, carer.needs_referral_details)
    warning = age_warning(row.name, age, club.min_age, club.max_age, club.name)
    return WalkIn(row=row, created=created, warning=warning or added.warning, estimated_dob=estimated)


# -- export ------------------------------------------------------------------------------------

EXPORT_HEADER = ("Club", "Date", "Time", "Venue", "Carer ref", "First name", "Last name", "Age",
                 "Mark", "Transport", "Note", "Walk-in")


def export_filename(reg: Register) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in reg.session.club_name.lower()).strip("-")
    slug = "-".join(p for p in slug.split("-") if p)
    return f"register-{slug or 'club'}-{reg.session.session_date:%Y-%m-%d}.csv"


def export_register(session: Session, session_id: str, path: Path, *, worker_id: str | None = None) -> int:
    """Write the register as CSV (atomic, formula-safe, BOM). Returns the number of children."""
    reg = load_register(session, session_id)
    s = reg.session
    rows = [
        (s.club_name, s.session_date, format_times(s.start_time, s.end_time), s.venue, r.carer_ref,
         r.preferred_name or r.first_name, r.last_name, r.age, STATUS_LABELS[r.status] if r.status else "",
         TRANSPORT_LABELS.get(r.transport, r.transport), r.note, r.walk_in)
        for r in reg.rows
    ]
    n = csv_safe.write(Path(path), EXPORT_HEADER, rows)
    audit.record(session, "export", "register", session_id, worker_id)
    return n
