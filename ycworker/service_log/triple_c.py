"""The Compliments, Comments and Complaints log: type, date received, from whom, theme, what was
said, the response and when it was given, and the days taken to respond.

Days to respond are working days (``ycworker.common.workdays``: Monday to Friday less bank holidays),
from the day it was received to the day of the response, the first not counted: a complaint on a
Friday answered the next Monday took 1 working day. A comment or complaint without a response yet
shows how long it has been waiting. The detail and response are free text and stay in the
database (the return carries none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import TripleCEntry
from ycworker.common import workdays
from ycworker.service_log import entries as log

KINDS = {"compliment": "Compliment", "comment": "Comment", "complaint": "Complaint"}
FROM = {"young_carer": "Young carer", "parent_carer": "Parent or carer", "professional": "Professional",
        "school": "School", "other": "Other"}


def days_to_respond(received: date, responded: date | None) -> int | None:
    if responded is None:
        return None
    return max(0, workdays.working_days_between(received, responded))


@dataclass(frozen=True)
class TripleCRow:
    id: str
    entry_date: date
    kind: str
    received_from: str
    theme: str
    detail: str
    response: str
    responded_date: date | None
    days_to_respond: int | None
    waiting_days: int | None  # working days waiting for a response (comments and complaints)


def list_entries(session: Session, w: log.Window, today: date, limit: int = log.LIMIT) -> log.Listing:
    t = TripleCEntry
    where = log.within(t.entry_date, w)
    q = (sa_select(col(t.id), col(t.entry_date), col(t.kind), col(t.received_from), col(t.theme),
                   col(t.detail), col(t.response), col(t.responded_date)).where(*where)
         .order_by(col(t.entry_date).desc(), col(t.created_at).desc()).limit(limit))
    rows: list[TripleCRow] = []
    for i, day, kind, whom, theme, detail, response, responded in session.execute(q):
        waiting = None
        if responded is None and kind != "compliment":
            waiting = max(0, workdays.working_days_between(day, today))
        rows.append(TripleCRow(i, day, kind, whom, theme, detail, response, responded,
                               days_to_respond(day, responded), waiting))
    counts = dict(session.exec(select(t.kind, func.count()).where(*where).group_by(t.kind)).all())
    total = sum(counts.values())
    answered = session.exec(select(col(t.entry_date), col(t.responded_date)).where(
        *where, t.kind == "complaint", col(t.responded_date).is_not(None))).all()
    days = [d for a, b in answered if (d := days_to_respond(a, b)) is not None]
    parts = [f"{counts.get(k, 0)} {label.lower()}{'s' if counts.get(k, 0) != 1 else ''}"
             for k, label in KINDS.items()]
    summary = ", ".join(parts)
    if days:
        summary += (f"; complaints answered in {sum(days) / len(days):.1f} working days on average "
                    f"(longest {max(days)})")
    open_complaints = session.exec(select(func.count()).select_from(t).where(
        *where, t.kind == "complaint", col(t.responded_date).is_(None))).one()
    if open_complaints:
        summary += f"; {open_complaints} complaint{'s' if open_complaints != 1 else ''} awaiting a response"
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str) -> dict[str, str]:
    row = log.get(session, TripleCEntry, entry_id, "entry")
    return {"kind": row.kind, "entry_date": log.uk(row.entry_date), "received_from": row.received_from,
            "theme": row.theme, "detail": row.detail, "response": row.response,
            "responded_date": log.uk(row.responded_date)}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    kind = check(log.field_key, "kind", form.get("kind", ""), KINDS, "Type")
    day = check(log.field_date, "entry_date", form.get("entry_date", ""), today, label="The date received")
    whom = check(log.field_key, "received_from", form.get("received_from", ""), FROM, "From",
                 required=False)
    theme = check(log.field_text, "theme", form.get("theme", ""), "The theme", required=True)
    detail = check(log.field_text, "detail", form.get("detail", ""), "What was said",
                   limit=log.MAX_LONG_TEXT)
    response = check(log.field_text, "response", form.get("response", ""), "The response",
                     limit=log.MAX_LONG_TEXT)
    responded = check(log.field_date, "responded_date", form.get("responded_date", ""), today,
                      required=False, label="The date of the response", not_before=day,
                      not_before_label="the date it was received")
    if responded is not None and not response and not check.failed("response"):
        check.add("response", "Say what the response was (or clear the date of the response).")
    if response and responded is None and not check.failed("responded_date"):
        check.add("responded_date", "Give the date of the response (DD/MM/YYYY).")
    check.done()
    values = {"kind": kind, "entry_date": day, "received_from": whom, "theme": theme, "detail": detail,
              "response": response, "responded_date": responded}
    if entry_id is None:
        values["worker_id"] = worker_id
    return log.save(session, TripleCEntry, entry_id, values, worker_id, "entry")
