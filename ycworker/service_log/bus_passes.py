"""Bus pass applications for young carers who travel to clubs: when applied for, when issued.

A pass belongs to a young carer (found by their ref). The list shows how long an application
has waited (calendar days: a pass is issued by the bus company, not the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import BusPass, Carer
from ycworker.common import audit
from ycworker.service_log import entries as log


@dataclass(frozen=True)
class BusPassRow:
    id: str
    carer_id: str
    carer_ref: str
    name: str
    applied_date: date
    issued_date: date | None
    days: int  # days to issue, or days waiting so far


def list_passes(session: Session, w: log.Window, today: date, limit: int = log.LIMIT) -> log.Listing:
    b = BusPass
    where = log.within(b.applied_date, w)
    q = (sa_select(col(b.id), col(b.carer_id), col(Carer.carer_ref), col(Carer.first_name),
                   col(Carer.last_name), col(b.applied_date), col(b.issued_date))
         .join(Carer, col(Carer.id) == b.carer_id).where(*where)
         .order_by(col(b.applied_date).desc(), col(b.created_at).desc()).limit(limit))
    rows = [BusPassRow(i, cid, ref, f"{first} {last}".strip(), applied, issued,
                       ((issued or today) - applied).days)
            for i, cid, ref, first, last, applied, issued in session.execute(q)]
    total = session.exec(select(func.count()).select_from(b).where(*where)).one()
    issued = session.exec(select(func.count()).select_from(b)
                          .where(*where, col(b.issued_date).is_not(None))).one()
    waiting = session.exec(select(func.count()).select_from(b).where(col(b.issued_date).is_(None))).one()
    summary = (f"{total} application{'s' if total != 1 else ''}, {issued} issued; "
               f"{waiting} waiting for a pass now")
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str, worker_id: str | None = None) -> dict[str, str]:
    """The application as the form shows it (a write session: the carer's view is audited)."""
    row = log.get(session, BusPass, entry_id, "application")
    audit.record(session, "view", "bus_pass", row.id, worker_id)
    return {"carer": log.carer_ref(session, row.carer_id), "applied_date": log.uk(row.applied_date),
            "issued_date": log.uk(row.issued_date)}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    carer_id = check(log.find_carer, session, "carer", form.get("carer", ""), required=True)
    applied = check(log.field_date, "applied_date", form.get("applied_date", ""), today,
                    label="The date applied")
    issued = check(log.field_date, "issued_date", form.get("issued_date", ""), today, required=False,
                   label="The date issued", not_before=applied, not_before_label="the date applied")
    check.done()
    values = {"carer_id": carer_id, "applied_date": applied, "issued_date": issued}
    return log.save(session, BusPass, entry_id, values, worker_id, "application")
