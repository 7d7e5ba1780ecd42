"""Likely duplicates of a person: the same date of birth and a similar name (rapidfuzz).

Used before a new carer is made (a support request, a walk-in), so that a re-referral or a
known child attaches to the existing person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import Carer, School

THRESHOLD = 80.0


@dataclass(frozen=True)
class Match:
    carer_id: str
    carer_ref: str
    name: str
    date_of_birth: date
    school: str
    score: float


def similarity(a: str, b: str) -> float:
    """0-100: token-order-insensitive name similarity."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a, b))


def likely_duplicates(
    session: Session, first_name: str, last_name: str, date_of_birth: date, *, limit: int = 5
) -> list[Match]:
    """People born on that day whose name looks like this one, best first."""
    wanted = f"{first_name} {last_name}"
    rows = session.execute(
        sa_select(col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.date_of_birth), col(School.name))
        .join(School, col(School.id) == Carer.school_id, isouter=True)
        .where(col(Carer.date_of_birth) == date_of_birth)
    ).all()
    matches: list[Match] = []
    for cid, ref, first, last, preferred, dob, school in rows:
        score = similarity(wanted, f"{first} {last}")
        if preferred:
            score = max(score, similarity(wanted, f"{preferred} {last}"))
        if score >= THRESHOLD:
            matches.append(Match(cid, ref, f"{first} {last}", dob, school or "", score))
    matches.sort(key=lambda m: -m.score)
    return matches[:limit]
