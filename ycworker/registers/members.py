"""Club members: who belongs to a club on a day, joining and leaving, ages against the club's range,
and finding a young carer to add."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, or_, select

from db.models import Carer, Club, ClubMember, utcnow
from ycworker.common import audit
from ycworker.common.errors import FieldError


@dataclass(frozen=True)
class MemberRow:
    carer_id: str
    carer_ref: str
    name: str
    date_of_birth: date
    age: int
    joined_date: date | None
    in_range: bool


def age_on(dob: date, day: date) -> int:
    return relativedelta(day, dob).years


def age_warning(name: str, age: int, min_age: int, max_age: int, club: str) -> str | None:
    """The sentence shown (not a block) when a child is outside the club's age range."""
    if min_age <= age <= max_age:
        return None
    return f"{name} is {age}: outside {club}'s age range ({min_age}-{max_age}). Added anyway."


@dataclass
class Added:
    carer_id: str
    warning: str | None = None
    already: bool = False
    extra: dict = field(default_factory=dict)


def add_member(session: Session, club_id: str, carer_id: str, *, today: date,
               worker_id: str | None = None) -> Added:
    """Add a child to a club (or re-join one who left). Outside the age range is a warning."""
    club = session.get(Club, club_id)
    carer = session.get(Carer, carer_id)
    if club is None or carer is None:
        raise FieldError("carer", "That club or young carer is no longer on this laptop.")
    member = session.exec(
        select(ClubMember).where(ClubMember.club_id == club_id, ClubMember.carer_id == carer_id)
    ).first()
    already = member is not None and member.left_date is None
    if member is None:
        member = ClubMember(club_id=club_id, carer_id=carer_id, joined_date=today)
    elif member.left_date is not None:
        member.left_date, member.joined_date = None, today
    member.updated_at = utcnow()
    session.add(member)
    session.flush()
    if not already:
        audit.record(session, "update", "club_member", member.id, worker_id)
    name = f"{carer.preferred_name or carer.first_name} {carer.last_name}"
    warning = age_warning(name, age_on(carer.date_of_birth, today), club.min_age, club.max_age, club.name)
    return Added(carer_id, warning, already)


def remove_member(session: Session, club_id: str, carer_id: str, *, today: date,
                  worker_id: str | None = None) -> None:
    """A child leaves the club: kept on record with a left date, their marks stay."""
    member = session.exec(
        select(ClubMember).where(ClubMember.club_id == club_id, ClubMember.carer_id == carer_id,
                                 col(ClubMember.left_date).is_(None))
    ).first()
    if member is None:
        raise FieldError("carer", "That child is not a member of this club.")
    member.left_date, member.updated_at = today, utcnow()
    session.add(member)
    audit.record(session, "update", "club_member", member.id, worker_id)


def members(session: Session, club_id: str, on: date) -> list[MemberRow]:
    """Members on a day (joined by then, not left), by name."""
    club = session.get(Club, club_id)
    if club is None:
        return []
    rows = session.execute(
        sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.date_of_birth), col(ClubMember.joined_date))
        .join(ClubMember, col(ClubMember.carer_id) == Carer.id)
        .where(col(ClubMember.club_id) == club_id, _member_on(on))
        .order_by(col(Carer.first_name), col(Carer.last_name))
    ).all()
    out: list[MemberRow] = []
    for cid, ref, first, last, preferred, dob, joined in rows:
        age = age_on(dob, on)
        out.append(MemberRow(cid, ref, f"{preferred or first} {last}", dob, age, joined,
                             club.min_age <= age <= club.max_age))
    return out


def _member_on(day: date) -> ColumnElement[bool]:
    return and_(or_(col(ClubMember.joined_date).is_(None), col(ClubMember.joined_date) <= day),
                or_(col(ClubMember.left_date).is_(None), col(ClubMember.left_date) > day))


def find_carers(session: Session, text: str, *, limit: int = 20) -> list[tuple[str, str]]:
    """(label, carer_id) for the member picker: name or carer ref starting with the text."""
    words = text.split()
    if not words:
        return []
    q = sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.date_of_birth)).where(col(Carer.archived_at).is_(None))
    if len(words) == 1:
        w = words[0]
        q = q.where(or_(col(Carer.first_name).istartswith(w), col(Carer.last_name).istartswith(w),
                        col(Carer.preferred_name).istartswith(w), col(Carer.carer_ref).istartswith(w)))
    else:
        w = words[0]
        q = q.where(or_(col(Carer.first_name).istartswith(w), col(Carer.preferred_name).istartswith(w)),
                    col(Carer.last_name).istartswith(words[-1]))
    rows = session.execute(q.order_by(col(Carer.last_name), col(Carer.first_name)).limit(limit)).all()
    return [(f"{p or f} {la} ({ref}, born {dob:%d/%m/%Y})", cid) for cid, ref, f, la, p, dob in rows]
