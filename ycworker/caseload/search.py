"""The caseload list: search, filters, sort and paging, at service scale (tens of thousands).

Every read is bounded. The screen asks for a window (``window(session, query, today, offset,
limit)``): the exact number of carers that match and at most ``limit`` rows from ``offset``, read
with ``select(columns)`` (no ORM objects). Search goes through the FTS5 indexes of migration 0002:
``carer_fts`` for words and prefixes (every word typed must start a word of the name, carer ref,
school or household) and ``carer_fts_trigram`` for substrings of three or more characters; the
union of both (at most ``SEARCH_CAP`` from each) is then filtered and sorted.

Deadlines are the statutory clocks of commissioner-return.md (allocation within 5 working days of
referral, assessment within 15 working days of allocation). Each carer's next pending one is
stored on the carer row (``carer.deadline_date`` / ``deadline_kind``, kept by the referral
services: ``ycworker.caseload.deadlines``), so the "deadline" sort and the "overdue" filter
(``deadline_date < today``) read ``ix_carer_status_deadline`` and compute nothing per query.

Paging: ``window`` takes an ``offset``, or ``after`` (the ``Window.last_key`` of the previous
page) to go on from where that page ended by key instead of skipping ``offset`` rows (keyset
paging; the deadline and name orders support it, a search pages its bounded set by offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    CompoundSelect,
    Date,
    Select,
    and_,
    func,
    literal,
    literal_column,
    text,
    tuple_,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carer, District, School, Worker
from ycworker.caseload.deadlines import pending_deadline as pending_deadline  # re-exported
from ycworker.caseload.safeguarding_flags import SHORT, current_statuses
from ycworker.common import workdays

SEARCH_CAP = 500  # candidates taken from each index before filters and sort
PAGE_LIMIT = 200  # the most rows one window may ask for
TRANSITION_MONTHS = 6
AGE_OUT = 25

SORTS = {"name": "Name", "deadline": "Deadline", "last_contact": "Last contact"}
STATUSES = {"open": "Open", "closed": "Closed", "all": "Open and closed"}
IMPACTS = ("low", "medium", "high")


@dataclass(frozen=True)
class CaseloadQuery:
    """What the worker asked to see. ``worker_id`` set means "my caseload"."""

    text: str = ""
    worker_id: str | None = None
    status: str = "open"  # open | closed | all
    district_id: str | None = None
    impact: str | None = None  # low | medium | high | none
    overdue: bool = False
    turning_18: bool = False
    review_overdue: bool = False  # the support plan's review is past its due date
    sort: str = "name"  # name | deadline | last_contact

    def with_(self, **kw) -> CaseloadQuery:
        return replace(self, **kw)


@dataclass(frozen=True)
class CaseloadRow:
    carer_id: str
    name: str
    carer_ref: str
    age: int
    school: str
    district: str
    worker: str
    status: str
    impact: str
    last_contact: date | None
    deadline: date | None
    deadline_text: str  # "allocation due in 3 working days", "assessment overdue by 2 working days"
    overdue: bool
    flag: str  # "CP · 18 on 03/03/2027", "aged out (25)", "EH" or "" (safeguarding status first)
    # In deadline order, the row's key (deadline, last name, first name, id), in name order (last
    # name, first name, id): the ``after`` of a window that goes on from this row (keyset paging).
    sort_key: tuple | None = None


@dataclass
class Window:
    total: int
    offset: int
    rows: list[CaseloadRow] = field(default_factory=list)
    capped: bool = False  # the search found more than SEARCH_CAP carers: type more to narrow
    # The sort key of the last row (deadline and name order): pass as ``after`` for the next page.
    last_key: tuple | None = None


# -- dates ------------------------------------------------------------------------------------


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@lru_cache(maxsize=64)
def turning_18_bounds(today: date) -> tuple[date, date]:
    """Born after the first and on or before the second: 18th birthday within six months."""
    return (today - relativedelta(years=18),
            today + relativedelta(months=TRANSITION_MONTHS) - relativedelta(years=18))


def flag_for(dob: date, today: date) -> str:
    after, by = turning_18_bounds(today)
    if after < dob <= by:
        return f"turns 18 on {dob + relativedelta(years=18):%d %b %Y}: transition assessment"
    if age_on(dob, today) >= AGE_OUT:
        return f"aged out ({age_on(dob, today)}): close with reason aged_out"
    return ""


def short_flag(dob: date, today: date) -> str:
    """The flag as the caseload list shows it."""
    after, by = turning_18_bounds(today)
    if after < dob <= by:
        return f"18 on {dob + relativedelta(years=18):%d/%m/%Y}"
    if age_on(dob, today) >= AGE_OUT:
        return f"aged out ({age_on(dob, today)})"
    return ""


def describe_pending(kind: str, deadline: date, today: date) -> str:
    return f"{kind} {workdays.describe_deadline(deadline, today)}"


# -- the query --------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(raw: str) -> list[str]:
    """The words of a search, with everything FTS5 would read as syntax taken out."""
    return [w.lower() for w in _WORD.findall(raw or "")][:8]


def candidates(session: Session, raw: str) -> tuple[set[str] | None, bool]:
    """Carer ids matching the search (None: no search) and whether an index hit SEARCH_CAP.

    Every word must start a word of the name, ref, school or household (FTS5 prefix), or, when
    every word has three characters or more, be found anywhere in that text (trigram)."""
    terms = search_terms(raw)
    if not terms:
        return None, False
    conn = session.connection()
    ids: set[str] = set()
    capped = False
    found = conn.execute(text(
        "SELECT k.carer_id FROM carer_fts JOIN carer_fts_key k ON k.id = carer_fts.rowid "
        "WHERE carer_fts MATCH :q LIMIT :cap"),
        {"q": " AND ".join(f'"{t}"*' for t in terms), "cap": SEARCH_CAP}).scalars().all()
    ids.update(found)
    capped = len(found) >= SEARCH_CAP
    if all(len(t) >= 3 for t in terms):
        found = conn.execute(text(
            "SELECT k.carer_id FROM carer_fts_trigram JOIN carer_fts_key k "
            "ON k.id = carer_fts_trigram.rowid WHERE carer_fts_trigram MATCH :q LIMIT :cap"),
            {"q": " AND ".join(f'"{t}"' for t in terms), "cap": SEARCH_CAP}).scalars().all()
        ids.update(found)
        capped = capped or len(found) >= SEARCH_CAP
    return ids, capped


def unindexed(column):
    """The column with SQLite's unary ``+``: the term no longer picks an index."""
    return literal_column(f"+{column.table.name}.{column.name}", type_=column.type)


def _conditions(session: Session, q: CaseloadQuery, today: date) -> tuple[list, bool]:
    ids, capped = candidates(session, q.text)
    # A search is a bounded set of ids: read those by primary key and test the filters on each.
    # Left to itself SQLite walked every open carer in name order (ix_carer_status_name) to find
    # the few that matched (1.7 ms for 9 carers, 0.1 ms by key).
    # (each filter goes through ``pick``: unindexed for a search, so SQLite keeps to the ids)
    pick = unindexed if ids is not None else col
    conds = [pick(Carer.archived_at).is_(None)]
    if q.status in ("open", "closed"):
        conds.append(pick(Carer.status) == q.status)
    if q.worker_id:
        conds.append(pick(Carer.worker_id) == q.worker_id)
    if q.district_id:
        conds.append(pick(Carer.district_id) == q.district_id)
    if q.impact == "none":
        conds.append(pick(Carer.impact_level).is_(None))
    elif q.impact:
        conds.append(pick(Carer.impact_level) == q.impact)
    if q.turning_18:
        after, by = turning_18_bounds(today)
        dob = pick(Carer.date_of_birth)
        conds.append(and_(dob > after, dob <= by))
    if q.review_overdue:
        # ix_carer_review_due (status, archived_at, review_due_date): a range of the index.
        conds.append(pick(Carer.review_due_date) < today)
        if q.status != "open":  # a closed case has no review to do
            conds.append(pick(Carer.status) == "open")
    if q.overdue:  # the stored pending deadline is past (NULL, nothing pending, never is)
        conds.append(pick(Carer.deadline_date) < today)
    if ids is not None:
        conds.append(col(Carer.id).in_(sorted(ids)))
    return conds, capped


def count(session: Session, q: CaseloadQuery, today: date) -> int:
    conds, _ = _conditions(session, q, today)
    return session.exec(select(func.count()).select_from(Carer).where(*conds)).one()


def window(session: Session, q: CaseloadQuery, today: date, offset: int = 0,
           limit: int = 100, *, with_total: bool = True, after: tuple | None = None) -> Window:
    """Up to ``limit`` (<= PAGE_LIMIT) rows from ``offset`` (or, in deadline or name order, after
    the ``last_key`` of a previous window), and the number that match."""
    limit = max(0, min(limit, PAGE_LIMIT))
    offset = max(0, offset)
    conds, capped = _conditions(session, q, today)
    searching = bool(search_terms(q.text))
    total = -1
    if with_total and not searching:
        total = session.exec(select(func.count()).select_from(Carer).where(*conds)).one()
    # Page over the carer table alone (covering indexes, no joins for the rows skipped by
    # OFFSET), then read the page's columns and names.
    ids = select(Carer.id).where(*conds)
    keys: list[tuple] = []
    if q.sort == "deadline" and not searching:
        keys = _deadline_page(session, conds, offset, limit, after, every_status=q.status == "all")
        page_ids = [k[3] for k in keys]
    else:
        # Overdue carers are few: read them by their stored deadline (ix_carer_status_deadline)
        # and sort those. Left to itself SQLite walked every open carer in name order to find them
        # (ix_carer_status_name, a table read for each).
        by = unindexed if q.overdue and not searching else col
        if q.sort == "deadline":  # a bounded set: sorted whole, no pending deadline last
            ids = ids.order_by(col(Carer.deadline_date).is_(None), col(Carer.deadline_date),
                               Carer.last_name, Carer.first_name, Carer.id)
        elif q.sort == "last_contact":
            # Newest first; SQLite sorts NULL (never contacted) last in descending order.
            ids = ids.order_by(by(Carer.last_contact_date).desc(), by(Carer.last_name),
                               by(Carer.first_name), Carer.id)
        else:
            ids = ids.order_by(by(Carer.last_name), by(Carer.first_name), Carer.id)
        if searching:  # a bounded set: read every matching id once, count and slice in Python
            every = list(session.exec(ids).all())
            total = len(every)
            page_ids = every[offset: offset + limit]
        elif after is not None and q.sort == "name":
            # Keyset paging: on past the previous page's last (last name, first name, id), a range
            # of the name index, instead of making SQLite skip ``offset`` rows.
            last, first, cid = after
            ids = ids.where(tuple_(by(Carer.last_name), by(Carer.first_name), col(Carer.id))
                            > tuple_(literal(last), literal(first), literal(cid)))
            page_ids = list(session.exec(ids.limit(limit)).all())
        else:
            page_ids = list(session.exec(ids.offset(offset).limit(limit)).all())
    found = session.execute(
        sa_select(col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.carer_ref), col(Carer.date_of_birth),
                  col(Carer.status), col(Carer.impact_level), col(Carer.last_contact_date),
                  col(Carer.deadline_kind), col(Carer.deadline_date),
                  col(School.name), col(District.name), col(Worker.initials), col(Worker.name))
        .join(School, col(School.id) == Carer.school_id, isouter=True)
        .join(District, col(District.id) == Carer.district_id, isouter=True)
        .join(Worker, col(Worker.id) == Carer.worker_id, isouter=True)
        .where(col(Carer.id).in_(page_ids))
    ).all() if page_ids else []
    by_id = {r[0]: r for r in found}
    rows = [by_id[i] for i in page_ids if i in by_id]
    # The safeguarding status in force (Child in Need, Child Protection, Early Help) leads the
    # flag: one read of the page's carers (ix_safeguarding_status_carer).
    guarded = current_statuses(session, page_ids, today) if page_ids else {}
    out = []
    for (cid, first, last, preferred, ref, dob, status, impact, last_contact, kind, deadline, school,
         district, initials, worker_name) in rows:
        name = f"{first} {last}" + (f" ({preferred})" if preferred and preferred != first else "")
        out.append(CaseloadRow(
            carer_id=cid, name=name, carer_ref=ref, age=age_on(dob, today), school=school or "",
            district=district or "", worker=initials or worker_name or "", status=status,
            impact=impact or "", last_contact=last_contact,
            deadline=deadline if kind else None,
            deadline_text=describe_pending(kind, deadline, today) if kind and deadline else "",
            overdue=bool(kind and deadline and deadline < today),
            flag=" · ".join(f for f in (SHORT.get(guarded.get(cid, ""), ""), short_flag(dob, today)) if f),
            sort_key=((deadline, last, first, cid) if q.sort == "deadline"
                      else (last, first, cid) if q.sort == "name" else None),
        ))
    last_key = out[-1].sort_key if out else None
    return Window(total=total, offset=offset, rows=out, capped=capped, last_key=last_key)


def _deadline_page(session: Session, conds: list, offset: int, limit: int,
                   after: tuple | None, every_status: bool = False) -> list[tuple]:
    """(deadline, last name, first name, id) of one page in deadline order: carers with a pending
    deadline first, soonest first, then the rest by name. Two index reads in order
    (ix_carer_status_deadline, or ix_carer_worker_deadline for one worker), each stopped at
    ``limit``; ``after`` goes on past a key by comparison instead of skipping ``offset`` rows.
    Open and closed together (``every_status``): each status read in order and merged by SQLite
    (a UNION ALL whose ORDER BY it meets by merging; without it, 1.5 s at 50,000 carers)."""
    if limit == 0:
        return []
    when, last_, first_, id_ = (col(Carer.deadline_date), col(Carer.last_name), col(Carer.first_name),
                                col(Carer.id))

    def read(*where, dated: bool, skip: int, take: int) -> list[tuple]:
        columns = (when, last_, first_, id_)
        arms = [sa_select(*columns).where(*conds, *where, col(Carer.status) == status)
                for status in STATUSES if status != "all"] if every_status else []
        stmt: Select | CompoundSelect
        if arms:
            stmt = union_all(*arms).order_by(*([text("1")] if dated else []), text("2"), text("3"),
                                             text("4"))
        else:
            stmt = sa_select(*columns).where(*conds, *where).order_by(
                *([when] if dated else []), last_, first_, id_)
        return [tuple(r) for r in session.execute(stmt.offset(skip).limit(take)).all()]

    out: list[tuple] = []
    if after is not None:
        d, last, first, cid = after
        if d is not None:
            out = read(when.is_not(None), tuple_(when, last_, first_, id_)
                       > tuple_(literal(d, Date()), literal(last), literal(first), literal(cid)),
                       dated=True, skip=0, take=limit)
            if len(out) < limit:
                out += read(when.is_(None), dated=False, skip=0, take=limit - len(out))
        else:
            out = read(when.is_(None), tuple_(last_, first_, id_)
                       > tuple_(literal(last), literal(first), literal(cid)),
                       dated=False, skip=0, take=limit)
        return out
    out = read(when.is_not(None), dated=True, skip=offset, take=limit)
    if len(out) < limit:
        if out or offset == 0:
            n_dated = offset + len(out)
        else:
            # (every status: named, so the count reads ix_carer_status_deadline, not the table)
            every = [col(Carer.status).in_([s for s in STATUSES if s != "all"])] if every_status else []
            n_dated = session.execute(sa_select(func.count()).select_from(Carer)
                                      .where(*conds, *every, when.is_not(None))).scalar_one()
        out += read(when.is_(None), dated=False, skip=max(0, offset - n_dated), take=limit - len(out))
    return out


# -- choices for the filters ------------------------------------------------------------------


@dataclass(frozen=True)
class FilterChoices:
    districts: list[tuple[str, str]]  # (name, id)
    workers: list[tuple[str, str]]


def filter_choices(session: Session) -> FilterChoices:
    districts = session.exec(select(District.name, District.id).order_by(District.name)).all()
    workers = session.exec(
        select(Worker.name, Worker.id).where(Worker.active).order_by(Worker.name)).all()
    return FilterChoices([(name, id_) for name, id_ in districts], [(name, id_) for name, id_ in workers])
