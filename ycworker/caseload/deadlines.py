"""The stored deadline: each carer's next pending statutory deadline, kept on the carer row.

The clocks are those of commissioner-return.md: allocation within 5 working days of the referral
(unless consent was refused), then the needs assessment within 15 working days of the allocation;
a closed request has none. A carer's pending deadline is the earliest among their open requests.

It is stored on the carer (``carer.deadline_date``, ``carer.deadline_kind``), not on the referral:
the caseload lists, sorts and filters carers, and a carer may hold more than one open request (an
import can bring several), so the value the list needs is a minimum across referrals. On the carer
it is one column of one row, and ``ix_carer_status_deadline`` (status, archived_at, deadline_date,
last_name, first_name, id) hands the caseload both its "deadline" order and its "overdue" filter
(``deadline_date < today``) as an index read, with no join and no working-day sums per query.

Every service that changes what it depends on (a referral's date, consent, allocation, completed
assessment, closure, reopening, and the rows a caseload import or the demo adds) calls ``refresh``
(one carer) or ``refresh_bulk`` (many) in the same transaction; the import and the demo generator
compute it for the carers they insert (``earliest``). Erasure removes the carer row, and the
stored value with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, bindparam, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, col

from db.models import Carer, Referral
from ycworker.common import workdays

KINDS = ("allocation", "assessment")
Pending = tuple[str, date]  # (kind, deadline)


def pending_deadline(referral_date: date, allocated: date | None, assessed: date | None,
                     closed: date | None, consent: str) -> Pending | None:
    """('allocation'|'assessment', deadline) still to meet on one request, or None."""
    if closed is not None:
        return None
    if allocated is None:
        if consent == "refused":
            return None
        return "allocation", workdays.allocation_deadline(referral_date)
    if assessed is None:
        return "assessment", workdays.assessment_deadline(allocated)
    return None


def earliest(referrals: Iterable[tuple[date, date | None, date | None, date | None, str]]) -> Pending | None:
    """The earliest pending deadline among requests given as (referral_date, allocated, assessed,
    closed, consent); on equal dates allocation comes before assessment."""
    best: Pending | None = None
    for ref_date, allocated, assessed, closed, consent in referrals:
        p = pending_deadline(ref_date, allocated, assessed, closed, consent)
        if p is not None and (best is None or (p[1], p[0]) < (best[1], best[0])):
            best = p
    return best


_CHUNK = 500


def computed(conn: Connection | Session, carer_ids: Iterable[str]) -> dict[str, Pending | None]:
    """Each carer's pending deadline worked out from their referrals now (None: nothing pending)."""
    ids = sorted(set(carer_ids))
    by_carer: dict[str, list[tuple]] = {cid: [] for cid in ids}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start: start + _CHUNK]
        for cid, *fields in conn.execute(
            sa_select(col(Referral.carer_id), col(Referral.referral_date), col(Referral.allocated_date),
                      col(Referral.assessment_completed_date), col(Referral.closed_date),
                      col(Referral.consent))
            .where(col(Referral.carer_id).in_(part))
        ).all():
            by_carer[cid].append(tuple(fields))
    return {cid: earliest(rows) for cid, rows in by_carer.items()}


def refresh(session: Session, carer_id: str) -> Pending | None:
    """Store the carer's pending deadline again after a change to their referrals (the session's
    pending changes are flushed first, so the referrals read are the ones just written)."""
    session.flush()
    pending = computed(session, [carer_id])[carer_id]
    _write(session, {carer_id: pending})
    return pending


def refresh_bulk(session_or_conn: Session | Connection, carer_ids: Iterable[str]) -> int:
    """Store the pending deadline of many carers at once (for imports). Returns how many carer
    rows changed."""
    ids = sorted(set(carer_ids))
    changed = 0
    for start in range(0, len(ids), _CHUNK):
        part = ids[start: start + _CHUNK]
        now = computed(session_or_conn, part)
        held = stored(session_or_conn, part)
        changed += _write(session_or_conn,
                          {cid: p for cid, p in now.items() if cid in held and held[cid] != p})
    return changed


def _write(session_or_conn: Session | Connection, values: dict[str, Pending | None]) -> int:
    """UPDATE the carer rows (Core, so a carer object the session holds with an older value
    cannot make the ORM think nothing changed), and keep any such object in step."""
    if not values:
        return 0
    rows = [{"cid": cid, "d": p[1] if p else None, "k": p[0] if p else None} for cid, p in values.items()]
    conn = session_or_conn.connection() if isinstance(session_or_conn, Session) else session_or_conn
    conn.execute(update(Carer).where(col(Carer.id) == bindparam("cid"))
                 .values(deadline_date=bindparam("d"), deadline_kind=bindparam("k")), rows)
    if isinstance(session_or_conn, Session):
        for row in rows:
            held = session_or_conn.identity_map.get(identity_key(Carer, row["cid"]))
            if held is not None:
                set_committed_value(held, "deadline_date", row["d"])
                set_committed_value(held, "deadline_kind", row["k"])
    return len(rows)


def stored(conn: Connection | Session, carer_ids: Iterable[str]) -> dict[str, Pending | None]:
    """What the carer rows hold (for checks and tests)."""
    ids = sorted(set(carer_ids))
    out: dict[str, Pending | None] = {}
    for start in range(0, len(ids), _CHUNK):
        for cid, when, kind in conn.execute(
            sa_select(col(Carer.id), col(Carer.deadline_date), col(Carer.deadline_kind))
            .where(col(Carer.id).in_(ids[start: start + _CHUNK]))).all():
            out[cid] = (str(kind), when) if when is not None else None
    return out
