"""The safeguarding themes log: the theme, the date, and the action taken.

An entry may be linked to a young carer (by their ref) so the worker can find it again; the log's
lists show the ref, never a name, and nothing of it goes into the commissioner's return. Opening
an entry linked to a carer for editing is audited as a view of a case record.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from db.models import Carer, SafeguardingEntry
from ycworker.common import audit
from ycworker.service_log import entries as log

THEMES = (
    "Parental mental health crisis", "Domestic abuse in the home", "Parental substance misuse",
    "Neglect concerns", "Self-harm", "Online safety", "Missing education",
    "Child criminal exploitation concern", "Excessive caring (personal care)",
)


@dataclass(frozen=True)
class SafeguardingRow:
    id: str
    entry_date: date
    theme: str
    action: str
    carer_ref: str


def list_entries(session: Session, w: log.Window, limit: int = log.LIMIT) -> log.Listing:
    e = SafeguardingEntry
    where = log.within(e.entry_date, w)
    q = (sa_select(col(e.id), col(e.entry_date), col(e.theme), col(e.action), col(Carer.carer_ref))
         .outerjoin(Carer, col(Carer.id) == e.carer_id).where(*where)
         .order_by(col(e.entry_date).desc(), col(e.created_at).desc()).limit(limit))
    rows = [SafeguardingRow(i, d, theme, action, ref or "")
            for i, d, theme, action, ref in session.execute(q)]
    themes = Counter(session.exec(select(e.theme).where(*where)).all())
    total = sum(themes.values())
    summary = (f"{total} entr{'ies' if total != 1 else 'y'} under {len(themes)} "
               f"theme{'s' if len(themes) != 1 else ''}")
    if themes:
        top = ", ".join(f"{t} ({n})" for t, n in themes.most_common(3))
        summary += f"; most often: {top}"
    return log.Listing(rows, total, summary)


def form_for(session: Session, entry_id: str, worker_id: str | None = None) -> dict[str, str]:
    """The entry as the form shows it (call in a write session: a linked carer's view is audited)."""
    row = log.get(session, SafeguardingEntry, entry_id, "entry")
    if row.carer_id:
        audit.record(session, "view", "safeguarding_entry", row.id, worker_id)
    return {"entry_date": log.uk(row.entry_date), "theme": row.theme, "action": row.action,
            "carer": log.carer_ref(session, row.carer_id)}


def save(session: Session, form: dict[str, str], today: date, entry_id: str | None = None,
         worker_id: str | None = None) -> str:
    check = log.Checker()
    day = check(log.field_date, "entry_date", form.get("entry_date", ""), today, label="The date")
    theme = check(log.field_text, "theme", form.get("theme", ""), "The theme", required=True)
    action = check(log.field_text, "action", form.get("action", ""), "The action taken", required=True,
                   limit=log.MAX_LONG_TEXT)
    carer_id = check(log.find_carer, session, "carer", form.get("carer", ""), required=False)
    check.done()
    values = {"entry_date": day, "theme": theme, "action": action, "carer_id": carer_id}
    if entry_id is None:
        values["worker_id"] = worker_id
    return log.save(session, SafeguardingEntry, entry_id, values, worker_id, "entry")
