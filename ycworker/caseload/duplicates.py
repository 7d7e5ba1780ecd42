"""Likely duplicates of a person, ranked, each with the reason it is shown (rapidfuzz).

Used before a new carer is made (a support request, a walk-in), so that a re-referral or a
known child attaches to the existing person. A person is a likely duplicate when their name is
close to the one typed (``THRESHOLD``) and one of these holds:

* the same date of birth (the exact match, ranked first);
* the date of birth with day and month swapped (04/06 typed for 06/04: a common typing slip);
* the date of birth a day out;
* the same household or the same school, with a closer name still (``CLOSE_THRESHOLD``).

Every way in is an indexed lookup (date of birth ``IN`` four dates; ``school_id`` or
``household_id`` with an initial in common); only those rows are compared by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from sqlalchemy import ColumnElement, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from db.models import Carer, School

THRESHOLD = 80.0
CLOSE_THRESHOLD = 88.0  # same school or household but born on another day: the name must be closer

# What each way in adds to the name's similarity when ranking (an exact date of birth first).
_SAME_DOB, _SWAPPED, _DAY_OUT, _HOUSEHOLD, _SCHOOL = 40.0, 30.0, 25.0, 15.0, 10.0


@dataclass(frozen=True)
class Match:
    carer_id: str
    carer_ref: str
    name: str
    date_of_birth: date
    school: str
    score: float
    reason: str = ""  # "same date of birth, name 1 letter different"


def similarity(a: str, b: str) -> float:
    """0-100: token-order-insensitive name similarity."""
    a, b = " ".join(a.lower().split()), " ".join(b.lower().split())
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a, b))


def swapped(d: date) -> date | None:
    """The date with day and month swapped, when that is another real date (4 June -> 6 April)."""
    if d.day > 12 or d.day == d.month:
        return None
    return date(d.year, d.day, d.month)


def name_words(typed: str, theirs: str) -> str:
    """'same name', 'name 1 letter different', 'name 3 letters different' or 'similar name'."""
    a, b = " ".join(typed.lower().split()), " ".join(theirs.lower().split())
    n = Levenshtein.distance(a, b)
    if n == 0:
        return "same name"
    if n <= 3:
        return f"name {n} letter{'s' if n != 1 else ''} different"
    return "similar name"


def _dob_words(theirs: date, typed: date) -> tuple[str, float] | None:
    if theirs == typed:
        return "same date of birth", _SAME_DOB
    if theirs == swapped(typed):
        return "date of birth with day and month swapped", _SWAPPED
    if abs((theirs - typed).days) == 1:
        return "date of birth a day out", _DAY_OUT
    return None


def likely_duplicates(
    session: Session, first_name: str, last_name: str, date_of_birth: date, *, limit: int = 5,
    school: str = "", household_id: str | None = None,
) -> list[Match]:
    """People who may be this one, best first, each with its reason."""
    wanted = f"{first_name} {last_name}"
    dates = [date_of_birth, date_of_birth - timedelta(days=1), date_of_birth + timedelta(days=1)]
    if (other := swapped(date_of_birth)) is not None:
        dates.append(other)
    columns = (col(Carer.id), col(Carer.carer_ref), col(Carer.first_name), col(Carer.last_name),
               col(Carer.preferred_name), col(Carer.date_of_birth), col(Carer.school_id),
               col(Carer.household_id), col(School.name))
    rows = list(session.execute(
        sa_select(*columns).join(School, col(School.id) == Carer.school_id, isouter=True)
        .where(col(Carer.date_of_birth).in_(dates))
    ).all())
    school_id = None
    if school.strip():
        school_id = session.execute(
            sa_select(col(School.id)).where(func.lower(col(School.name)) == " ".join(school.lower().split()))
            .limit(1)
        ).scalar()
    places: list[ColumnElement[bool]] = []
    if school_id is not None:
        places.append(col(Carer.school_id) == school_id)
    if household_id is not None:
        places.append(col(Carer.household_id) == household_id)
    if places:
        # A school can hold hundreds of carers: SQLite keeps only those sharing an initial (a name
        # close enough for CLOSE_THRESHOLD almost always does), so few rows reach Python.
        initials: list[ColumnElement[bool]] = []
        for column, word in ((Carer.first_name, first_name), (Carer.last_name, last_name)):
            if word.strip():
                c = word.strip()[0]
                initials.append(func.substr(col(column), 1, 1).in_({c.lower(), c.upper()}))
        seen = {r[0] for r in rows}
        rows += [r for r in session.execute(
            sa_select(*columns).join(School, col(School.id) == Carer.school_id, isouter=True)
            .where(or_(*places), or_(*initials), col(Carer.date_of_birth).not_in(dates))
        ).all() if r[0] not in seen]
    ranked: list[tuple[float, Match]] = []
    for cid, ref, first, last, preferred, dob, their_school, their_household, school_name in rows:
        name = f"{first} {last}"
        score, compared = similarity(wanted, name), name
        if preferred and (known := similarity(wanted, f"{preferred} {last}")) > score:
            score, compared = known, f"{preferred} {last}"
        if score < THRESHOLD:
            continue
        reasons: list[str] = []
        weight = 0.0
        dob_words = _dob_words(dob, date_of_birth)
        if dob_words is not None:
            reasons.append(dob_words[0])
            weight += dob_words[1]
        if household_id is not None and their_household == household_id:
            reasons.append("same household")
            weight += _HOUSEHOLD
        if school_id is not None and their_school == school_id:
            reasons.append("same school")
            weight += _SCHOOL
        if dob_words is None and score < CLOSE_THRESHOLD:
            continue  # only the school or household in common: the name must be closer
        reasons.append(name_words(wanted, compared))
        ranked.append((score + weight, Match(cid, ref, name, dob, school_name or "", score,
                                             ", ".join(reasons))))
    ranked.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].carer_ref))
    return [m for _w, m in ranked[:limit]]
