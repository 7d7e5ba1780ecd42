"""Awareness-raising sessions (KPI 8): date, audience, headcount, and the school or district.

KPI 8 counts the sessions delivered in the period (``ycworker.returns.kpis``); the headcount is kept for
the service's own reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import AwarenessSession, District, School
from ycworker.service_log import entries as log

AUDIENCES = {"pupils": "Pupils", "school_staff": "School staff", "professionals": "Professionals",
             "community": "Community", "other": "Other"}
MAX_HEADCOUNT = 5000


@dataclass(frozen=True)
class AwarenessRow:
    id: str
    session_date: date
    audience: str
    headcount: int
    school: str
    district: str
    notes: str


def list_sessions(session: Session, w: log.Window, limit: int = log.LIMIT) -> log.Listing:
    a = AwarenessSession
    where = log.within(a.session_date, w)
    q = (sa_select(col(a.id), col(a.session_date), col(a.audience), col(a.headcount), col(School.name),
                   col(District.name), col(a.notes))
         .outerjoin(School, col(School.id) == a.school_id)
         .outerjoin(District, col(District.id) == a.district_id)
         .where(*where).order_by(col(a.session_date).desc(), col(a.created_at).desc()).limit(limit))
    rows = [AwarenessRow(i, d, aud, n, sch or "", dis or "", notes)
            for i, d, aud, n, sch, dis, notes in session.execute(q)]
    total, people = session.exec(select(func.count(), func.coalesce(func.sum(a.headcount), 0))
                                 .select_from(a).where(*where)).one()
    summary = f"{total} awareness session{'s' if total != 1 else ''} (KPI 8) reaching {people:,} people"
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str) -> dict[str, str]:
    row = log.get(session, AwarenessSession, entry_id, "session")
    school = session.get(School, row.school_id) if row.school_id else None
    return {"session_date": log.uk(row.session_date), "audience": row.audience,
            "headcount": str(row.headcount), "school": school.name if school else "",
            "district": row.district_id or "",
            "notes": row.notes}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    day = check(log.field_date, "session_date", form.get("session_date", ""), today, label="The date")
    audience = check(log.field_key, "audience", form.get("audience", ""), AUDIENCES, "Audience")
    headcount = check(log.field_int, "headcount", form.get("headcount", ""), "Headcount",
                      maximum=MAX_HEADCOUNT)
    school_id = check(log.find_school, session, "school", form.get("school", ""))
    district_id = check(log.check_district, session, "district", form.get("district", ""))
    notes = check(log.field_text, "notes", form.get("notes", ""), "Notes")
    check.done()
    if district_id is None and school_id is not None:
        school = session.get(School, school_id)
        assert school is not None  # found by find_school in this transaction
        district_id = school.district_id
    values = {"session_date": day, "audience": audience, "headcount": headcount, "school_id": school_id,
              "district_id": district_id, "notes": notes}
    if entry_id is None:
        values["worker_id"] = worker_id
    return log.save(session, AwarenessSession, entry_id, values, worker_id, "session")
