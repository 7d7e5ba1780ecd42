"""The caseload list: search, filters, sort and paging, at service scale (tens of thousands).

Every read is bounded. The screen asks for a window (``window(session, query, today, offset,
limit)``): the exact number of carers that match and at most ``limit`` rows from ``offset``, read
with ``select(columns)`` (no ORM objects). Search goes through the FTS5 indexes of migration 0002:
``carer_fts`` for words and prefixes (every word typed must start a word of the name, carer ref,
school or household) and ``carer_fts_trigram`` for substrings of three or more characters; the
union of both (at most ``SEARCH_CAP`` from each) is then filtered and sorted.

Deadlines are the statutory clocks of commissioner-return.md (allocation within 5 working days of
referral, assessment within 15 working days of allocation). For sorting and the "overdue" filter
they are computed inside SQLite: ``yc_wda(date, n)`` is ``workdays.working_days_after`` registered
as a deterministic SQL function on the connection that runs the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, and_, func, literal_column, or_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carer, District, Referral, School, Worker
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
    flag: str  # "18 on 03/03/2027: transition", "aged out (25)" or ""


@dataclass
class Window:
    total: int
    offset: int
    rows: list[CaseloadRow] = field(default_factory=list)
    capped: bool = False  # the search found more than SEARCH_CAP carers: type more to narrow


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


@lru_cache(maxsize=4096)
def _wda(day: str | None, n: int) -> str | None:
    if day is None:
        return None
    return workdays.working_days_after(date.fromisoformat(day[:10]), n).isoformat()


def register_functions(session_or_conn: Session | Connection) -> None:
    """Make ``yc_wda(date, n)`` available to the SQL run on this session's connection."""
    conn = session_or_conn.connection() if isinstance(session_or_conn, Session) else session_or_conn
    driver = conn.connection.driver_connection
    assert driver is not None  # a checked-out connection always has its sqlite3 connection
    driver.create_function("yc_wda", 2, _wda, deterministic=True)


def latest_start_before(deadline_of, today: date) -> date:
    """The latest start date whose deadline is before today (deadlines grow with the start)."""
    d = today - timedelta(days=1)
    while deadline_of(d) >= today:
        d -= timedelta(days=1)
    return d


def pending_deadline(referral_date: date, allocated: date | None, assessed: date | None,
                     closed: date | None, consent: str) -> tuple[str, date] | None:
    """('allocation'|'assessment', deadline) still to meet, or None."""
    if closed is not None:
        return None
    if allocated is None:
        if consent == "refused":
            return None
        return "allocation", workdays.allocation_deadline(referral_date)
    if assessed is None:
        return "assessment", workdays.assessment_deadline(allocated)
    return None


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


def _pending_deadline_sql():
    """The earliest pending statutory deadline of the carer's open referrals (ISO text or NULL)."""
    return text(
        "(SELECT min(CASE WHEN r.allocated_date IS NULL THEN yc_wda(r.referral_date, 5) "
        "WHEN r.assessment_completed_date IS NULL THEN yc_wda(r.allocated_date, 15) END) "
        "FROM referral r WHERE r.carer_id = carer.id AND r.closed_date IS NULL "
        "AND NOT (r.allocated_date IS NULL AND r.consent = 'refused'))"
    )


def _unindexed(column):
    """The column with SQLite's unary ``+``: the term no longer picks an index."""
    return literal_column(f"+{column.table.name}.{column.name}", type_=column.type)


def _conditions(session: Session, q: CaseloadQuery, today: date) -> tuple[list, bool]:
    ids, capped = candidates(session, q.text)
    # A search is a bounded set of ids: read those by primary key and test the filters on each.
    # Left to itself SQLite walked every open carer in name order (ix_carer_status_name) to find
    # the few that matched (1.7 ms for 9 carers, 0.1 ms by key).
    # (each filter goes through ``pick``: unindexed for a search, so SQLite keeps to the ids)
    pick = _unindexed if ids is not None else col
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
    if q.overdue:
        cut_a = latest_start_before(workdays.allocation_deadline, today)
        cut_b = latest_start_before(workdays.assessment_deadline, today)
        conds.append(col(Carer.id).in_(
            select(Referral.carer_id).where(
                col(Referral.closed_date).is_(None),
                or_(and_(col(Referral.allocated_date).is_(None), col(Referral.consent) != "refused",
                         col(Referral.referral_date) <= cut_a),
                    and_(col(Referral.allocated_date).is_not(None),
                         col(Referral.assessment_completed_date).is_(None),
                         col(Referral.allocated_date) <= cut_b)))))
    if ids is not None:
        conds.append(col(Carer.id).in_(sorted(ids)))
    return conds, capped


def count(session: Session, q: CaseloadQuery, today: date) -> int:
    conds, _ = _conditions(session, q, today)
    return session.exec(select(func.count()).select_from(Carer).where(*conds)).one()


def window(session: Session, q: CaseloadQuery, today: date, offset: int = 0,
           limit: int = 100, *, with_total: bool = True) -> Window:
    """Up to ``limit`` (<= PAGE_LIMIT) rows from ``offset``, and the number that match."""
    limit = max(0, min(limit, PAGE_LIMIT))
    offset = max(0, offset)
    register_functions(session)
    conds, capped = _conditions(session, q, today)
    searching = bool(search_terms(q.text))
    total = -1
    if with_total and not searching:
        total = session.exec(select(func.count()).select_from(Carer).where(*conds)).one()
    # Page over the carer table alone (covering indexes, no joins for the rows skipped by
    # OFFSET), then read the page's columns and names.
    ids = select(Carer.id).where(*conds)
    if q.sort == "deadline":
        deadline = _pending_deadline_sql()
        ids = ids.order_by(text("(" + deadline.text + ") IS NULL"), deadline,
                           Carer.last_name, Carer.first_name, Carer.id)
    elif q.sort == "last_contact":
        # Newest first; SQLite sorts NULL (never contacted) last in descending order.
        ids = ids.order_by(col(Carer.last_contact_date).desc(), Carer.last_name, Carer.first_name, Carer.id)
    else:
        ids = ids.order_by(Carer.last_name, Carer.first_name, Carer.id)
    if searching:  # a bounded set: read every matching id once, count and slice in Python
        every = list(session.exec(ids).all())
        total = len(every)
        page_ids = every[offset: offset + limit]
    else:
        page_ids = list(session.exec(ids.offset(offset).limit(limit)).all())
    found = session.execute(
        sa_select(col(Carer.id), col(Carer.first_name), col(Carer.last_name),
                  col(Carer.preferred_name), col(Carer.carer_ref), col(Carer.date_of_birth),
                  col(Carer.status), col(Carer.impact_level), col(Carer.last_contact_date),
                  col(School.name), col(District.name), col(Worker.initials), col(Worker.name))
        .join(School, col(School.id) == Carer.school_id, isouter=True)
        .join(District, col(District.id) == Carer.district_id, isouter=True)
        .join(Worker, col(Worker.id) == Carer.worker_id, isouter=True)
        .where(col(Carer.id).in_(page_ids))
    ).all() if page_ids else []
    by_id = {r[0]: r for r in found}
    rows = [by_id[i] for i in page_ids if i in by_id]
    pending = _pending_for(session, [r[0] for r in rows], today)
    out = []
    for (cid, first, last, preferred, ref, dob, status, impact, last_contact, school, district,
         initials, worker_name) in rows:
        p = pending.get(cid)
        name = f"{first} {last}" + (f" ({preferred})" if preferred and preferred != first else "")
        out.append(CaseloadRow(
            carer_id=cid, name=name, carer_ref=ref, age=age_on(dob, today), school=school or "",
            district=district or "", worker=initials or worker_name or "", status=status,
            impact=impact or "", last_contact=last_contact,
            deadline=p[1] if p else None,
            deadline_text=describe_pending(p[0], p[1], today) if p else "",
            overdue=bool(p and p[1] < today), flag=short_flag(dob, today),
        ))
    return Window(total=total, offset=offset, rows=out, capped=capped)


def _pending_for(session: Session, carer_ids: list[str], today: date) -> dict[str, tuple[str, date]]:
    """Each carer's earliest pending deadline among open referrals."""
    if not carer_ids:
        return {}
    rows = session.execute(
        sa_select(col(Referral.carer_id), col(Referral.referral_date), col(Referral.allocated_date),
                  col(Referral.assessment_completed_date), col(Referral.closed_date), col(Referral.consent))
        # By carer only (closed ones are skipped below): with "closed_date IS NULL" here SQLite
        # walked every open referral through ix_referral_open instead (3 ms -> 0.3 ms a page).
        .where(col(Referral.carer_id).in_(carer_ids))
    ).all()
    out: dict[str, tuple[str, date]] = {}
    for cid, ref_date, allocated, assessed, closed, consent in rows:
        p = pending_deadline(ref_date, allocated, assessed, closed, consent)
        if p and (cid not in out or p[1] < out[cid][1]):
            out[cid] = p
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
